// The commit side of the ingest pipeline: what happens once the store reports a commit (acks per
// link in seq order, IoC events), and flush(), which waits for it. See ingest_pipeline_impl.h.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <utility>

#include "fortianalyzer/ingest/ingest_pipeline_impl.h"

namespace fabric::faz {

// Called on the store's writer thread after every commit, and by the parse thread after it queued
// a chunk's acks (some may already be committed).
void IngestPipeline::Impl::deliver(LogId committedThrough) {
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

}  // namespace fabric::faz
