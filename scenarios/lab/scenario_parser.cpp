// The scenario parser: one statement per line, indented lines only under `cli NODE:`.
// Every error names the line and says what was expected; nothing is guessed.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>

#include "scenarios/lab/scenario.h"
#include "scenarios/lab/scenario_words.h"

namespace fabric::lab {
namespace {

constexpr std::size_t kMaxEndpoints = 200;
constexpr std::size_t kMaxNameLength = 32;
const char* const kReserved[] = {"all", "nodes", "endpoints", "lab", "logs", "output", "timeline", "no",
                                 "fgt", "faz"};

struct Failure {
  std::string message;
};

std::string trim(std::string_view text) {
  std::size_t b = 0;
  std::size_t e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r')) --e;
  return std::string(text.substr(b, e - b));
}

std::string joinList(std::initializer_list<const char*> items) {
  std::string out;
  for (const char* item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool validName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength || !std::isalpha(static_cast<unsigned char>(name[0])))
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

bool isHex64(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

bool isHttpUrl(const std::string& text) {
  for (const char* scheme : {"http://", "https://"}) {
    std::string_view s(scheme);
    if (text.size() > s.size() && text.compare(0, s.size(), s) == 0) return true;
  }
  return false;
}

bool parseInt(const std::string& text, int lo, int hi, int& out) {
  if (text.empty() || text.size() > 6) return false;
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  if (value < lo || value > hi) return false;
  out = value;
  return true;
}

bool validHostPort(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  int port = 0;
  return parseInt(text.substr(colon + 1), 1, 65535, port);
}

class Parser {
 public:
  ParseOutcome run(std::string_view text) {
    splitLines(text);
    try {
      for (std::size_t i = 0; i < lines_.size(); ++i) {
        line_no_ = static_cast<int>(i) + 1;
        const std::string& raw = lines_[i];
        std::string body = trim(raw);
        if (body.empty() || body[0] == '#') continue;
        checkControl(body);
        if (raw[0] == ' ' || raw[0] == '\t')
          fail("unexpected indented line (only the lines of a `cli NODE:` block are indented)");
        i = statement(body, i);
      }
    } catch (const Failure& f) {
      return ScenarioError{line_no_, f.message};
    }
    // Declarations come before steps, so a scenario that declares no endpoint has the default one.
    if (scenario_.endpoints.empty()) scenario_.endpoints.push_back(EndpointDecl{"pc1", "windows", false, 0});
    return scenario_;
  }

 private:
  [[noreturn]] void fail(const std::string& message) { throw Failure{message}; }

  void checkControl(const std::string& body) {
    for (char c : body) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) {
        char text[8];
        std::snprintf(text, sizeof text, "0x%02X", u);
        fail(std::string("control character ") + text + " in the line");
      }
    }
  }

  void splitLines(std::string_view text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      auto nl = text.find('\n', start);
      if (nl == std::string_view::npos) {
        if (start < text.size()) lines_.emplace_back(text.substr(start));
        break;
      }
      lines_.emplace_back(text.substr(start, nl - start));
      start = nl + 1;
    }
  }

  std::vector<std::string> words(const std::string& body) {
    std::string error;
    auto result = splitWords(body, error);
    if (!result) fail(error);
    return *result;
  }

  std::string declaredHint() const {
    std::string names;
    for (const auto& e : scenario_.endpoints) names += (names.empty() ? "" : ", ") + e.name;
    if (names.empty()) names = "pc1 (the default endpoint)";
    return " (nodes: fortianalyzer, ems, fortigate; endpoints: " + names + ")";
  }

