#pragma once
// CONTRACT (stable: helper "faz" builds the daemon's receivers, FortiGate link, API and CLI on it;
// the implementation may add to this header, not change the meaning of what is here).
//
// IngestPipeline: the FortiAnalyzer's log ingest path, from complete syslog messages to durable
// rows. Receivers (UDP 514, TCP 514, TLS 6514, the FortiGate link) remove the framing and hand
// complete messages here; the pipeline
//   1. parses each message once, zero-copy (common/logfmt: RFC 3164 / RFC 5424 headers, bare FortiOS
//      key=value lines, FortiOS CSV, CEF),
//   2. stores it in batches in the SQLite log store (fortianalyzer/store), raw line always kept,
//   3. matches its IoC observables against the loaded feeds (fortianalyzer/ioc), keeping the
//      per-endpoint verdicts ("Compromised Hosts"),
//   4. counts everything (received, stored, malformed, oversized, framing errors; in total and per
//      sender address),
//   5. reports durability per submitting link (CommitListener: a link's `seq` is reported once every
//      message it submitted up to that seq is committed — the FortiGate link sends `logs-ack seq`
//      then, never earlier), and IoC matches / notifications (IocListener).
//
// Threading: every public member is thread-safe and may be called from any thread (the daemon's
// event loop, HTTP threads, console). Work runs on the pipeline's own threads: one that parses +
// matches, and the store's writer thread that runs SQLite; listeners are called on those threads —
// keep them short (post to your event loop). The listeners must not call flush() or close() (they
// would wait on the very thread that runs them; they throw std::logic_error instead).
//
// Messages whose parse fails ("malformed": empty body, no key=value field, broken CEF header) are
// counted AND stored with their raw text (type/subtype empty), as FortiAnalyzer keeps lines from
// generic syslog devices; only empty messages and messages longer than max_message are dropped
// (counted). Logs from devices that nobody registered are stored and their device is listed
// unregistered (listDevices()), as FortiAnalyzer's "Unauthorized Devices".
//
// Durability (docs/fortianalyzer-ingest.md): a message is *accepted* when its batch is committed to
// the WAL; that is when CommitListener reports its seq and when flush() returns. A kill -9 of the
// process after that loses nothing; what it can lose was never reported as committed, so senders
// that wait for the ack resend it. (synchronous=NORMAL: a power loss — not a process crash — can
// lose the last commits since the previous WAL sync; see the store docs.)
//
// Backpressure: the queue between submitters and the parse thread is bounded. trySubmit() refuses
// (kQueueFull) instead of blocking and leaves the batch untouched; stop reading that socket and try
// again when the ResumeListener fires. submit() waits up to a timeout.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/clock.h"
#include "fortianalyzer/ioc/feed_index.h"
#include "fortianalyzer/ioc/ioc_engine.h"
#include "fortianalyzer/store/device_registry.h"
#include "fortianalyzer/store/log_record.h"
#include "fortianalyzer/store/log_store.h"
#include "fortianalyzer/store/retention.h"

namespace fabric::faz {

enum class Transport : std::uint8_t {
  kUdp,            // syslog over UDP 514: one datagram = one message
  kTcp,            // syslog over TCP 514 (newline or octet counting)
  kTls,            // syslog over TLS 6514 (RFC 5425)
  kFortiGateLink,  // the FortiGate's framed-JSON link: `logs` messages, acked with `logs-ack`
  kLocal,          // tests, benchmarks, files
};
std::string_view toString(Transport transport);  // "udp", "tcp", "tls", "fortigate-link", "local"

// Complete messages (framing removed), copied into one buffer: one allocation per batch, not per
// message. Receivers add every message a read produced and submit the batch.
class MessageBatch {
 public:
  void add(std::string_view message);
  void reserve(std::size_t messages, std::size_t bytes);
  void clear();
  std::size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }
  std::size_t bytes() const { return data_.size(); }
  std::string_view operator[](std::size_t i) const {
    std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_).substr(begin, ends_[i] - begin);
  }

 private:
  std::string data_;
  std::vector<std::size_t> ends_;
};

