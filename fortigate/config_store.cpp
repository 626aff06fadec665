#include "fortigate/config_store.h"

#include <iostream>

#include "common/base/atomic_file.h"
#include "fortigate/config_diff.h"

namespace fabric::fortigate {

ConfigStore::ConfigStore(config::Engine& engine, std::filesystem::path file, EventLog* log)
    : engine_(engine), file_(std::move(file)), log_(log) {}

std::string ConfigStore::open() {
  if (auto text = readFile(file_)) {
    config::LineResult r = engine_.load(*text);
    if (!r.ok()) {
      std::string out = r.output;
      while (!out.empty() && out.back() == '\n') out.pop_back();
      return file_.string() + ": " + out;
    }
  } else if (std::filesystem::exists(file_)) {
    return "cannot read " + file_.string();
  }
  saved_ = engine_.save();
  if (std::string err = writeFileAtomically(file_, saved_, 0600); !err.empty()) return err;
  engine_.setCommitListener([this] { committed(); });
  return "";
}

void ConfigStore::addListener(std::function<void()> listener) { listeners_.push_back(std::move(listener)); }

void ConfigStore::committed() {
  std::string now = engine_.save();
  if (now == saved_) return;
  write_error_ = writeFileAtomically(file_, now, 0600);
  if (!write_error_.empty()) std::cerr << "fortigate: cannot save the configuration: " << write_error_ << "\n";
  if (log_) {
    const unsigned long tid = engine_.revision();
    for (const ConfigChange& c : diffConfigs(saved_, now)) {
      const bool singleton = c.object.empty();
      const std::string path = cfgPath(c.table);
      const std::string_view logid = c.action == ConfigChange::Action::kDelete
                                         ? logid::kConfigObject
                                         : (singleton ? logid::kConfigAttribute : logid::kConfigObjectAttribute);
      const std::string_view desc = c.action == ConfigChange::Action::kDelete
                                        ? "Object configured"
                                        : (singleton ? "Attribute configured" : "Object attribute configured");
      log_->write({.logid = logid, .subtype = "system", .level = "information", .logdesc = desc},
                  [&](logfmt::LogLineBuilder& b) {
                    b.add("user", actor_.user)
                        .add("ui", actor_.ui)
                        .add("action", actionName(c.action))
                        .add("cfgtid", static_cast<std::int64_t>(tid))
                        .add("cfgpath", path);
                    if (!singleton) b.add("cfgobj", c.object);
                    if (!c.cfgattr.empty()) b.add("cfgattr", c.cfgattr);
                    b.add("msg", std::string(actionName(c.action)) + " " + path + (singleton ? "" : " " + c.object));
                  });
    }
  }
  saved_ = std::move(now);
  for (const auto& listener : listeners_) listener();
}

ConfigStore::ScopedActor::ScopedActor(ConfigStore* store, Actor actor) : store_(store) {
  if (!store_) return;
  previous_ = store_->actor_;
  store_->actor_ = std::move(actor);
}

ConfigStore::ScopedActor::~ScopedActor() {
  if (store_) store_->actor_ = std::move(previous_);
}

}  // namespace fabric::fortigate
