#include "fortianalyzer/ingest/ingest_pipeline.h"

#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "fortianalyzer/ingest/clean_observable_cache.h"
#include "fortianalyzer/ingest/log_mapping.h"
#include "fortianalyzer/ingest/stored_log_reader.h"

namespace fabric::faz {

namespace {

std::int64_t threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Messages parsed into one LogBatch before it is handed to the store (one lock, one chunk).
constexpr std::size_t kRowsPerChunk = 4096;

}  // namespace

std::string_view toString(Transport transport) {
  switch (transport) {
    case Transport::kUdp: return "udp";
    case Transport::kTcp: return "tcp";
    case Transport::kTls: return "tls";
    case Transport::kFortiGateLink: return "fortigate-link";
    case Transport::kLocal: return "local";
  }
  return "unknown";
}

std::string_view toString(SubmitResult result) {
  switch (result) {
    case SubmitResult::kAccepted: return "accepted";
    case SubmitResult::kQueueFull: return "queue full";
    case SubmitResult::kUnknownLink: return "unknown link";
    case SubmitResult::kClosed: return "closed";
  }
  return "unknown";
}

void MessageBatch::add(std::string_view message) {
  data_.append(message);
  ends_.push_back(data_.size());
}

void MessageBatch::reserve(std::size_t messages, std::size_t bytes) {
  ends_.reserve(messages);
  data_.reserve(bytes);
}

void MessageBatch::clear() {
  data_.clear();
  ends_.clear();
}

struct IngestPipeline::Impl {
  struct Submission {
    LinkId link = 0;
    std::uint64_t seq = 0;
    std::int64_t received_ns = 0;
    MessageBatch batch;
    // The link's sender, copied so that the link may close before its submissions are processed.
    std::string address;
    bool registered = false;
    Transport transport = Transport::kLocal;
  };
  struct LinkState {
    SenderInfo sender;
  };
  // One processed submission waiting for its logs to commit.
  struct AckEntry {
    LinkId link = 0;
    std::uint64_t seq = 0;
    LogId last_id = 0;  // its last stored log, or the last id assigned before it when it stored none
    std::string address;
    std::uint64_t stored = 0;
  };
  struct PendingIoc {
    LogId id = 0;
    IocEvent event;
  };

  Impl(IngestOptions o, const Clock& c)
      : options(std::move(o)), clock(c), engine(c, options.ioc),
        cleanCache(options.ioc_clean_cache_entries) {}

  IngestOptions options;
  const Clock& clock;
  std::unique_ptr<LogStore> store;

  // Submit queue.
  std::mutex qmu;
  std::condition_variable work;       // parse thread waits
  std::condition_variable space;      // submit() waits
  std::condition_variable processed;  // flush() waits for the parse thread
  std::deque<Submission> queue;
  std::size_t queuedMessages = 0;
  std::size_t queuedBytes = 0;
  std::uint64_t submitted = 0;       // submissions accepted
  std::uint64_t processedCount = 0;  // submissions parsed and handed to the store
  bool stopping = false;
  bool resumeWanted = false;

  // Links and counters.
  mutable std::mutex cmu;
  std::map<LinkId, LinkState> links;
  LinkId nextLink = 1;
  std::map<std::string, SenderCounters, std::less<>> senders;
  IngestCounters totals;  // scalar fields only
  std::atomic<std::int64_t> parseCpuNs{0};

  // IoC engine (matching and API calls serialise here).
  std::mutex iocmu;
  ioc::IocEngine engine;
  std::uint64_t feedGeneration = 1;  // bumped (under iocmu) whenever the feeds may have changed
  CleanObservableCache cleanCache;   // parse thread only
  std::atomic<std::uint64_t> cacheHits{0}, cacheMisses{0};

  // Delivery of acks and IoC events after commit.
  std::mutex dmu;
  std::condition_variable delivered;
  std::deque<AckEntry> acks;
  std::deque<PendingIoc> iocs;
  LogId deliveredThrough = 0;
  CommitListener commitListener;
  IocListener iocListener;
  ResumeListener resumeListener;

  std::thread parser;
  std::thread::id parserId;
  bool closed = false;
  std::mutex closeMu;

  bool full(std::size_t messages, std::size_t bytes) const {
    return !queue.empty() && (queuedMessages + messages > options.max_queued_messages ||
                              queuedBytes + bytes > options.max_queued_bytes);
  }

  SenderCounters& senderLocked(const std::string& address) {
    auto it = senders.find(address);
    if (it == senders.end()) it = senders.emplace(address, SenderCounters{.address = address}).first;
    return it->second;
  }

  void refuseOnCallbackThread(const char* what) const {
    if (std::this_thread::get_id() == parserId || (store && store->onWriterThread())) {
      throw std::logic_error(std::string("IngestPipeline::") + what +
                             " called from a listener (parse thread)");
    }
  }

