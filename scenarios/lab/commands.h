#pragma once
// The fabricctl commands, each a function of its options returning the exit status. main.cpp only
// parses the command line (CLI11) into these structs.

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fabric::lab {

struct CommonOptions {
  std::filesystem::path dir = "lab";
  std::filesystem::path bin_dir;  // where fortigate, ems, … live (next to fabricctl)
};

struct UpOptions {
  CommonOptions common;
  int endpoints = 1;
  std::vector<std::string> os;  // one system for every endpoint, or one per endpoint (default windows)
  bool netns = false;
  bool fleet = false;  // one fleet process for every endpoint (implied above kMaxEndpoints)
  int timeout_s = 30;  // per program, and for each endpoint to connect to its EMS and FortiGate
  bool start = true;   // false: write the lab directory only
  std::optional<int> octet;  // fixed B of 127.B / 10.B (the container lab uses 30)
};

struct ComposeOptions {
  CommonOptions common;
  int replicas = 2;
};

struct EnrollOptions {
  std::filesystem::path ca_dir;  // ca.pem + ca.key
  std::filesystem::path home;
  std::string ip;
  std::string hostname;
};

struct StatusOptions {
  CommonOptions common;
  bool json = false;
};

struct CliOptions {
  CommonOptions common;
  std::string node;
  std::vector<std::string> lines;
};

struct LogsOptions {
  CommonOptions common;
  std::vector<std::string> filters;
  bool count = false;
  bool json = false;
  long long limit = 50;
};

struct EndpointOptions {
  CommonOptions common;
  std::string endpoint;  // name or address
  std::vector<std::string> words;
};

struct TraceOptions {
  CommonOptions common;
  std::string endpoint;
  bool json = false;
  std::string flow = "all";  // all | latest | quarantine | release
};

struct RunOptions {
  std::filesystem::path scenario;
  std::optional<std::filesystem::path> dir;  // none: a fresh lab in a new directory
  std::filesystem::path bin_dir;
  bool keep = false;     // keep the fresh lab's directory afterwards
  bool netns = false;
};

int cmdUp(const UpOptions& options, const std::atomic<bool>& interrupted);
int cmdDown(const CommonOptions& options);
int cmdStatus(const StatusOptions& options);
int cmdCli(const CliOptions& options);
int cmdLogs(const LogsOptions& options);
int cmdEndpoint(const EndpointOptions& options);
int cmdTrace(const TraceOptions& options);
int cmdRun(const RunOptions& options, const std::atomic<bool>& interrupted);
int cmdCompose(const ComposeOptions& options);
int cmdEnroll(const EnrollOptions& options);

}  // namespace fabric::lab