  // Returns the index of the last line consumed.
  std::size_t statement(const std::string& body, std::size_t index) {
    auto first_space = body.find_first_of(" \t");
    std::string keyword = body.substr(0, first_space);
    std::string rest = first_space == std::string::npos ? "" : trim(body.substr(first_space));
    if (keyword == "title") return title(rest), index;
    if (keyword == "lab") return declaration(words(rest)), index;
    if (keyword == "cli" || keyword.rfind("cli:", 0) == 0) return cli(body.substr(3), index);
    if (keyword == "say") {
      Step step = newStep(StepKind::kSay);
      if (rest.empty()) fail("say needs the text to print");
      step.text = rest;
      push(std::move(step));
      return index;
    }
    auto w = words(body);
    if (keyword == "start" || keyword == "stop" || keyword == "restart") {
      Step step = newStep(keyword == "start" ? StepKind::kStart
                          : keyword == "stop" ? StepKind::kStop
                                              : StepKind::kRestart);
      step.targets = targets(w, 1, keyword);
      push(std::move(step));
    } else if (keyword == "kill") {
      std::size_t from = 1;
      if (w.size() > 1 && w[1] == "-9") from = 2;
      else if (w.size() > 1 && w[1].size() > 1 && w[1][0] == '-')
        fail("kill only knows -9 (SIGKILL); use `stop` for a clean shutdown");
      Step step = newStep(StepKind::kKill);
      step.targets = targets(w, from, "kill -9");
      push(std::move(step));
    } else if (keyword == "endpoint") {
      activity(w);
    } else if (keyword == "wait") {
      waitStep(w);
    } else if (keyword == "expect") {
      Step step = newStep(StepKind::kExpect);
      step.condition = condition(std::vector<std::string>(w.begin() + 1, w.end()), false);
      push(std::move(step));
    } else if (keyword == "trace") {
      if (w.size() != 2) fail("trace takes one endpoint: trace ENDPOINT");
      Step step = newStep(StepKind::kTrace);
      step.targets = {endpointRef(w[1])};
      push(std::move(step));
    } else {
      fail("unknown statement '" + keyword + "' (expected one of: " +
           joinList({"title", "lab", "start", "stop", "restart", "kill", "cli", "endpoint", "wait", "expect",
                     "trace", "say"}) +
           ")");
    }
    return index;
  }

  Step newStep(StepKind kind) {
    Step step;
    step.kind = kind;
    step.line = line_no_;
    return step;
  }

  // References are checked against the declarations; their values come from the lab at run time.
  void checkReferences(const std::string& text) {
    ReferenceLookup known = [this](const std::string& name, const std::string& attr) -> std::optional<std::string> {
      std::string node = canonicalNodeName(name);
      if (isNodeName(node)) {
        if (attr == "ip" || attr == "serial" || attr == "hostname") return "";
        return std::nullopt;
      }
      bool declared = scenario_.endpoints.empty() ? name == "pc1" : scenario_.endpoint(name) != nullptr;
      if (declared && (attr == "ip" || attr == "hostname" || attr == "uid" || attr == "serial")) return "";
      return std::nullopt;
    };
    std::string error;
    if (!expandReferences(text, known, error)) fail(error);
  }

  void push(Step step) {
    for (const auto& line : step.cli_lines) checkReferences(line);
    for (const auto& arg : step.arguments) checkReferences(arg);
    checkReferences(step.condition.text);
    for (const auto& f : step.condition.filters) checkReferences(f);
    scenario_.steps.push_back(std::move(step));
  }

  void declarationsFirst(const char* what) {
    if (!scenario_.steps.empty())
      fail(std::string(what) + " must come before the first step (line " +
           std::to_string(scenario_.steps.front().line) + ")");
  }

  void title(const std::string& rest) {
    declarationsFirst("title");
    if (rest.empty()) fail("title needs a text");
    if (!scenario_.title.empty()) fail("the scenario already has a title");
    scenario_.title = rest;
  }

  void declaration(const std::vector<std::string>& w) {
    declarationsFirst("lab declarations");
    if (w.empty() || w[0] != "endpoint")
      fail("lab declares endpoints: lab endpoint NAME [os windows|macos|linux] [offline]");
    if (w.size() < 2) fail("lab endpoint needs a name");
    EndpointDecl decl;
    decl.name = w[1];
    decl.line = line_no_;
    if (!validName(decl.name))
      fail("bad endpoint name '" + decl.name + "' (a letter, then letters, digits, '-' or '_'; at most 32)");
    if (isNodeName(canonicalNodeName(decl.name)) ||
        std::find(std::begin(kReserved), std::end(kReserved), decl.name) != std::end(kReserved))
      fail("'" + decl.name + "' is a reserved word and cannot name an endpoint");
    if (const auto* existing = scenario_.endpoint(decl.name))
      fail("endpoint " + decl.name + " is already declared on line " + std::to_string(existing->line));
    for (std::size_t i = 2; i < w.size(); ++i) {
      if (w[i] == "os") {
        if (i + 1 == w.size()) fail("os needs a value: windows, macos or linux");
        const std::string& os = w[++i];
        if (os != "windows" && os != "macos" && os != "linux")
          fail("unknown os '" + os + "' (expected windows, macos or linux)");
        decl.os = os;
      } else if (w[i] == "offline") {
        decl.offline = true;
      } else {
        fail("unexpected '" + w[i] + "' in lab endpoint (expected `os OS` or `offline`)");
      }
    }
    if (scenario_.endpoints.size() == kMaxEndpoints)
      fail("too many endpoints (at most " + std::to_string(kMaxEndpoints) + ")");
    scenario_.endpoints.push_back(std::move(decl));
  }

