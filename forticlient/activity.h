#pragma once
// What a simulated user does on an endpoint: visit a URL, resolve a domain, connect to IP:PORT,
// download a file with a known SHA-256. Parsed from words (`visit https://x/y`) or JSON (control
// socket); bad input gets a specific error.

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace fabric::forticlient {

enum class ActivityKind { kVisit, kResolve, kConnect, kDownload };

struct Activity {
  ActivityKind kind = ActivityKind::kVisit;
  std::string scheme;    // "http" / "https" for visit and download-from-URL
  std::string host;      // domain or IP (visit, resolve, connect, download with URL)
  int port = 0;          // destination port (80/443 from the scheme, 53 for resolve)
  std::string path;      // "/a/b?q" (visit, download with URL), "/" when empty
  std::string sha256;    // download: 64 lower-case hex
  std::string filename;  // download: last path segment of the URL, or "<hash prefix>.bin"

  // The activity in the words the CLI takes ("visit https://example.com/x").
  std::string describe() const;
  nlohmann::json toJson() const;  // {"kind":"visit","target":"https://…"} (+ "url" for download)
};

std::string toString(ActivityKind kind);

// words[0] is the verb: visit URL | resolve DOMAIN | connect IP:PORT | download SHA256 [URL].
// Returns the activity or an error message.
std::variant<Activity, std::string> parseActivity(const std::vector<std::string>& words);
// {"kind": "...", "target": "...", "url": "..."} as sent on the control socket.
std::variant<Activity, std::string> activityFromJson(const nlohmann::json& j);

}  // namespace fabric::forticlient