// Who sends on a link. Counters are kept per `address`.
struct SenderInfo {
  std::string address;  // peer IP ("127.0.1.5"); stored as each log's source_addr
  Transport transport = Transport::kTls;
  // The peer authenticated as a known device (the FortiGate link with a verified certificate):
  // a device first seen through such a link is listed registered. Plain syslog senders: false.
  bool registered_device = false;
  std::string name;  // optional, for diagnostics (FortiGate serial, "tls 127.0.1.5:40012")
};

// One submitting connection. 0 is never a valid id.
using LinkId = std::uint64_t;

struct IngestOptions {
  LogStoreOptions store;                       // store.path is required
  std::size_t max_message = 65536;             // longer messages are dropped, counted `oversized`
  // Submit queue bounds (backpressure). 65,536 messages / 48 MiB keeps the parse thread fed for
  // well over 100 ms at 200,000 logs/s; the former 200,000 / 128 MiB only added peak RSS.
  std::size_t max_queued_messages = 65536;
  std::size_t max_queued_bytes = std::size_t{48} << 20;
  ioc::IocSettings ioc;                        // notification enable, notification-throttle
  // Observables that matched no feed are remembered (this many, direct-mapped) until the feeds
  // change, so repeated values skip the feed probes. 0 disables. See clean_observable_cache.h.
  std::size_t ioc_clean_cache_entries = 65536;
};

struct SenderCounters {
  std::string address;
  Transport transport = Transport::kTls;  // of the most recent link from this address
  std::uint64_t received = 0;        // messages submitted (incl. malformed and oversized)
  std::uint64_t bytes = 0;           // their bytes
  std::uint64_t stored = 0;          // committed to the store (incl. malformed kept raw)
  std::uint64_t malformed = 0;       // parse refused; kept raw
  std::uint64_t oversized = 0;       // longer than max_message, or reported by noteOversized()
  std::uint64_t empty = 0;           // empty messages, dropped
  std::uint64_t framing_errors = 0;  // reported by noteFramingError()
  std::uint64_t refused_full = 0;    // batches refused by trySubmit() with kQueueFull
  std::int64_t last_seen_ns = 0;     // wall clock of the last submission
};

struct IngestCounters {
  std::uint64_t received = 0;
  std::uint64_t bytes = 0;
  std::uint64_t stored = 0;
  std::uint64_t malformed = 0;
  std::uint64_t oversized = 0;
  std::uint64_t empty = 0;
  std::uint64_t framing_errors = 0;
  std::uint64_t refused_full = 0;
  std::uint64_t ioc_matched_logs = 0;   // logs with at least one IoC match
  std::uint64_t ioc_notifications = 0;  // notifications raised (live and rescan)
  std::uint64_t lost = 0;               // submissions dropped by an internal error (never acked)
  std::string last_error;               // the last such error, "" when none
  std::size_t queued_messages = 0;      // submitted, not yet parsed
  std::size_t queued_bytes = 0;
  std::size_t open_links = 0;
  std::int64_t parse_cpu_ns = 0;        // CPU time of the parse + match thread so far
  std::uint64_t ioc_cache_hits = 0;     // observables found clean in the cache (no feed probe)
  std::uint64_t ioc_cache_misses = 0;
  LogStoreStats store;                  // ids, commits, writer CPU, last write error
  std::vector<SenderCounters> senders;  // sorted by address
};

// Sent for every stored log that matched at least one feed, after that log is committed.
struct IocEvent {
  LogId log_id = 0;
  LinkId link = 0;
  std::string sender;  // sender address
  std::vector<ioc::IocMatch> matches;
  // Present when the match raised the endpoint to a level that is due for a notification
  // (once per endpoint, level and notification-throttle window): send it to the FortiGate.
  std::optional<ioc::IocNotification> notification;
};

