#include "fortianalyzer/daemon/feed_manager.h"

#include <algorithm>
#include <cstdio>

#include <fstream>
#include <set>
#include <sstream>

#include "fortianalyzer/ingest/ingest_pipeline.h"

namespace fabric::faz {

namespace fs = std::filesystem;
using json = nlohmann::json;

FileSignature fileSignature(const fs::path& file) {
  FileSignature s;
  std::error_code ec;
  auto status = fs::status(file, ec);
  if (ec || !fs::is_regular_file(status)) return s;
  auto size = fs::file_size(file, ec);
  if (ec) return s;
  auto mtime = fs::last_write_time(file, ec);
  if (ec) return s;
  s.exists = true;
  s.size = size;
  s.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
  return s;
}

FeedPlan planFeeds(const std::vector<FeedConfig>& wanted, const std::map<std::string, AttemptedFeed>& attempted,
                   const std::function<FileSignature(const fs::path&)>& stat) {
  FeedPlan plan;
  std::set<std::string> keep;
  for (const auto& feed : wanted) {
    if (!feed.enabled) continue;
    keep.insert(feed.source.name);
    auto it = attempted.find(feed.source.name);
    if (it == attempted.end() || !(it->second.config == feed) || !(it->second.file == stat(feed.file)))
      plan.load.push_back(feed);
  }
  for (const auto& [name, attempt] : attempted)
    if (!keep.count(name)) plan.remove.push_back(name);
  return plan;
}

json FeedStatus::toJson(std::size_t max_reasons) const {
  std::size_t listed = std::min(max_reasons, bad_line_reasons.size());
  return json{{"name", name},
              {"file", file},
              {"format", format},
              {"status", enabled ? "enable" : "disable"},
              {"loaded", loaded},
              {"error", error},
              {"indicators", indicators},
              {"bad_lines", bad_lines},
              {"bad_line_reasons", std::vector<std::string>(bad_line_reasons.begin(), bad_line_reasons.begin() + listed)},
              {"bad_line_reasons_omitted", bad_lines - listed},
              {"loaded_at_ns", loaded_at_ns},
              {"loads", loads},
              {"rescan", {{"logs_scanned", rescan_logs_scanned},
                          {"logs_matched", rescan_logs_matched},
                          {"new_events", rescan_new_events}}}};
}

FeedManager::FeedManager(IngestPipeline& pipeline, const Clock& clock) : pipeline_(pipeline), clock_(clock) {
  worker_ = std::thread([this] { workerLoop(); });
}

FeedManager::~FeedManager() { stop(); }

void FeedManager::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::vector<FeedStatus> FeedManager::reconcile(const std::vector<FeedConfig>& wanted) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wanted_ = wanted;
  }
  runPass(wanted);
  return status();
}

void FeedManager::reconcileAsync(std::vector<FeedConfig> wanted) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wanted_ = std::move(wanted);
    dirty_ = true;
  }
  wake_.notify_all();
}

void FeedManager::startPolling(std::chrono::milliseconds period) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    period_ = period;
  }
  wake_.notify_all();
}

std::vector<FeedStatus> FeedManager::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<FeedStatus> out;
  for (const auto& [name, s] : status_) out.push_back(s);
  return out;
}

std::optional<FeedStatus> FeedManager::status(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = status_.find(name);
  if (it == status_.end()) return std::nullopt;
  return it->second;
}

std::uint64_t FeedManager::reconciles() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return passes_;
}

void FeedManager::workerLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (period_.count() > 0)
      wake_.wait_for(lock, period_, [this] { return stopping_ || dirty_; });
    else
      wake_.wait(lock, [this] { return stopping_ || dirty_ || period_.count() > 0; });
    if (stopping_) break;
    if (!wanted_) continue;
    std::vector<FeedConfig> wanted = *wanted_;
    dirty_ = false;
    lock.unlock();
    runPass(wanted);
    lock.lock();
  }
}

void FeedManager::runPass(const std::vector<FeedConfig>& wanted) {
  std::lock_guard<std::mutex> pass(pass_mutex_);
  FeedPlan plan = planFeeds(wanted, attempted_, fileSignature);

  for (const auto& name : plan.remove) {
    pipeline_.removeFeed(name);
    attempted_.erase(name);
    std::lock_guard<std::mutex> lock(mutex_);
    status_.erase(name);
  }
  // Entries that are disabled are listed, not loaded.
  for (const auto& feed : wanted) {
    if (feed.enabled) continue;
    FeedStatus s;
    s.name = feed.source.name;
    s.file = feed.file.string();
    s.format = std::string(ioc::toString(feed.source.format));
    s.enabled = false;
    std::lock_guard<std::mutex> lock(mutex_);
    status_[s.name] = s;
  }

  for (const auto& feed : plan.load) {
    FileSignature signature = fileSignature(feed.file);
    attempted_[feed.source.name] = AttemptedFeed{feed, signature};
    FeedStatus s;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = status_.find(feed.source.name);
      if (it != status_.end()) s = it->second;
    }
    s.name = feed.source.name;
    s.file = feed.file.string();
    s.format = std::string(ioc::toString(feed.source.format));
    s.enabled = true;

    std::string text;
    std::ifstream in(feed.file, std::ios::binary);
    if (!signature.exists || !in) {
      s.error = "cannot read feed file '" + feed.file.string() + "'";
    } else {
      std::ostringstream buffer;
      buffer << in.rdbuf();
      text = buffer.str();
      ioc::FeedLoadReport report = pipeline_.loadFeed(feed.source, text);
      if (!report.loaded) {
        s.error = report.fatal;
      } else {
        s.error.clear();
        s.loaded = true;
        s.indicators = report.indicators;
        s.bad_lines = report.errors.size() + report.omittedErrors;
        s.bad_line_reasons.clear();
        s.bad_line_reasons.reserve(report.errors.size());
        for (const auto& e : report.errors) s.bad_line_reasons.push_back(e.toString());
        s.loaded_at_ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.now().time_since_epoch()).count();
        ++s.loads;
        // Logs submitted before the new feed was installed may have been matched against the old
        // one and still be on their way to the store: let them land first, or the rescan misses
        // them (an endpoint that visited a domain just as it was added would never be found).
        if (!pipeline_.flush(std::chrono::seconds(10)))
          std::fprintf(stderr, "fortianalyzer: feed %s: logs still in flight after 10 s; rescanning what is stored\n",
                       feed.source.name.c_str());
        ioc::RescanReport rescan = pipeline_.rescan(feed.source.name);
        s.rescan_logs_scanned = rescan.logsScanned;
        s.rescan_logs_matched = rescan.logsMatched;
        s.rescan_new_events = rescan.newEvents;
      }
    }
    if (listener_) listener_(s);
    std::lock_guard<std::mutex> lock(mutex_);
    status_[s.name] = std::move(s);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ++passes_;
}

}  // namespace fabric::faz
