#include "forticlient/cli_options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>

namespace fabric::forticlient {

std::optional<HostPort> parseHostPort(const std::string& text, int default_port, std::string& error) {
  HostPort hp;
  std::string port_text;
  auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    hp.host = text;
    hp.port = default_port;
  } else {
    hp.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    bool digits = !port_text.empty() && port_text.size() <= 5 &&
                  std::all_of(port_text.begin(), port_text.end(), [](unsigned char c) { return std::isdigit(c); });
    hp.port = digits ? std::stoi(port_text) : 0;
    if (hp.port < 1 || hp.port > 65535) {
      error = "invalid port in '" + text + "' (1-65535)";
      return std::nullopt;
    }
  }
  if (hp.host.empty()) {
    error = "missing host in '" + text + "' (HOST:PORT)";
    return std::nullopt;
  }
  return hp;
}

namespace {

struct RawCommon {
  std::string home, ems, seed;
  bool nft = false, real = false;
  std::uint64_t buffer_mb = 64;
};

void addCommon(CLI::App& app, RawCommon& raw) {
  app.add_option("--home", raw.home, "the agent's home directory (identity, state, log buffer)");
  app.add_option("--ems", raw.ems, "EMS address HOST:PORT (port 8013 when omitted)");
  app.add_option("--seed", raw.seed, "seed of generated identities (default: the home path)");
  app.add_flag("--enforce-nftables,--nft", raw.nft,
               "while quarantined, also drop traffic with nftables (needs CAP_NET_ADMIN, own netns)");
  app.add_flag("--real-connections", raw.real,
               "activities also open real connections (network-namespace / container labs)");
  app.add_option("--log-buffer-mb", raw.buffer_mb, "on-disk log buffer limit per endpoint, MiB")
      ->check(CLI::Range(1, 4096));
}

std::optional<CommonRunOptions> finishCommon(const RawCommon& raw, std::string& error) {
  if (raw.home.empty()) {
    error = "--home is required";
    return std::nullopt;
  }
  if (raw.ems.empty()) {
    error = "--ems HOST:PORT is required";
    return std::nullopt;
  }
  auto ems = parseHostPort(raw.ems, 8013, error);
  if (!ems) return std::nullopt;
  CommonRunOptions c;
  c.home = raw.home;
  c.ems = *ems;
  c.seed = raw.seed.empty() ? std::filesystem::absolute(raw.home).lexically_normal().string() : raw.seed;
  c.enforce_nftables = raw.nft;
  c.real_connections = raw.real;
  c.log_buffer_bytes = raw.buffer_mb << 20;
  return c;
}

std::optional<Os> osOption(const std::string& text, std::string& error) {
  auto os = parseOs(text);
  if (!os) error = "--os must be windows, macos or linux, not '" + text + "'";
  return os;
}

}  // namespace

ParseResult parseCommandLine(const std::vector<std::string>& args) {
  CLI::App app{"FortiClient agent simulator (Fabric Lab): one endpoint or a fleet", "forticlient"};
  app.require_subcommand(0, 1);

  RawCommon run_raw;
  std::string os, hostname, ip, user;
  addCommon(app, run_raw);
  app.add_option("--os", os, "windows, macos or linux");
  app.add_option("--hostname", hostname, "endpoint host name");
  app.add_option("--ip", ip, "endpoint address, also the local address its sockets bind to");
  app.add_option("--user", user, "logged-on user");

  auto* fleet = app.add_subcommand("fleet", "run N simulated endpoints in one process");
  RawCommon fleet_raw;
  FleetOptions fleet_opts;
  addCommon(*fleet, fleet_raw);
  fleet->add_option("--count", fleet_opts.count, "number of endpoints")->required()->check(CLI::Range(1u, 100000u));
  fleet->add_option("--first-ip", fleet_opts.first_ip, "address of endpoint 0; the others follow")->required();
  fleet->add_option("--linux-every", fleet_opts.linux_every, "every K-th endpoint runs Linux");
  fleet->add_option("--macos-every", fleet_opts.macos_every, "every M-th other endpoint runs macOS");
  std::string fleet_os;
  fleet->add_option("--os", fleet_os, "every endpoint runs this system (windows, macos or linux)");
  fleet->add_option("--hostname-prefix", fleet_opts.hostname_prefix,
                    "endpoint i is named PREFIX<i+1> (PC1, PC2, ...) instead of a generated host name");

  auto* act = app.add_subcommand("act", "make an endpoint do something (exit 1 when it could not)");
  ActOptions act_opts;
  std::string act_home;
  act->add_option("--home", act_home, "the agent's home directory")->required();
  act->add_option("--endpoint", act_opts.endpoint, "hostname, IP or uid (fleet mode)");
  act->add_option("activity", act_opts.words,
                  "visit URL | resolve DOMAIN | connect IP:PORT | download SHA256 [URL]")
      ->required()
      ->expected(1, 3);

  auto* status = app.add_subcommand("status", "show endpoint identity, links and quarantine state");
  StatusOptions status_opts;
  std::string status_home;
  status->add_option("--home", status_home, "the agent's home directory")->required();
  status->add_option("--endpoint", status_opts.endpoint, "hostname, IP or uid");
  status->add_flag("--json", status_opts.json, "print JSON");
  status->add_flag("--brief", status_opts.brief, "identity, links and quarantine only (large fleets)");

  auto* release = app.add_subcommand("release", "release a quarantine with the EMS access code");
  ReleaseOptions release_opts;
  std::string release_home;
  release->add_option("--home", release_home, "the agent's home directory")->required();
  release->add_option("--endpoint", release_opts.endpoint, "hostname, IP or uid");
  release->add_option("--code", release_opts.code, "the one-time quarantine access code")->required();

  ParseResult result;
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    result.output = app.help();
    return result;
  } catch (const CLI::ParseError& e) {
    result.exit_code = 2;
    result.output = e.what();
    return result;
  }
  std::string error;
  auto fail = [&](const std::string& message) {
    result.exit_code = 2;
    result.output = message;
    return result;
  };
  if (*fleet) {
    auto common = finishCommon(fleet_raw, error);
    if (!common) return fail(error);
    if (!isIpv4(fleet_opts.first_ip)) return fail("--first-ip '" + fleet_opts.first_ip + "' is not an IPv4 address");
    if (!ipv4Add(fleet_opts.first_ip, fleet_opts.count - 1)) return fail("--first-ip + --count overflows IPv4");
    if (!fleet_os.empty()) {
      fleet_opts.os = osOption(fleet_os, error);
      if (!fleet_opts.os) return fail(error);
    }
    for (char c : fleet_opts.hostname_prefix) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
        return fail("--hostname-prefix may hold letters, digits and '-' only");
    }
    fleet_opts.common = *common;
    result.command = fleet_opts;
  } else if (*act) {
    act_opts.home = act_home;
    result.command = act_opts;
  } else if (*status) {
    status_opts.home = status_home;
    result.command = status_opts;
  } else if (*release) {
    release_opts.home = release_home;
    result.command = release_opts;
  } else {
    auto common = finishCommon(run_raw, error);
    if (!common) return fail(error);
    RunOptions run;
    run.common = *common;
    if (!os.empty()) {
      run.identity.os = osOption(os, error);
      if (!run.identity.os) return fail(error);
    }
    if (!hostname.empty()) run.identity.hostname = hostname;
    if (!ip.empty()) {
      if (!isIpv4(ip)) return fail("--ip '" + ip + "' is not an IPv4 address");
      run.identity.ip = ip;
    }
    if (!user.empty()) run.identity.user = user;
    result.command = run;
  }
  return result;
}

}  // namespace fabric::forticlient
