#pragma once
// The analyzer's own event log messages (DIR/event.log, stored like received logs), each with its
// `logid`. FortiAnalyzer's local event log ids are `type(2) subtype(2) message(6)` with type 00 =
// event and the FortiManager/FortiAnalyzer event subtype numbers (system 01, dvm 22, logd 25, …;
// FortiManager/FortiAnalyzer Log Message Reference, "Log types and subtypes"). The reference's
// message ids for these particular events are not known to the lab, so the message part is a
// lab range, 09xxxx, documented in docs/fortianalyzer.md "Event log". `msg` texts are what
// consumers (fabricctl trace/timeline, tests) match on: never change them.

namespace fabric::faz {

struct FazEvent {
  const char* logid;    // 10 digits
  const char* subtype;  // the `subtype=` text, the name of the logid's subtype number
  const char* level;    // FortiOS level name
  const char* msg;
};

namespace events {
// system (01): the analyzer itself
inline constexpr FazEvent kStarted{"0001090001", "system", "information", "FortiAnalyzer started"};
inline constexpr FazEvent kReady{"0001090002", "system", "information", "FortiAnalyzer ready"};
inline constexpr FazEvent kConfigNotSaved{"0001090003", "system", "error", "configuration could not be saved"};
inline constexpr FazEvent kPortChanged{"0001090004", "system", "notice", "listening port changed"};
inline constexpr FazEvent kPortNotChanged{"0001090005", "system", "warning", "listening port not changed"};
inline constexpr FazEvent kLiveSettingApplied{"0001090006", "system", "notice", "setting applied"};
// dvm (22): devices and their links
inline constexpr FazEvent kLinkUp{"0022090001", "dvm", "information", "FortiGate link up"};
inline constexpr FazEvent kLinkDown{"0022090002", "dvm", "notice", "FortiGate link down"};
inline constexpr FazEvent kLinkClosed{"0022090003", "dvm", "warning", "FortiGate link closed"};
inline constexpr FazEvent kLinkNote{"0022090004", "dvm", "notice", ""};  // msg from the link handler
// logd (25): log receiving
inline constexpr FazEvent kSyslogClosed{"0025090001", "logd", "warning", "syslog connection closed"};
// IoC (lab: the threat-feed/IoC service, listed under system 01)
inline constexpr FazEvent kFeedLoaded{"0001090101", "system", "information", "threat feed loaded"};
inline constexpr FazEvent kFeedNotLoaded{"0001090102", "system", "warning", "threat feed not loaded"};
inline constexpr FazEvent kIocNotification{"0001090103", "system", "notice", "IoC notification raised"};
inline constexpr FazEvent kOutboxIgnored{"0001090104", "system", "warning", "ioc-outbox.json ignored"};
inline constexpr FazEvent kOutboxNotSaved{"0001090105", "system", "error", "ioc-outbox.json could not be saved"};
inline constexpr FazEvent kHostAcknowledged{"0001090106", "system", "notice", "compromised host acknowledged"};
inline constexpr FazEvent kAcksIgnored{"0001090107", "system", "warning", "ioc-acks.json ignored"};
inline constexpr FazEvent kAcksNotSaved{"0001090108", "system", "error", "ioc-acks.json could not be saved"};
}  // namespace events

}  // namespace fabric::faz
