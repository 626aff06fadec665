#pragma once
// The analyzer's HTTPS JSON API (docs/fortianalyzer.md "HTTPS API"): a function HttpRequest →
// HttpResponse, called on the HTTPS server's request threads (searches run there, on a per-thread
// read connection) and reaching the node's loop-owned state through `on_loop`.
//
// Auth: HTTP Basic with a `config system admin user` entry; `rpc-permit read` for GET,
// `read-write` for every change. Answers: {"status":{"code":0,"message":"OK"},"data":…}; errors
// carry a negative code, a specific message and the HTTP status (400 bad request, 401 no or wrong
// credentials, 403 no permission, 404 unknown object or path, 405 method, 500 internal).

#include <functional>

#include "common/http/http.h"

namespace fabric::faz {

class FazNode;

class FazApi {
 public:
  // Runs `fn` on the node's event loop and returns when it has run.
  using LoopCall = std::function<void(const std::function<void()>& fn)>;
  FazApi(FazNode& node, LoopCall on_loop);
  http::HttpResponse handle(const http::HttpRequest& request);

 private:
  FazNode& node_;
  LoopCall on_loop_;
};

}  // namespace fabric::faz