  // Runs every ack and IoC event whose logs are committed (<= committedThrough), in order.
  void deliver(LogId committedThrough) {
    std::lock_guard lk(dmu);
    while (!iocs.empty() && iocs.front().id <= committedThrough) {
      PendingIoc p = std::move(iocs.front());
      iocs.pop_front();
      if (iocListener) iocListener(p.event);
    }
    while (!acks.empty() && acks.front().last_id <= committedThrough) {
      AckEntry a = std::move(acks.front());
      acks.pop_front();
      {
        std::lock_guard ck(cmu);
        totals.stored += a.stored;
        senderLocked(a.address).stored += a.stored;
      }
      if (commitListener && a.link != 0 && a.seq != 0) commitListener(a.link, a.seq);
    }
    deliveredThrough = std::max(deliveredThrough, committedThrough);
    delivered.notify_all();
  }

  void parseLoop();
  void processChunk(std::vector<Submission>& subs);
};

namespace {

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
        bool hit = false;
        for (const logfmt::Observable& o : obs) {
          if (cleanCache.isClean(o, generation)) continue;
          single.observables.resize(1);
          single.observables[0] = o;
          if (engine.match(single).empty()) {
            cleanCache.markClean(o, generation);
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

IngestPipeline::IngestPipeline(IngestOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), clock)) {
  if (impl_->options.store.path.empty()) throw std::invalid_argument("ingest: store path is empty");
  impl_->store = std::make_unique<LogStore>(impl_->options.store, clock);
  impl_->deliveredThrough = impl_->store->committedId();
  Impl* impl = impl_.get();
  impl_->store->setCommitListener([impl](LogId committed) { impl->deliver(committed); });
  impl_->parser = std::thread([impl] {
    pthread_setname_np(pthread_self(), "faz-parse");  // per-thread CPU in top/perf/benchmarks
    impl->parseLoop();
  });
  impl_->parserId = impl_->parser.get_id();
}

IngestPipeline::~IngestPipeline() { close(); }

void IngestPipeline::setCommitListener(CommitListener listener) {
  std::lock_guard lk(impl_->dmu);
  impl_->commitListener = std::move(listener);
}

void IngestPipeline::setIocListener(IocListener listener) {
  std::lock_guard lk(impl_->dmu);
  impl_->iocListener = std::move(listener);
}

void IngestPipeline::setResumeListener(ResumeListener listener) {
  std::lock_guard lk(impl_->dmu);
  impl_->resumeListener = std::move(listener);
}

LinkId IngestPipeline::openLink(SenderInfo sender) {
  std::lock_guard ck(impl_->cmu);
  LinkId id = impl_->nextLink++;
  SenderCounters& sc = impl_->senderLocked(sender.address);
  sc.transport = sender.transport;
  impl_->links.emplace(id, Impl::LinkState{std::move(sender)});
  return id;
}

void IngestPipeline::closeLink(LinkId link) {
  std::lock_guard ck(impl_->cmu);
  impl_->links.erase(link);  // queued submissions carry their own copy of the sender
}

SubmitResult IngestPipeline::trySubmit(LinkId link, MessageBatch& batch, std::uint64_t seq) {
  return submit(link, batch, seq, std::chrono::milliseconds(0));
}

SubmitResult IngestPipeline::submit(LinkId link, MessageBatch& batch, std::uint64_t seq,
                                    std::chrono::milliseconds timeout) {
  Impl& d = *impl_;
  std::string address;
  bool registered = false;
  Transport transport = Transport::kLocal;
  {
    std::lock_guard ck(d.cmu);
    auto it = d.links.find(link);
    if (it == d.links.end()) return SubmitResult::kUnknownLink;
    address = it->second.sender.address;
    registered = it->second.sender.registered_device;
    transport = it->second.sender.transport;
  }
  std::int64_t now = d.clock.now().time_since_epoch() / std::chrono::nanoseconds(1);
  std::unique_lock lk(d.qmu);
  if (d.stopping) return SubmitResult::kClosed;
  if (d.full(batch.size(), batch.bytes())) {
    if (timeout.count() > 0) {
      d.space.wait_for(lk, timeout, [&] { return d.stopping || !d.full(batch.size(), batch.bytes()); });
    }
    if (d.stopping) return SubmitResult::kClosed;
    if (d.full(batch.size(), batch.bytes())) {
      d.resumeWanted = true;
      lk.unlock();
      std::lock_guard ck(d.cmu);
      d.totals.refused_full += 1;
      d.senderLocked(address).refused_full += 1;
      return SubmitResult::kQueueFull;
    }
  }
  bool wasEmpty = d.queue.empty();
  d.queuedMessages += batch.size();
  d.queuedBytes += batch.bytes();
  d.queue.push_back(Impl::Submission{link, seq, now, std::move(batch), std::move(address),
                                     registered, transport});
  d.submitted += 1;
  batch.clear();
  lk.unlock();
  if (wasEmpty) d.work.notify_one();
  return SubmitResult::kAccepted;
}

void IngestPipeline::noteOversized(LinkId link, std::size_t count) {
  std::lock_guard ck(impl_->cmu);
  auto it = impl_->links.find(link);
  impl_->totals.oversized += count;
  if (it != impl_->links.end()) impl_->senderLocked(it->second.sender.address).oversized += count;
}

void IngestPipeline::noteFramingError(LinkId link, std::string_view) {
  std::lock_guard ck(impl_->cmu);
  auto it = impl_->links.find(link);
  impl_->totals.framing_errors += 1;
  if (it != impl_->links.end()) impl_->senderLocked(it->second.sender.address).framing_errors += 1;
}

bool IngestPipeline::flush(std::chrono::milliseconds timeout) {
  Impl& d = *impl_;
  d.refuseOnCallbackThread("flush");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  {
    std::unique_lock lk(d.qmu);
    std::uint64_t target = d.submitted;
    if (!d.processed.wait_until(lk, deadline, [&] { return d.processedCount >= target; })) {
      return false;
    }
  }
  LogId last = d.store->lastAssignedId();
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (!d.store->flush(std::max(left, std::chrono::milliseconds(0)))) return false;
  std::unique_lock lk(d.dmu);
  return d.delivered.wait_until(lk, deadline, [&] {
    return d.deliveredThrough >= last && (d.acks.empty() || d.acks.front().last_id > last);
  });
}

IngestCounters IngestPipeline::counters() const {
  Impl& d = *impl_;
  IngestCounters c;
  {
    std::lock_guard ck(d.cmu);
    c = d.totals;
    c.senders.clear();
    for (const auto& [addr, s] : d.senders) c.senders.push_back(s);
    c.open_links = d.links.size();
  }
  {
    std::lock_guard lk(d.qmu);
    c.queued_messages = d.queuedMessages;
    c.queued_bytes = d.queuedBytes;
  }
  c.parse_cpu_ns = d.parseCpuNs.load(std::memory_order_relaxed);
  c.ioc_cache_hits = d.cacheHits.load(std::memory_order_relaxed);
  c.ioc_cache_misses = d.cacheMisses.load(std::memory_order_relaxed);
  c.store = d.store->stats();
  return c;
}

std::optional<SenderCounters> IngestPipeline::sender(std::string_view address) const {
  std::lock_guard ck(impl_->cmu);
  auto it = impl_->senders.find(address);
  if (it == impl_->senders.end()) return std::nullopt;
  return it->second;
}

ioc::FeedLoadReport IngestPipeline::loadFeed(const ioc::FeedSource& source, std::string_view text) {
  ioc::FeedLoadReport report;
  ioc::FeedIndexPtr index = ioc::buildFeed(source, text, &report);  // off the matching path
  if (index) {
    std::lock_guard lk(impl_->iocmu);
    impl_->engine.installFeed(std::move(index));
    ++impl_->feedGeneration;
  }
  return report;
}

bool IngestPipeline::removeFeed(std::string_view name) {
  std::lock_guard lk(impl_->iocmu);
  ++impl_->feedGeneration;
  return impl_->engine.removeFeed(name);
}

ioc::RescanReport IngestPipeline::rescan(std::string_view onlyFeed) {
  Impl& d = *impl_;
  ioc::RescanReport report;
  {
    std::lock_guard lk(d.iocmu);
    report = d.engine.rescan(storedLogVisitor(d.store->path()), onlyFeed);
  }
  IocListener fn;
  {
    std::lock_guard lk(d.dmu);
    fn = d.iocListener;
  }
  {
    std::lock_guard ck(d.cmu);
    d.totals.ioc_notifications += report.notifications.size();
  }
  if (fn) {
    for (const auto& n : report.notifications) {
      IocEvent e;
      e.log_id = n.logIds.empty() ? 0 : n.logIds.back();
      e.notification = n;
      fn(e);
    }
  }
  return report;
}

void IngestPipeline::withIoc(const std::function<void(ioc::IocEngine& engine)>& fn) {
  std::lock_guard lk(impl_->iocmu);
  ++impl_->feedGeneration;  // fn may install or remove feeds
  fn(impl_->engine);
}

const std::string& IngestPipeline::storePath() const { return impl_->store->path(); }

std::string IngestPipeline::registerDevice(const DeviceRecord& device) {
  return impl_->store->registerDevice(device);
}

bool IngestPipeline::unregisterDevice(const std::string& devid) {
  return impl_->store->unregisterDevice(devid);
}

std::vector<DeviceRecord> IngestPipeline::listDevices() { return impl_->store->listDevices(); }

RetentionReport IngestPipeline::runRetentionNow() { return impl_->store->runRetentionNow(); }

void IngestPipeline::close() {
  Impl& d = *impl_;
  std::lock_guard cl(d.closeMu);
  if (d.closed) return;
  d.refuseOnCallbackThread("close");
  d.closed = true;
  {
    std::lock_guard lk(d.qmu);
    d.stopping = true;
  }
  d.work.notify_all();
  d.space.notify_all();
  if (d.parser.joinable()) d.parser.join();  // drains the queue into the store
  d.store->close();                          // commits it; the commit listener delivers
  d.deliver(d.store->committedId());
}

}  // namespace fabric::faz
