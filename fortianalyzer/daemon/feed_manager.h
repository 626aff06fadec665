#pragma once
// Threat feeds of the analyzer: the `config system threat-feed` entries kept loaded in the ingest
// pipeline's IoC engine. A feed is (re)loaded when its entry changes or its file changes (size or
// modification time), removed when its entry is deleted or disabled, and every successful load is
// followed by a rescan of the stored logs against that feed (docs/ioc-engine.md "Rescan"), whose
// notifications reach the FortiGates through the pipeline's IocListener like live ones.
//
// Threading: every public member is thread-safe. Loads and rescans run on the caller's thread
// (reconcile) or on the manager's own worker thread (reconcileAsync, file polling), one at a time,
// never on the daemon's event loop. A feed whose file is missing or fatally broken keeps its
// previous version loaded; its status says why.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "fortianalyzer/daemon/faz_config.h"

namespace fabric::faz {

class IngestPipeline;

struct FileSignature {
  bool exists = false;
  std::int64_t mtime_ns = 0;
  std::uintmax_t size = 0;
  bool operator==(const FileSignature&) const = default;
};
FileSignature fileSignature(const std::filesystem::path& file);

// What was last attempted for a feed (loaded or not), so an unchanged broken file is not retried.
struct AttemptedFeed {
  FeedConfig config;
  FileSignature file;
};
struct FeedPlan {
  std::vector<FeedConfig> load;     // new, changed entry, or changed file
  std::vector<std::string> remove;  // no longer wanted (deleted or disabled)
};
// Pure: which feeds to load and remove to go from `attempted` to `wanted`.
FeedPlan planFeeds(const std::vector<FeedConfig>& wanted,
                   const std::map<std::string, AttemptedFeed>& attempted,
                   const std::function<FileSignature(const std::filesystem::path&)>& stat);

struct FeedStatus {
  std::string name;
  std::string file;
  std::string format;
  bool enabled = true;
  bool loaded = false;          // a version of the feed is in the engine
  std::string error;            // last load's fatal error / unreadable file, "" when fine
  std::size_t indicators = 0;
  std::size_t bad_lines = 0;    // bad lines/objects of the last load
  std::vector<std::string> bad_line_reasons;  // each one's reason (the engine lists up to 10,000)
  std::int64_t loaded_at_ns = 0;
  std::uint64_t loads = 0;
  std::size_t rescan_logs_scanned = 0;
  std::size_t rescan_logs_matched = 0;
  std::size_t rescan_new_events = 0;
  // `max_reasons`: how many bad-line reasons to list (the feed list shows the first 20, one feed
  // shows all); `bad_line_reasons_omitted` counts the rest.
  nlohmann::json toJson(std::size_t max_reasons = SIZE_MAX) const;
};

class FeedManager {
 public:
  FeedManager(IngestPipeline& pipeline, const Clock& clock);
  ~FeedManager();  // stops the worker
  FeedManager(const FeedManager&) = delete;
  FeedManager& operator=(const FeedManager&) = delete;

  // Brings the engine in line with `wanted` now, on the caller's thread; returns every feed's status.
  std::vector<FeedStatus> reconcile(const std::vector<FeedConfig>& wanted);
  // Same, on the worker thread (returns at once).
  void reconcileAsync(std::vector<FeedConfig> wanted);
  // The worker re-checks the files of the wanted feeds every `period` (and reloads changed ones).
  void startPolling(std::chrono::milliseconds period);
  void stop();

  // Called after every load attempt (on the thread that ran it). Set before the first reconcile.
  void setLoadListener(std::function<void(const FeedStatus&)> listener) { listener_ = std::move(listener); }

  std::vector<FeedStatus> status() const;
  std::optional<FeedStatus> status(const std::string& name) const;
  std::uint64_t reconciles() const;  // completed reconcile passes (tests wait on it)

 private:
  void runPass(const std::vector<FeedConfig>& wanted);
  void workerLoop();

  IngestPipeline& pipeline_;
  const Clock& clock_;
  std::mutex pass_mutex_;  // one load pass at a time
  std::map<std::string, AttemptedFeed> attempted_;  // guarded by pass_mutex_
  std::function<void(const FeedStatus&)> listener_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::map<std::string, FeedStatus> status_;
  std::optional<std::vector<FeedConfig>> wanted_;  // latest wanted set
  bool dirty_ = false;
  bool stopping_ = false;
  std::chrono::milliseconds period_{0};
  std::uint64_t passes_ = 0;
  std::thread worker_;
};

}  // namespace fabric::faz
