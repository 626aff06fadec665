#include "fortianalyzer/ingest/ingest_pipeline.h"

#include <pthread.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "fortianalyzer/ingest/ingest_pipeline_impl.h"
#include "fortianalyzer/ingest/stored_log_reader.h"

namespace fabric::faz {

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
void IngestPipeline::setRetention(const RetentionPolicy& policy) { impl_->store->setRetention(policy); }

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
