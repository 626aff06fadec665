#include "common/logfmt/observable.h"

namespace fabric::logfmt {

std::string_view toString(ObservableKind kind) {
  switch (kind) {
    case ObservableKind::kDomain: return "domain";
    case ObservableKind::kUrl: return "url";
    case ObservableKind::kIp: return "ip";
    case ObservableKind::kSha256: return "sha256";
    case ObservableKind::kSha1: return "sha1";
    case ObservableKind::kMd5: return "md5";
  }
  return "unknown";
}

}  // namespace fabric::logfmt
