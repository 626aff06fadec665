#include "fortianalyzer/daemon/faz_api.h"

#include <charconv>
#include <map>
#include <memory>

#include "common/base/atomic_file.h"
#include "common/logfmt/log_time.h"
#include "fortianalyzer/daemon/faz_node.h"
#include "fortianalyzer/ioc/feed_index.h"
#include "fortianalyzer/search/log_search.h"

namespace fabric::faz {

using http::HttpRequest;
using http::HttpResponse;
using json = nlohmann::json;

namespace {

HttpResponse answer(int http_status, int code, const std::string& message, json data = nullptr) {
  json body{{"status", {{"code", code}, {"message", message}}}};
  if (!data.is_null()) body["data"] = std::move(data);
  HttpResponse r;
  r.status = http_status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}
HttpResponse okData(json data) { return answer(200, 0, "OK", std::move(data)); }
HttpResponse badRequest(const std::string& message) { return answer(400, -10, message); }
HttpResponse notFound(const std::string& message) { return answer(404, -3, message); }

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

std::optional<std::string> base64Decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0, acc = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

bool parseInt(const std::string& text, std::int64_t min, std::int64_t max, std::int64_t& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size() && out >= min && out <= max;
}

// "2026-11-29T05:00:00Z" or epoch seconds.
bool parseTime(const std::string& text, std::int64_t& ns) {
  std::int64_t seconds = 0;
  if (parseInt(text, 0, 32503680000LL, seconds)) {
    ns = seconds * 1000000000LL;
    return true;
  }
  return logfmt::parseRfc3339(text, ns);
}

bool validName(const std::string& name, std::size_t max) {
  if (name.empty() || name.size() > max || name[0] == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

bool validText(const std::string& text, std::size_t max) {
  if (text.size() > max) return false;
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') return false;
  return true;
}

LogSearch& searchFor(const std::string& path) {
  thread_local std::map<std::string, std::unique_ptr<LogSearch>> searches;
  auto& s = searches[path];
  if (!s) s = std::make_unique<LogSearch>(path);
  return *s;
}

}  // namespace

FazApi::FazApi(FazNode& node, LoopCall on_loop) : node_(node), on_loop_(std::move(on_loop)) {}

HttpResponse FazApi::handle(const HttpRequest& req) {
  try {
    // --- authentication ---
    std::string user, password;
    auto authz = req.header("Authorization");
    if (!authz || authz->rfind("Basic ", 0) != 0) {
      HttpResponse r = answer(401, -11, "authentication required (HTTP Basic, a system admin user)");
      r.headers.push_back({"WWW-Authenticate", "Basic realm=\"FortiAnalyzer\""});
      return r;
    }
    auto decoded = base64Decode(std::string_view(*authz).substr(6));
    std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return answer(401, -11, "malformed Basic credentials");
    user = decoded->substr(0, colon);
    password = decoded->substr(colon + 1);
    bool valid = false;
    std::string permit;
    on_loop_([&] {
      config::Path path{"system admin user", user};
      valid = !user.empty() && node_.engine().value(path, "rpc-permit").has_value() &&
              node_.engine().verifyPassword(path, "password", password);
      if (valid) permit = node_.engine().value(path, "rpc-permit").value_or("none");
    });
    if (!valid) return answer(401, -11, "invalid user name or password");
    bool write = req.method != "GET";
    if (permit == "none" || (write && permit != "read-write"))
      return answer(403, -11, "no permission: user '" + user + "' has rpc-permit " + permit);

    std::vector<std::string> p = splitPath(req.path);
    if (p.empty() || p[0] != "api") return notFound("unknown path " + req.path);
    p.erase(p.begin());
    if (p.empty()) return notFound("unknown path " + req.path);
    const std::string& what = p[0];
    auto methodNotAllowed = [&] { return answer(405, -10, "method " + req.method + " not allowed on " + req.path); };

    if (what == "status" && p.size() == 1) {
      if (req.method != "GET") return methodNotAllowed();
      json status;
      on_loop_([&] { status = node_.statusJson(); });
      return okData(status);
    }

    if (what == "stats" && p.size() == 1) {
      if (req.method != "GET") return methodNotAllowed();
      IngestCounters c = node_.pipeline().counters();
      json senders = json::array();
      for (const auto& s : c.senders)
        senders.push_back(json{{"address", s.address}, {"transport", std::string(toString(s.transport))},
                               {"received", s.received}, {"bytes", s.bytes}, {"stored", s.stored},
                               {"malformed", s.malformed}, {"oversized", s.oversized}, {"empty", s.empty},
                               {"framing_errors", s.framing_errors}, {"refused_full", s.refused_full},
                               {"last_seen_ns", s.last_seen_ns}});
      json links;
      on_loop_([&] { links = node_.fortiGateLinks(); });
      return okData(json{{"received", c.received}, {"bytes", c.bytes}, {"stored", c.stored},
                         {"malformed", c.malformed}, {"oversized", c.oversized}, {"empty", c.empty},
                         {"framing_errors", c.framing_errors}, {"refused_full", c.refused_full},
                         {"ioc_matched_logs", c.ioc_matched_logs}, {"ioc_notifications", c.ioc_notifications},
                         {"queued_messages", c.queued_messages}, {"open_links", c.open_links},
                         {"store", {{"committed_id", c.store.committed_id},
                                    {"last_assigned_id", c.store.last_assigned_id},
                                    {"batches_committed", c.store.batches_committed},
                                    {"write_failures", c.store.write_failures},
                                    {"last_error", c.store.last_error},
                                    {"recovered_from_crash", c.store.recovered_from_crash}}},
                         {"senders", senders},
                         {"fortigate_links", links}});
    }

    if (what == "logs") {
      if (req.method != "GET") return methodNotAllowed();
      LogSearch& search = searchFor(node_.pipeline().storePath());
      if (p.size() == 2) {
        std::int64_t id = 0;
        if (!parseInt(p[1], 1, INT64_MAX, id)) return badRequest("log id must be a positive integer, got '" + p[1] + "'");
        auto row = search.get(id);
        if (!row) return notFound("no log with id " + p[1]);
        return okData(*row);
      }
      if (p.size() != 1) return notFound("unknown path " + req.path);
      LogQuery query;
      for (const auto& [key, value] : req.query) {
        if (key == "filter") {
          query.filters.push_back(value);
        } else if (key == "from" || key == "to") {
          std::int64_t ns = 0;
          if (!parseTime(value, ns)) return badRequest("'" + key + "' must be RFC 3339 or epoch seconds, got '" + value + "'");
          (key == "from" ? query.from_ns : query.to_ns) = ns;
        } else if (key == "devid") {
          query.devid = value;
        } else if (key == "type") {
          query.type = value;
        } else if (key == "subtype") {
          query.subtype = value;
        } else if (key == "offset") {
          if (!parseInt(value, 0, INT64_MAX, query.offset)) return badRequest("'offset' must be an integer >= 0");
        } else if (key == "limit") {
          if (!parseInt(value, 1, kMaxQueryLimit, query.limit))
            return badRequest("'limit' must be an integer 1.." + std::to_string(kMaxQueryLimit));
        } else if (key == "order") {
          if (value != "asc" && value != "desc") return badRequest("'order' must be asc or desc");
          query.oldest_first = value == "asc";
        } else if (key == "count") {
          query.count_only = value == "1" || value == "true";
        } else {
          return badRequest("unknown parameter '" + key + "'");
        }
      }
      LogQueryResult result = search.run(query);
      if (!result.error.empty()) return badRequest(result.error);
      if (query.count_only) return okData(json{{"count", result.count}});
      LogQuery count = query;
      count.count_only = true;
      count.offset = 0;
      LogQueryResult total = search.run(count);
      return okData(json{{"total", total.count}, {"offset", query.offset}, {"count", result.count},
                         {"logs", result.rows}});
    }

    if (what == "timeline" && p.size() == 3) {
      if (req.method != "GET") return methodNotAllowed();
      LogSearch& search = searchFor(node_.pipeline().storePath());
      LogQueryResult result = p[1] == "flow"       ? search.flowTimeline(p[2])
                              : p[1] == "endpoint" ? search.endpointTimeline(p[2])
                                                   : LogQueryResult{"timeline must be flow or endpoint", 0, {}};
      if (!result.error.empty()) return badRequest(result.error);
      return okData(json{{"count", result.count}, {"logs", result.rows}});
    }

    if (what == "feeds") {
      if (p.size() == 1) {
        if (req.method != "GET") return methodNotAllowed();
        json feeds = json::array();
        for (const auto& s : node_.feeds().status()) feeds.push_back(s.toJson(20));
        return okData(feeds);
      }
      if (p.size() != 2) return notFound("unknown path " + req.path);
      const std::string& name = p[1];
      if (!validName(name, 35)) return badRequest("feed name must be 1..35 of A-Z a-z 0-9 - _ . (not starting with '.')");
      if (req.method == "GET") {
        auto s = node_.feeds().status(name);
        if (!s) return notFound("no feed '" + name + "'");
        return okData(s->toJson());
      }
      if (req.method == "DELETE") {
        config::LineResult r;
        bool exists = false;
        on_loop_([&] {
          auto keys = node_.engine().keys({"system threat-feed"});
          exists = std::find(keys.begin(), keys.end(), name) != keys.end();
          if (!exists) return;
          auto session = node_.engine().openSession();
          session->execute("config system threat-feed");
          r = session->execute("delete \"" + name + "\"");
          if (r.ok()) r = session->execute("end");
        });
        if (!exists) return notFound("no feed '" + name + "'");
        if (!r.ok()) return answer(409, -10, r.output);
        std::vector<FeedConfig> wanted;
        on_loop_([&] { wanted = node_.config().ioc_enabled ? node_.config().feeds : std::vector<FeedConfig>{}; });
        node_.feeds().reconcile(wanted);
        return okData(json{{"deleted", name}});
      }
      if (req.method != "PUT" && req.method != "POST") return methodNotAllowed();
      ioc::FeedSource source;
      source.name = name;
      std::string type = req.param("type").value_or("domain");
      std::string format = req.param("format").value_or("plain");
      std::string level = req.param("level").value_or("high");
      std::string threat = req.param("threat").value_or("");
      if (!ioc::parseFeedFormat(format, &source.format)) return badRequest("'format' must be plain, csv or stix");
      if (!ioc::parsePlainFeedType(type, &source.plainType))
        return badRequest("'type' must be domain, address, url or malware");
      auto lvl = ioc::parseLevel(level);
      if (!lvl || (level != "high" && level != "medium")) return badRequest("'level' must be high or medium");
      source.level = *lvl;
      if (!validText(threat, 63)) return badRequest("'threat' must be at most 63 printable characters without quotes or backslashes");
      source.threat = threat;
      // Check before anything is written: a feed that cannot load changes nothing.
      ioc::FeedLoadReport check;
      if (!ioc::buildFeed(source, req.body, &check)) return badRequest("feed refused: " + check.fatal);

      std::string ext = format == "stix" ? ".json" : format == "csv" ? ".csv" : ".txt";
      std::string relative = "feeds/" + name + ext;
      std::error_code ec;
      std::filesystem::create_directories(node_.options().home / "feeds", ec);
      std::string error = writeFileAtomically(node_.options().home / relative, req.body, 0644);
      if (!error.empty()) return answer(500, -1, "cannot write feed file: " + error);
      config::LineResult r;
      std::vector<FeedConfig> wanted;
      bool ioc_enabled = true;
      on_loop_([&] {
        auto session = node_.engine().openSession();
        for (const std::string& line : std::vector<std::string>
             {std::string("config system threat-feed"), "edit \"" + name + "\"", "set status enable",
              "set file \"" + relative + "\"", "set format " + format, "set type " + type, "set level " + level,
              threat.empty() ? std::string("unset threat") : "set threat \"" + threat + "\"", std::string("end")}) {
          r = session->execute(line);
          if (!r.ok()) return;
        }
        wanted = node_.config().feeds;
        ioc_enabled = node_.config().ioc_enabled;
      });
      if (!r.ok()) return answer(409, -10, r.output);
      if (!ioc_enabled)
        return answer(409, -10, "feed '" + name + "' saved and configured, not loaded: system log ioc status is disable");
      node_.feeds().reconcile(wanted);
      auto s = node_.feeds().status(name);
      if (!s) return answer(500, -1, "feed '" + name + "' is configured but not listed");
      if (!s->error.empty()) return answer(500, -1, "feed not loaded: " + s->error);
      return okData(s->toJson());
    }

    if (what == "compromised-hosts") {
      if (p.size() == 1) {
        if (req.method != "GET") return methodNotAllowed();
        json hosts;
        node_.pipeline().withIoc([&](ioc::IocEngine& engine) { hosts = engine.compromisedHosts(); });
        return okData(hosts);
      }
      if (p.size() == 3 && p[2] == "acknowledge") {
        if (req.method != "POST") return methodNotAllowed();
        bool found = false;
        std::string error;
        on_loop_([&] { error = node_.acknowledgeHost(p[1], user, &found); });
        if (!found) return notFound("endpoint '" + p[1] + "' is not a compromised host");
        if (!error.empty()) return answer(500, -1, "acknowledged, but not saved (lost at the next restart): " + error);
        return okData(json{{"acknowledged", p[1]}, {"by", user}});
      }
      return notFound("unknown path " + req.path);
    }

    if (what == "ioc-notifications" && p.size() == 1) {
      if (req.method != "GET") return methodNotAllowed();
      json out;
      on_loop_([&] { out = node_.outbox().toJson(); });
      return okData(out);
    }

    if (what == "devices") {
      if (p.size() == 1) {
        if (req.method != "GET") return methodNotAllowed();
        json devices;
        on_loop_([&] { devices = node_.devicesJson(); });
        return okData(devices);
      }
      if (p.size() != 2) return notFound("unknown path " + req.path);
      const std::string& serial = p[1];
      if (!validName(serial, 35)) return badRequest("device serial must be 1..35 of A-Z a-z 0-9 - _ .");
      if (req.method == "POST" || req.method == "PUT") {
        json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
        if (!body.is_object()) return badRequest("body must be a JSON object {\"devname\", \"ip\"}");
        if (!body.value("devname", json("")).is_string() || !body.value("ip", json("")).is_string())
          return badRequest("'devname' and 'ip' must be strings");
        std::string devname = body.value("devname", ""), ip = body.value("ip", "");
        if (!validText(devname, 35) || !validText(ip, 63))
          return badRequest("'devname' (<= 35) and 'ip' (<= 63) must be strings without quotes or backslashes");
        config::LineResult r;
        on_loop_([&] {
          auto session = node_.engine().openSession();
          for (const std::string& line : std::vector<std::string>
               {std::string("config system device"), "edit \"" + serial + "\"",
                devname.empty() ? std::string("unset devname") : "set devname \"" + devname + "\"",
                ip.empty() ? std::string("unset ip") : "set ip \"" + ip + "\"", std::string("end")}) {
            r = session->execute(line);
            if (!r.ok()) return;
          }
        });
        if (!r.ok()) return answer(409, -10, r.output);
        return okData(json{{"registered", serial}});
      }
      if (req.method == "DELETE") {
        bool exists = false;
        config::LineResult r;
        on_loop_([&] {
          exists = node_.config().isRegistered(serial);
          if (!exists) return;
          auto session = node_.engine().openSession();
          session->execute("config system device");
          r = session->execute("delete \"" + serial + "\"");
          if (r.ok()) r = session->execute("end");
        });
        if (!exists) return notFound("device '" + serial + "' is not registered");
        if (!r.ok()) return answer(409, -10, r.output);
        return okData(json{{"unregistered", serial}});
      }
      return methodNotAllowed();
    }
    return notFound("unknown path " + req.path);
  } catch (const std::exception& e) {
    return answer(500, -1, std::string("internal error: ") + e.what());
  }
}

}  // namespace fabric::faz
