#include "daemon/stream_access.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <boost/url/parse.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

namespace tickcast::daemon {
namespace {

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// "https://example.com:8443" -> "example.com:8443"; "" when not a URL.
std::string_view origin_host(std::string_view origin) {
  std::size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return {};
  return origin.substr(scheme + 3);
}

}  // namespace

std::optional<AccessPolicy::Rules> AccessPolicy::load(const std::string& tokens_file,
                                                      bool protect_metrics,
                                                      std::vector<std::string> allowed_origins,
                                                      std::string& error) {
  Rules rules;
  rules.allowed_origins = std::move(allowed_origins);
  if (tokens_file.empty()) return rules;
  std::ifstream in(tokens_file);
  if (!in) {
    error = "cannot read server.auth_tokens_file " + tokens_file + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string line;
  while (std::getline(in, line)) {
    std::string_view token = trim(line);
    if (token.empty() || token.front() == '#') continue;
    rules.token_digests.push_back(sha256(token));
  }
  if (rules.token_digests.empty()) {
    error = "server.auth_tokens_file " + tokens_file + " holds no token";
    return std::nullopt;
  }
  rules.auth_required = true;
  rules.protect_metrics = protect_metrics;
  return rules;
}

void AccessPolicy::set(Rules rules) {
  auto next = std::make_shared<const Rules>(std::move(rules));
  std::lock_guard lock(mutex_);
  rules_ = std::move(next);
}

bool AccessPolicy::token_allowed(std::string_view token) const {
  std::shared_ptr<const Rules> rules;
  {
    std::lock_guard lock(mutex_);
    rules = rules_;
  }
  if (!rules->auth_required) return true;
  // Comparing digests of fixed length with CRYPTO_memcmp, against every
  // token without stopping early, leaks neither a token's length nor how
  // much of it matched.
  const auto digest = sha256(token);
  bool found = false;
  for (const auto& known : rules->token_digests) {
    found |= CRYPTO_memcmp(known.data(), digest.data(), digest.size()) == 0;
  }
  return found && !token.empty();
}

bool AccessPolicy::auth_required() const {
  std::lock_guard lock(mutex_);
  return rules_->auth_required;
}

bool AccessPolicy::metrics_protected() const {
  std::lock_guard lock(mutex_);
  return rules_->auth_required && rules_->protect_metrics;
}

bool AccessPolicy::origin_allowed(std::string_view origin, std::string_view host) const {
  // Programs (not browsers) send no Origin; the token is their guard.
  if (origin.empty()) return true;
  std::shared_ptr<const Rules> rules;
  {
    std::lock_guard lock(mutex_);
    rules = rules_;
  }
  if (rules->allowed_origins.empty()) return !host.empty() && origin_host(origin) == host;
  for (const auto& allowed : rules->allowed_origins) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

std::string AccessPolicy::request_token(std::string_view authorization, std::string_view target) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() && authorization.substr(0, kBearer.size()) == kBearer) {
    return std::string(trim(authorization.substr(kBearer.size())));
  }
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return {};
  for (const auto& param : url->params()) {
    if (param.key == "token") return param.value;
  }
  return {};
}

}  // namespace tickcast::daemon