  // A name a step refers to: a node (aliases accepted) or an endpoint. Declarations come before the
  // steps, so with none declared the only endpoint is the default pc1.
  std::string anyRef(const std::string& name) {
    std::string node = canonicalNodeName(name);
    if (isNodeName(node)) return node;
    return endpointRef(name);
  }

  std::string nodeRef(const std::string& name) {
    std::string node = canonicalNodeName(name);
    if (!isNodeName(node)) fail("'" + name + "' is not a node (expected fortianalyzer, ems or fortigate)");
    return node;
  }

  std::string endpointRef(const std::string& name) {
    if (isNodeName(canonicalNodeName(name))) fail("'" + name + "' is a node, not an endpoint");
    bool known = scenario_.endpoints.empty() ? name == "pc1" : scenario_.endpoint(name) != nullptr;
    if (!known) {
      fail("unknown endpoint or node '" + name + "'" + declaredHint());
    }
    return name;
  }

  std::vector<std::string> targets(const std::vector<std::string>& w, std::size_t from, const std::string& verb) {
    if (from >= w.size()) fail(verb + " needs what to act on: all, nodes, endpoints, or names");
    std::vector<std::string> out;
    for (std::size_t i = from; i < w.size(); ++i) {
      std::string t = (w[i] == "all" || w[i] == "nodes" || w[i] == "endpoints") ? w[i] : anyRef(w[i]);
      if (std::find(out.begin(), out.end(), t) != out.end()) fail("'" + w[i] + "' is named twice");
      out.push_back(std::move(t));
    }
    return out;
  }

  std::size_t cli(const std::string& after_keyword, std::size_t index) {
    auto colon = after_keyword.find(':');
    if (colon == std::string::npos) fail("cli needs a colon: cli NODE: LINE (or `cli NODE:` and indented lines)");
    auto header = words(after_keyword.substr(0, colon));
    if (header.empty()) fail("cli needs a node: cli NODE: LINE");
    Step step = newStep(StepKind::kCli);
    step.targets = {nodeRef(header[0])};
    if (header.size() == 2 && header[1] == "fails") step.expect_failure = true;
    else if (header.size() > 1) fail("unexpected '" + header[1] + "' before ':' (only `fails` may follow the node)");
    std::string line = trim(after_keyword.substr(colon + 1));
    if (!line.empty()) {
      step.cli_lines.push_back(line);
      push(std::move(step));
      return index;
    }
    if (step.expect_failure) fail("cli … fails: takes exactly one line on the same line");
    // The block: the indented lines that follow (blank lines and # comments inside are skipped).
    std::size_t last = index;
    for (std::size_t j = index + 1; j < lines_.size(); ++j) {
      const std::string& raw = lines_[j];
      std::string body = trim(raw);
      if (body.empty()) continue;
      if (raw[0] != ' ' && raw[0] != '\t') break;
      last = j;
      if (body[0] == '#') continue;
      line_no_ = static_cast<int>(j) + 1;
      checkControl(body);
      checkReferences(body);
      step.cli_lines.push_back(body);
    }
    if (step.cli_lines.empty())
      fail("cli block for " + step.targets[0] + " has no lines (indent the CLI lines under `cli " +
           step.targets[0] + ":`)");
    push(std::move(step));
    return last;
  }

  void activity(std::vector<std::string> w) {
    if (w.size() < 3)
      fail("endpoint needs a name and an activity: endpoint NAME visit URL | resolve DOMAIN | connect IP:PORT | "
           "download SHA256 [URL]");
    Step step = newStep(StepKind::kActivity);
    step.targets = {endpointRef(w[1])};
    if (w.size() >= 5 && w[w.size() - 2] == "expect") {
      const std::string& outcome = w.back();
      if (outcome == "blocked") step.expect_failure = true;
      else if (outcome != "ok") fail("unknown outcome '" + outcome + "' (expected `expect ok` or `expect blocked`)");
      w.resize(w.size() - 2);
    }
    step.activity = w[2];
    step.arguments.assign(w.begin() + 3, w.end());
    if (auto error = activityUsageError(std::vector<std::string>(w.begin() + 2, w.end()))) fail(*error);
    push(std::move(step));
  }

