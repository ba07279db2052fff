// Who may open /v1/stream (and, optionally, read /metrics): access tokens
// from server.auth_tokens_file and the browser origins of
// server.allowed_origins. Replaced as a whole on SIGHUP; read by HTTP
// sessions on every request, from any thread.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tickcast::daemon {

class AccessPolicy {
 public:
  struct Rules {
    bool auth_required = false;
    bool protect_metrics = false;
    std::vector<std::array<unsigned char, 32>> token_digests;  // SHA-256 of each token
    std::vector<std::string> allowed_origins;                  // "*" allows any
  };

  // Reads the tokens file (one token per line; blank lines and lines
  // starting with '#' are skipped; surrounding spaces trimmed). Returns the
  // rules, or sets `error` ("cannot read <file>: ...", "<file> holds no
  // token") and returns nullopt. An empty `tokens_file` means no auth.
  static std::optional<Rules> load(const std::string& tokens_file, bool protect_metrics,
                                   std::vector<std::string> allowed_origins, std::string& error);

  void set(Rules rules);

  // True when `token` is one of the tokens, or no auth is required. The
  // comparison takes the same time whatever the token's content.
  [[nodiscard]] bool token_allowed(std::string_view token) const;
  [[nodiscard]] bool auth_required() const;
  [[nodiscard]] bool metrics_protected() const;

  // Whether a websocket upgrade with this Origin header (empty: none) and
  // Host header may proceed.
  [[nodiscard]] bool origin_allowed(std::string_view origin, std::string_view host) const;

  // The token of a request: "Authorization: Bearer <t>", else "?token=<t>"
  // in the target (percent-decoded). Empty when there is none.
  static std::string request_token(std::string_view authorization, std::string_view target);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Rules> rules_ = std::make_shared<Rules>();
};

}  // namespace tickcast::daemon
