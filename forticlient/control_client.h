#pragma once
// The client side of the control socket: `forticlient act`, `status` and `release` send one
// request to the running agent in DIR and print the answer. The text of a status is status_text.h.

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "forticlient/cli_options.h"

namespace fabric::forticlient {

// Exit codes: 0 done, 1 refused (blocked activity, bad request, wrong access code), 2 no agent
// answering in DIR.
int runAct(const ActOptions& options, std::ostream& out, std::ostream& err);
int runStatus(const StatusOptions& options, std::ostream& out, std::ostream& err);
int runRelease(const ReleaseOptions& options, std::ostream& out, std::ostream& err);

}  // namespace fabric::forticlient
