// fabricctl: parses the command line and calls the command (scenarios/lab/commands.h).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "scenarios/lab/commands.h"
#include "scenarios/lab/lab_plan.h"
#include "scenarios/lab/internet_host.h"

namespace {

std::atomic<bool> g_interrupted{false};

void onSignal(int) { g_interrupted = true; }

std::filesystem::path binDir() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path(".") : self.parent_path();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fabric::lab;
  struct sigaction sa{};
  sa.sa_handler = onSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);  // the terminal went away: stop what was started, as for Ctrl-C
  signal(SIGPIPE, SIG_IGN);

  CLI::App app{"fabricctl: run a Fabric Lab (FortiGate, FortiAnalyzer, EMS, FortiClients) and tell it stories"};
  app.require_subcommand(1);
  const auto bin = binDir();
  auto dirOption = [&](CLI::App* sub, CommonOptions& common) {
    common.bin_dir = bin;
    sub->add_option("--dir", common.dir, "lab directory")->capture_default_str();
  };

  UpOptions up;
  auto* upCmd = app.add_subcommand("up", "create a lab (CA, certificates, configurations) and start it");
  dirOption(upCmd, up.common);
  upCmd->add_option("--endpoints", up.endpoints,
                    "number of FortiClient endpoints (pc1..pcN); more than 250 run as one fleet process")
      ->check(CLI::Range(1, fabric::lab::kMaxFleetEndpoints))
      ->capture_default_str();
  upCmd->add_flag("--fleet", up.fleet, "run every endpoint in one `forticlient fleet` process (loopback labs)");
  upCmd->add_option("--os", up.os,
                    "endpoint systems: one for all (macos) or one per endpoint (windows,macos,linux); default windows")
      ->delimiter(',')
      ->check(CLI::IsMember({"windows", "macos", "linux"}));
  upCmd->add_flag("--netns", up.netns, "one network namespace per node on a lab bridge (root)");
  upCmd->add_option("--timeout", up.timeout_s,
                    "seconds each program may take to become ready, and each endpoint to connect")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  int octet = 0;
  upCmd->add_option("--octet", octet, "fixed second octet B of the lab's 127.B/16 (10.B/16) addresses")
      ->check(CLI::Range(1, 254));
  bool no_start = false;
  upCmd->add_flag("--no-start", no_start, "only write the lab directory");

  CommonOptions down;
  auto* downCmd = app.add_subcommand("down", "stop every process of the lab (SIGTERM, then SIGKILL)");
  dirOption(downCmd, down);

  StatusOptions status;
  auto* statusCmd = app.add_subcommand("status", "nodes and endpoints with their health and quarantine state");
  dirOption(statusCmd, status.common);
  statusCmd->add_flag("--json", status.json, "JSON output");

  CliOptions cli;
  auto* cliCmd = app.add_subcommand("cli", "a node's CLI (lines from -c, else standard input)");
  dirOption(cliCmd, cli.common);
  cliCmd->add_option("node", cli.node, "fortigate | fortianalyzer | ems")->required();
  cliCmd->add_option("-c", cli.lines, "a CLI line (repeatable)");

  LogsOptions logs;
  auto* logsCmd = app.add_subcommand("logs", "search the FortiAnalyzer's logs");
  dirOption(logsCmd, logs.common);
  logsCmd->add_option("--filter", logs.filters, "FortiOS-style filter, e.g. srcip==127.1.1.1 (repeat = AND)");
  logsCmd->add_flag("--count", logs.count, "only count matching logs");
  logsCmd->add_flag("--json", logs.json, "JSON rows");
  logsCmd->add_option("--limit", logs.limit, "at most this many logs (newest)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();

  EndpointOptions endpoint;
  auto* endpointCmd = app.add_subcommand(
      "endpoint", "make an endpoint act: visit URL | resolve DOMAIN | connect IP:PORT | download SHA256 [URL]");
  dirOption(endpointCmd, endpoint.common);
  endpointCmd->add_option("endpoint", endpoint.endpoint, "endpoint name or address")->required();
  endpointCmd->add_option("activity", endpoint.words, "activity and its argument")->required();
  endpointCmd->allow_extras(false);

  TraceOptions trace;
  auto* traceCmd = app.add_subcommand("trace", "the step-by-step timeline of each of an endpoint's flows");
  dirOption(traceCmd, trace.common);
  traceCmd->add_option("endpoint", trace.endpoint, "endpoint name or address")->required();
  traceCmd->add_flag("--json", trace.json, "JSON output");
  traceCmd->add_option("--flow", trace.flow, "all (default, oldest first) | latest | quarantine | release")
      ->check(CLI::IsMember({"all", "latest", "quarantine", "release"}));

  RunOptions run;
  run.bin_dir = bin;
  std::string run_dir;
  auto* runCmd = app.add_subcommand("run", "run a scenario file (on a fresh lab unless --dir names one)");
  runCmd->add_option("scenario", run.scenario, "scenario file")->required();
  runCmd->add_option("--dir", run_dir, "run on this existing lab");
  runCmd->add_flag("--keep", run.keep, "keep the fresh lab's directory");
  runCmd->add_flag("--netns", run.netns, "fresh lab in network-namespace mode (root)");

  ComposeOptions compose;
  auto* composeCmd = app.add_subcommand("compose", "print docker-compose.yml for a --netns lab directory");
  dirOption(composeCmd, compose.common);
  composeCmd->add_option("--replicas", compose.replicas, "FortiClient replicas")
      ->check(CLI::Range(1, 250))
      ->capture_default_str();

  EnrollOptions enroll;
  auto* enrollCmd = app.add_subcommand("enroll", "(container lab) issue an agent certificate from the lab CA");
  enrollCmd->add_option("--ca", enroll.ca_dir, "directory with ca.pem and ca.key")->required();
  enrollCmd->add_option("--home", enroll.home, "agent home directory")->required();
  enrollCmd->add_option("--ip", enroll.ip, "the agent's address (certificate SAN)")->required();
  enrollCmd->add_option("--hostname", enroll.hostname, "the agent's host name")->required();

  std::string inet_listen;
  std::string inet_ready;
  auto* inetCmd = app.add_subcommand("internet-host", "(used by --netns labs) the internet: HTTP and DNS");
  inetCmd->group("");
  inetCmd->add_option("--listen", inet_listen, "address")->required();
  inetCmd->add_option("--ready-file", inet_ready, "written once listening")->required();

  CLI11_PARSE(app, argc, argv);

  if (*upCmd) {
    up.start = !no_start;
    if (octet != 0) up.octet = octet;
    return cmdUp(up, g_interrupted);
  }
  if (*downCmd) return cmdDown(down);
  if (*statusCmd) return cmdStatus(status);
  if (*cliCmd) return cmdCli(cli);
  if (*logsCmd) return cmdLogs(logs);
  if (*endpointCmd) return cmdEndpoint(endpoint);
  if (*traceCmd) return cmdTrace(trace);
  if (*runCmd) {
    if (!run_dir.empty()) run.dir = run_dir;
    return cmdRun(run, g_interrupted);
  }
  if (*composeCmd) return cmdCompose(compose);
  if (*enrollCmd) return cmdEnroll(enroll);
  if (*inetCmd) return runInternetHost(inet_listen, 80, 53, inet_ready, g_interrupted);
  return 2;
}
