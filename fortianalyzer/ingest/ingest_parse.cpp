// The parse side of the ingest pipeline: the parse thread takes queued submissions, parses each
// message once, builds the store rows in one arena per chunk, matches IoC observables, appends the
// chunk to the store and queues its acks and IoC events for the commit side. See
// ingest_pipeline_impl.h.
#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <mutex>
#include <utility>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "fortianalyzer/ingest/ingest_pipeline_impl.h"
#include "fortianalyzer/ingest/log_mapping.h"

namespace fabric::faz {
namespace {

std::int64_t threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Messages parsed into one LogBatch before it is handed to the store (one lock, one chunk).
constexpr std::size_t kRowsPerChunk = 4096;

struct LocalCounts {
  std::uint64_t received = 0, bytes = 0, malformed = 0, oversized = 0, empty = 0;
};

}  // namespace

void IngestPipeline::Impl::processChunk(std::vector<Submission>& subs) {
  // Parse every message of these submissions into one LogBatch, remembering per submission how
  // many rows it produced and which logs matched a feed.
  thread_local logfmt::LogRecord record;
  thread_local std::vector<logfmt::Observable> obs;
  thread_local std::string scratch;
  thread_local ioc::LogObservables logObs;
  thread_local ioc::LogObservables single;
  thread_local std::vector<std::uint64_t> hashes;

  struct SubInfo {
    std::size_t rows = 0;
    std::string address;
    bool registered = false;
    Transport transport = Transport::kLocal;
    LocalCounts counts;
  };
  std::vector<SubInfo> info(subs.size());
  struct Matched {
    std::size_t row;
    std::size_t sub;
    ioc::LogObservables obs;
  };
  std::vector<Matched> matched;

  LogBatch batch = store->takeSpareBatch();
  std::size_t totalBytes = 0, totalMsgs = 0;
  for (const auto& s : subs) {
    totalBytes += s.batch.bytes();
    totalMsgs += s.batch.size();
  }
  batch.reserve(totalMsgs, totalBytes + totalMsgs * 160);

  for (std::size_t i = 0; i < subs.size(); ++i) {
    info[i].address = subs[i].address;
    info[i].registered = subs[i].registered;
    info[i].transport = subs[i].transport;
  }

  std::unique_lock iocLock(iocmu);
  const bool haveFeeds = !engine.feeds().empty();
  const std::uint64_t generation = feedGeneration;
  if (!haveFeeds) iocLock.unlock();

  for (std::size_t i = 0; i < subs.size(); ++i) {
    const Submission& s = subs[i];
    SubInfo& si = info[i];
    RowOrigin origin{si.address, si.registered, s.received_ns};
    for (std::size_t m = 0; m < s.batch.size(); ++m) {
      std::string_view message = s.batch[m];
      ++si.counts.received;
      si.counts.bytes += message.size();
      if (message.size() > options.max_message) {
        ++si.counts.oversized;
        continue;
      }
      std::string_view line = trimLineEnd(message);
      if (line.find_first_not_of(" \t") == std::string_view::npos) {
        ++si.counts.empty;
        continue;
      }
      if (!logfmt::parseLogLine(line, s.received_ns, record)) {
        ++si.counts.malformed;
        addMalformedRow(line, origin, batch);
        ++si.rows;
        continue;
      }
      addParsedRow(record, origin, batch, scratch);
      ++si.rows;
      if (haveFeeds) {
        logfmt::extractObservables(record, obs);
        if (obs.empty()) continue;
        // Each observable on its own (a log's matches are the union of its observables'), so
        // that clean ones can be cached; a log with any match goes to inspect() whole.
        // Every hash first (each prefetches its cache set), then the probes: the memory accesses
        // of a log's observables overlap instead of waiting one after the other.
        hashes.resize(obs.size());
        for (std::size_t k = 0; k < obs.size(); ++k) hashes[k] = cleanCache.prepare(obs[k]);
        bool hit = false;
        for (std::size_t k = 0; k < obs.size(); ++k) {
          const logfmt::Observable& o = obs[k];
          if (cleanCache.isClean(o, hashes[k], generation)) continue;
          single.observables.resize(1);
          single.observables[0] = o;
          if (engine.match(single).empty()) {
            cleanCache.markClean(o, hashes[k], generation);
          } else {
            hit = true;
          }
        }
        if (!hit) continue;
        fillObservables(record, obs, logObs);
        matched.push_back(Matched{batch.size() - 1, i, logObs});
      }
    }
  }
  if (iocLock.owns_lock()) iocLock.unlock();
  cacheHits.store(cleanCache.hits(), std::memory_order_relaxed);
  cacheMisses.store(cleanCache.misses(), std::memory_order_relaxed);

  // Hand the rows to the store (blocks while its queue is full: backpressure reaches trySubmit).
  LogId first = 0;
  if (!batch.empty()) {
    auto id = store->appendBatch(batch, true);
    if (!id) return;  // the store is closing (close() from a failing state): nothing is acked
    first = *id;
  }
  LogId before = first != 0 ? first - 1 : store->lastAssignedId();

  // Live IoC inspection now that the logs have ids; events wait for the commit.
  std::vector<PendingIoc> events;
  if (!matched.empty()) {
    std::lock_guard lk(iocmu);
    for (auto& [row, sub, o] : matched) {
      o.logId = first + static_cast<LogId>(row);
      ioc::InspectResult r = engine.inspect(o);
      if (r.matches.empty()) continue;  // a feed was removed meanwhile
      PendingIoc p;
      p.id = o.logId;
      p.event.log_id = o.logId;
      p.event.link = subs[sub].link;
      p.event.sender = info[sub].address;
      p.event.matches = std::move(r.matches);
      if (!r.notifications.empty()) p.event.notification = std::move(r.notifications.front());
      events.push_back(std::move(p));
    }
  }

  // Counters, then the acks (one per submission, in order).
  std::uint64_t notifications = 0;
  for (const auto& e : events) notifications += e.event.notification ? 1 : 0;
  {
    std::lock_guard ck(cmu);
    for (std::size_t i = 0; i < subs.size(); ++i) {
      const LocalCounts& c = info[i].counts;
      totals.received += c.received;
      totals.bytes += c.bytes;
      totals.malformed += c.malformed;
      totals.oversized += c.oversized;
      totals.empty += c.empty;
      SenderCounters& sc = senderLocked(info[i].address);
      sc.received += c.received;
      sc.bytes += c.bytes;
      sc.malformed += c.malformed;
      sc.oversized += c.oversized;
      sc.empty += c.empty;
      sc.transport = info[i].transport;
      sc.last_seen_ns = std::max(sc.last_seen_ns, subs[i].received_ns);
    }
    totals.ioc_matched_logs += events.size();
    totals.ioc_notifications += notifications;
  }
  {
    std::lock_guard lk(dmu);
    LogId last = before;
    for (std::size_t i = 0; i < subs.size(); ++i) {
      last += static_cast<LogId>(info[i].rows);
      acks.push_back(AckEntry{subs[i].link, subs[i].seq, last, std::move(info[i].address),
                              info[i].rows});
    }
    for (auto& e : events) iocs.push_back(std::move(e));
  }
  deliver(store->committedId());
}

void IngestPipeline::Impl::parseLoop() {
  std::vector<Submission> subs;
  for (;;) {
    {
      std::unique_lock lk(qmu);
      work.wait(lk, [&] { return !queue.empty() || stopping; });
      if (queue.empty() && stopping) return;
      std::size_t rows = 0;
      while (!queue.empty() && (subs.empty() || rows + queue.front().batch.size() <= kRowsPerChunk)) {
        rows += queue.front().batch.size();
        queuedMessages -= queue.front().batch.size();
        queuedBytes -= queue.front().batch.bytes();
        subs.push_back(std::move(queue.front()));
        queue.pop_front();
      }
    }
    space.notify_all();
    try {
      processChunk(subs);
    } catch (const std::exception& e) {
      // Nothing of this chunk is acked (its senders keep and resend it); counted and reported.
      std::lock_guard ck(cmu);
      totals.lost += subs.size();
      totals.last_error = std::string("parse thread: ") + e.what();
    }
    parseCpuNs.store(threadCpuNs(), std::memory_order_relaxed);
    bool resume = false;
    {
      std::lock_guard lk(qmu);
      processedCount += subs.size();
      if (resumeWanted && queuedMessages <= options.max_queued_messages / 2 &&
          queuedBytes <= options.max_queued_bytes / 2) {
        resumeWanted = false;
        resume = true;
      }
    }
    subs.clear();
    processed.notify_all();
    if (resume) {
      ResumeListener fn;
      {
        std::lock_guard lk(dmu);
        fn = resumeListener;
      }
      if (fn) fn();
    }
  }
}

}  // namespace fabric::faz
