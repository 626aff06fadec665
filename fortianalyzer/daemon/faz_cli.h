#pragma once
// The analyzer's console commands (run through common/console on the daemon's event loop):
//   get system status
//   execute log filter field <name> <value> | free-style <filter> | device <devid> |
//                      category <type> | start-line <n> | view-lines <n> | reset | dump
//   execute log display
//   execute ioc acknowledge <endpoint>
//   diagnose fortilogd msgstat        ingest counters, in total and per sender
//   diagnose dvm device list          devices (registered, unregistered, connected)
//   diagnose ioc feed list | compromised-hosts | outbox
// docs/fortianalyzer.md "CLI" shows the output.

namespace fabric::faz {

class FazNode;

void registerFazCommands(FazNode& node);

}  // namespace fabric::faz