enum class SubmitResult : std::uint8_t {
  kAccepted,     // queued; the link's CommitListener will report `seq`
  kQueueFull,    // nothing taken, the batch is left intact: retry after the ResumeListener fires
  kUnknownLink,  // not an open link
  kClosed,       // the pipeline is closing
};
std::string_view toString(SubmitResult result);

class IngestPipeline {
 public:
  // (link, seq): every message that link submitted with a seq <= `seq` is committed (durable), or
  // was dropped and counted (empty, oversized). Calls for one link come in increasing seq order.
  using CommitListener = std::function<void(LinkId link, std::uint64_t seq)>;
  using IocListener = std::function<void(const IocEvent& event)>;
  // The submit queue has room again after a kQueueFull refusal.
  using ResumeListener = std::function<void()>;

  // Opens (or creates) the store; throws SqliteError / std::runtime_error with the reason.
  IngestPipeline(IngestOptions options, const Clock& clock);
  ~IngestPipeline();  // close()
  IngestPipeline(const IngestPipeline&) = delete;
  IngestPipeline& operator=(const IngestPipeline&) = delete;

  // Set before the first submission.
  void setCommitListener(CommitListener listener);
  void setIocListener(IocListener listener);
  void setResumeListener(ResumeListener listener);

  LinkId openLink(SenderInfo sender);
  // Messages already submitted on the link are still stored and acked (with this LinkId); the link
  // itself is forgotten at once (later submissions on it: kUnknownLink).
  void closeLink(LinkId link);

  // Queues the batch. `seq` is the link's own counter for this batch (the FortiGate link's `logs`
  // seq; receivers that never ack may pass 0). Seqs of one link must not decrease.
  SubmitResult trySubmit(LinkId link, MessageBatch& batch, std::uint64_t seq = 0);
  // Same, waiting up to `timeout` for room (kQueueFull after that). Never call it on a thread that
  // must keep serving other senders; use trySubmit there.
  SubmitResult submit(LinkId link, MessageBatch& batch, std::uint64_t seq,
                      std::chrono::milliseconds timeout);
  // Messages a receiver dropped before the pipeline saw them (the framing decoder's
  // "frame length N exceeds limit" / "line exceeds limit": noteOversized; fatal framing errors and
  // others: noteFramingError). Counted for the link's sender.
  void noteOversized(LinkId link, std::size_t count = 1);
  void noteFramingError(LinkId link, std::string_view reason);

  // Waits until everything submitted before the call is committed and its listeners have run;
  // false on timeout.
  bool flush(std::chrono::milliseconds timeout);

  IngestCounters counters() const;
  std::optional<SenderCounters> sender(std::string_view address) const;

  // --- IoC (the engine is owned here; these serialise with matching) ---
  // Parses the feed off the matching thread, then swaps it in (replacing the feed of that name).
  // On a fatal error nothing changes and report.loaded is false.
  ioc::FeedLoadReport loadFeed(const ioc::FeedSource& source, std::string_view text);
  bool removeFeed(std::string_view name);
  // Re-matches every stored log (read back from the store and re-parsed) against one feed (or all
  // when empty); notifications are passed to the IocListener (flagged rescan; called on the
  // caller's thread, after the rescan) and returned. Live matching waits while it runs.
  ioc::RescanReport rescan(std::string_view onlyFeed = {});
  // Runs fn with the engine locked (compromised hosts JSON, acknowledge, settings, feed list).
  // Matching of incoming logs waits meanwhile: keep it short.
  void withIoc(const std::function<void(ioc::IocEngine& engine)>& fn);

  // --- Store ---
  const std::string& storePath() const;  // open a LogSearch on it to query
  std::string registerDevice(const DeviceRecord& device);  // "" or the reason it was refused
  bool unregisterDevice(const std::string& devid);
  std::vector<DeviceRecord> listDevices();  // registered and unregistered (registered == false)
  RetentionReport runRetentionNow();
  void setRetention(const RetentionPolicy& policy);  // LogStore::setRetention

  // Stores everything submitted, delivers the last callbacks, stops the threads and closes the
  // store cleanly. Idempotent; later submissions get kClosed.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fabric::faz
