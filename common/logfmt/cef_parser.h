#pragma once
// CEF as FortiGate/FortiProxy send it (`config log syslogd setting` / `set format cef`):
//   [CEF:]Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
// Header fields are split on unescaped '|' (`\|` and `\\` are escapes). The extension is
// `key=value` pairs separated by spaces, where a value runs up to the next ` key=` (so values may
// hold spaces); `\=`, `\\`, `\|`, `\n`, `\r` are escapes.
//
// Keys are renamed to FortiOS field names so the rest of the system sees one vocabulary:
// vendor prefixes `FTNTFGT`, `FortinetFortiGate`, `FTNTFPX` and ArcSight's `ad.` are stripped
// (`FTNTFGTlevel` -> `level`), and the standard CEF keys are mapped (`src` -> `srcip`,
// `dst` -> `dstip`, `spt` -> `srcport`, `dpt` -> `dstport`, `request` -> `url`, `dhost` -> `hostname`,
// `deviceExternalId` -> `devid`, `dvchost` -> `devname`, `cat` `type:subtype` -> `type` + `subtype`,
// ... see kCefKeyMap in cef_parser.cpp). Unknown keys are kept as they are.
// When the extension names no logid/type/subtype, a 10-digit Signature ID becomes `logid` and a
// `type:subtype` Name becomes `type`/`subtype`.

#include <string>
#include <string_view>

#include "common/logfmt/field_list.h"

namespace fabric::logfmt {

struct CefHeader {
  std::string_view version;
  std::string_view vendor;
  std::string_view product;
  std::string_view device_version;
  std::string_view signature_id;
  std::string_view name;
  std::string_view severity;
};

// True when `s` starts like a CEF record: "CEF:" or digits followed by '|'.
bool looksLikeCef(std::string_view s);

// Parses a CEF record into `header` and `out`. Returns false with `error` set when the header is
// malformed (fewer than 7 '|'-separated fields); `out` may then hold partial results.
bool parseCef(std::string_view body, CefHeader& header, FieldList& out, std::string& error);

}  // namespace fabric::logfmt
