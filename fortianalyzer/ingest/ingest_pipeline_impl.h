#pragma once
// Private to fortianalyzer/ingest: the state behind IngestPipeline, shared by its three files —
//   ingest_pipeline.cpp  the public API (links, submission queue, counters, IoC and store calls),
//   ingest_parse.cpp     the parse side: the parse thread turning submissions into store rows and
//                        IoC matches,
//   ingest_commit.cpp    the commit side: acks and IoC events delivered once their logs are
//                        committed, and flush().

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fortianalyzer/ingest/clean_observable_cache.h"
#include "fortianalyzer/ingest/ingest_pipeline.h"

namespace fabric::faz {

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

  // Runs every ack and IoC event whose logs are committed (<= committedThrough), in order
  // (ingest_commit.cpp).
  void deliver(LogId committedThrough);

  // The parse side (ingest_parse.cpp).
  void parseLoop();
  void processChunk(std::vector<Submission>& subs);
};

}  // namespace fabric::faz