  void waitStep(const std::vector<std::string>& w) {
    if (w.size() < 4 || w[w.size() - 2] != "within")
      fail("wait needs a timeout at the end: wait CONDITION within DURATION (e.g. within 10s)");
    Step step = newStep(StepKind::kWait);
    if (!parseDuration(w.back(), step.within))
      fail("bad duration '" + w.back() + "' (e.g. 500ms, 10s, 2m; at most 1h)");
    step.condition = condition(std::vector<std::string>(w.begin() + 1, w.end() - 2), true);
    push(std::move(step));
  }

  Condition condition(const std::vector<std::string>& w, bool for_wait) {
    Condition c;
    auto is = [&](std::initializer_list<const char*> expected) {
      if (w.size() != expected.size()) return false;
      std::size_t i = 0;
      for (const char* e : expected) {
        if (e[0] != '*' && w[i] != e) return false;
        ++i;
      }
      return true;
    };
    if (w.empty()) fail(std::string(for_wait ? "wait" : "expect") + " needs a condition" + conditionHint());
    if (w[0] == "logs" || w[0] == "no") {
      bool negated = w[0] == "no";
      std::size_t first = negated ? 3 : 2;
      if (w.size() <= first || (negated && w[1] != "logs") || w[first - 1] != "matching")
        fail("expected `logs matching \"FILTER\" [\"FILTER\"...]` or `no logs matching \"FILTER\"...`");
      c.kind = negated ? ConditionKind::kNoLogsMatching : ConditionKind::kLogsMatching;
      c.filters.assign(w.begin() + static_cast<std::ptrdiff_t>(first), w.end());
      for (const auto& f : c.filters) {
        if (f.empty()) fail("a log filter is empty");
      }
      return c;
    }
    if (w[0] == "output") {
      if (for_wait) fail("the output of the last step does not change: use `expect output …`");
      if (!is({"output", "contains", "*"}) && !is({"output", "lacks", "*"}))
        fail("expected `output contains \"TEXT\"` or `output lacks \"TEXT\"`");
      c.kind = w[1] == "contains" ? ConditionKind::kOutputContains : ConditionKind::kOutputLacks;
      c.text = w[2];
      if (c.text.empty()) fail("the text to look for is empty");
      return c;
    }
    if (w[0] == "timeline") {
      if (w.size() < 2) fail("timeline needs an endpoint: timeline ENDPOINT steps A..B [in order]");
      c.subject = endpointRef(w[1]);
      if (w.size() >= 3 && w[2] == "flow") {  // timeline ENDPOINT flow latest|quarantine|release …
        if (w.size() < 4 || (w[3] != "latest" && w[3] != "quarantine" && w[3] != "release"))
          fail("expected `flow latest`, `flow quarantine` or `flow release` after the endpoint, not '" +
               (w.size() < 4 ? std::string() : w[3]) + "'");
        std::vector<std::string> rest(w.begin(), w.begin() + 2);
        rest.insert(rest.end(), w.begin() + 4, w.end());
        Condition inner = condition(rest, for_wait);
        inner.flow = w[3];
        return inner;
      }
      if (is({"timeline", "*", "without", "step", "*"})) {
        c.kind = ConditionKind::kTimelineWithout;
        if (!parseInt(w[4], 1, 5, c.first_step)) fail("step numbers go from 1 to 5, not '" + w[4] + "'");
        c.last_step = c.first_step;
        return c;
      }
      if (!is({"timeline", "*", "steps", "*"}) && !is({"timeline", "*", "steps", "*", "in", "order"}))
        fail("expected `timeline ENDPOINT steps A..B [in order]` or `timeline ENDPOINT without step N`");
      c.kind = ConditionKind::kTimelineSteps;
      c.in_order = w.size() == 6;
      const std::string& range = w[3];
      auto dots = range.find("..");
      bool ok = false;
      if (dots == std::string::npos) {
        ok = parseInt(range, 1, 5, c.first_step);
        c.last_step = c.first_step;
      } else {
        ok = parseInt(range.substr(0, dots), 1, 5, c.first_step) &&
             parseInt(range.substr(dots + 2), 1, 5, c.last_step) && c.first_step <= c.last_step;
      }
      if (!ok) fail("bad step range '" + range + "' (A..B with 1 <= A <= B <= 5, or one step number)");
      return c;
    }
    // Subject conditions.
    if (w.size() < 2) fail("incomplete condition" + conditionHint());
    std::string subject = w[0];
    if (is({"*", "up"}) || is({"*", "down"})) {
      c.kind = w[1] == "up" ? ConditionKind::kUp : ConditionKind::kDown;
      c.subject = anyRef(subject);
      return c;
    }
    if (is({"*", "quarantined"})) c.kind = ConditionKind::kQuarantined;
    else if (is({"*", "not", "quarantined"})) c.kind = ConditionKind::kNotQuarantined;
    else if (is({"*", "connected"})) c.kind = ConditionKind::kConnected;
    else if (is({"*", "connected", "to", "ems"})) c.kind = ConditionKind::kConnectedEms;
    else if (is({"*", "connected", "to", "*"}) && canonicalNodeName(w[3]) == "fortigate")
      c.kind = ConditionKind::kConnectedFortigate;
    else if (is({"*", "not", "connected", "to", "*"}) && canonicalNodeName(w[4]) == "fortigate")
      c.kind = ConditionKind::kNotConnectedFortigate;
    else fail("unknown condition '" + joinWords(w) + "'" + conditionHint());
    c.subject = endpointRef(subject);
    return c;
  }

