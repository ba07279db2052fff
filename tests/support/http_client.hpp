// A blocking HTTP/1.1 client for tests, over a real loopback socket.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace tickcast::test {

struct HttpReply {
  int status = 0;  // 0 when the connection failed or closed without a reply
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// One request on a fresh connection. `extra_headers` is raw "Name: value\r\n" text.
HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::string& extra_headers = "",
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline HttpReply http_get(int port, const std::string& target) {
  return http_request(port, "GET", target);
}

}  // namespace tickcast::test
