#pragma once
// Reads stored logs back for an IoC rescan: each log's raw line is re-parsed with the same parser
// the live path uses, so a rescan sees exactly the observables a live match would have seen.

#include <string>

#include "fortianalyzer/ioc/log_observables.h"

namespace fabric::faz {

// A visitor over every stored log of the database at `path`, oldest id first, on its own read
// connection (WAL: the writer keeps writing meanwhile). Logs without observables are skipped.
ioc::StoredLogVisitor storedLogVisitor(std::string path);

}  // namespace fabric::faz