  static std::string joinWords(const std::vector<std::string>& w) {
    std::string out;
    for (const auto& x : w) out += (out.empty() ? "" : " ") + x;
    return out;
  }

  static std::string conditionHint() {
    return " (conditions: ENDPOINT quarantined | ENDPOINT not quarantined | ENDPOINT connected [to ems|fortigate] "
           "| ENDPOINT not connected to fortigate | NAME up | NAME down | logs matching \"FILTER\" | no logs "
           "matching \"FILTER\" | output contains|lacks \"TEXT\" | timeline ENDPOINT [flow latest|quarantine|release] "
           "steps A..B [in order] | timeline ENDPOINT [flow …] without step N)";
  }

  std::vector<std::string> lines_;
  int line_no_ = 0;
  Scenario scenario_;
};

}  // namespace

bool isNodeName(std::string_view name) {
  return std::any_of(std::begin(kNodeNames), std::end(kNodeNames), [&](const char* n) { return name == n; });
}

std::string canonicalNodeName(std::string_view name) {
  if (name == "fgt") return "fortigate";
  if (name == "faz") return "fortianalyzer";
  return std::string(name);
}

const EndpointDecl* Scenario::endpoint(std::string_view name) const {
  for (const auto& e : endpoints) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

ParseOutcome parseScenario(std::string_view text) { return Parser().run(text); }

bool parseDuration(std::string_view text, std::chrono::milliseconds& out) {
  std::size_t i = 0;
  long long value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + (text[i] - '0');
    if (value > 3600000) return false;
    ++i;
  }
  if (i == 0) return false;
  std::string_view unit = text.substr(i);
  long long ms = 0;
  if (unit == "ms") ms = value;
  else if (unit == "s") ms = value * 1000;
  else if (unit == "m") ms = value * 60000;
  else if (unit == "h") ms = value * 3600000;
  else return false;
  if (ms < 1 || ms > 3600000) return false;
  out = std::chrono::milliseconds(ms);
  return true;
}

std::string formatDuration(std::chrono::milliseconds duration) {
  long long ms = duration.count();
  if (ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::optional<std::string> activityUsageError(const std::vector<std::string>& words) {
  if (words.empty()) return "an activity is needed: visit URL | resolve DOMAIN | connect IP:PORT | download SHA256 [URL]";
  const std::string& activity = words[0];
  const std::vector<std::string> a(words.begin() + 1, words.end());
  if (activity == "visit") {
    if (a.size() != 1 || !isHttpUrl(a[0])) return "visit takes one http:// or https:// URL";
  } else if (activity == "resolve") {
    if (a.size() != 1 || a[0].find('/') != std::string::npos) return "resolve takes one domain name";
  } else if (activity == "connect") {
    if (a.size() != 1 || !validHostPort(a[0])) return "connect takes one IP:PORT (port 1..65535)";
  } else if (activity == "download") {
    if (a.empty() || a.size() > 2 || !isHex64(a[0]) || (a.size() == 2 && !isHttpUrl(a[1])))
      return "download takes a SHA-256 (64 hex digits) and optionally the URL it came from";
  } else {
    return "unknown activity '" + activity + "' (expected visit, resolve, connect or download)";
  }
  return std::nullopt;
}

}  // namespace fabric::lab
