#include "daemon/http_routes.hpp"

#include <array>
#include <string_view>

#include "daemon/live_page.hpp"
#include "daemon/metric_family.hpp"

namespace tickcast::daemon {
namespace {

namespace http = boost::beast::http;

HttpResponse text_response(http::status status, std::string body,
                           std::string_view content_type = "text/plain; charset=utf-8") {
  HttpResponse response{status, 11};
  response.set(http::field::content_type, content_type);
  response.set(http::field::cache_control, "no-store");
  response.body() = std::move(body);
  return response;
}

}  // namespace

HttpHandler make_http_routes(const Metrics& metrics, const Readiness& readiness) {
  return [&metrics, &readiness](const HttpRequest& request) -> HttpResponse {
    std::string_view target = request.target();
    std::string_view path = target.substr(0, target.find('?'));

    static constexpr std::array<std::string_view, 4> kPaths = {"/", "/metrics", "/healthz",
                                                               "/readyz"};
    if (std::find(kPaths.begin(), kPaths.end(), path) == kPaths.end()) {
      return text_response(http::status::not_found, "not found: " + std::string(path) + "\n");
    }
    if (request.method() != http::verb::get) {
      auto response = text_response(http::status::method_not_allowed,
                                    std::string(request.method_string()) + " is not allowed on " +
                                        std::string(path) + "; use GET\n");
      response.set(http::field::allow, "GET");
      return response;
    }
    if (path == "/metrics") {
      return text_response(http::status::ok, metrics.scrape(),
                           "text/plain; version=0.0.4; charset=utf-8");
    }
    if (path == "/healthz") return text_response(http::status::ok, "ok\n");
    if (path == "/readyz") {
      Readiness::Report report = readiness.report();
      return text_response(report.ready ? http::status::ok : http::status::service_unavailable,
                           std::move(report.text));
    }
    return text_response(http::status::ok, std::string(live_page_html()),
                         "text/html; charset=utf-8");
  };
}

std::vector<prometheus::MetricFamily> collect_http_stats(const HttpStats& stats) {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;

  auto responses = make_family("tickcast_http_responses_total",
                               "HTTP responses sent, by status class.", MetricType::Counter);
  static constexpr std::array<std::string_view, 5> kClasses = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (std::size_t i = 0; i < kClasses.size(); ++i) {
    add_sample(responses, static_cast<double>(stats.responses[i].load()),
               {{"code", std::string(kClasses[i])}});
  }
  families.push_back(std::move(responses));

  auto open =
      make_family("tickcast_http_connections", "HTTP connections open now.", MetricType::Gauge);
  add_sample(open, static_cast<double>(stats.connections_open.load()));
  families.push_back(std::move(open));

  auto accepted = make_family("tickcast_http_connections_accepted_total",
                              "HTTP connections accepted.", MetricType::Counter);
  add_sample(accepted, static_cast<double>(stats.connections_accepted.load()));
  families.push_back(std::move(accepted));

  auto rejected = make_family("tickcast_http_connections_rejected_total",
                              "HTTP connections refused with 503 over server.max_connections.",
                              MetricType::Counter);
  add_sample(rejected, static_cast<double>(stats.connections_rejected.load()));
  families.push_back(std::move(rejected));

  auto timeouts =
      make_family("tickcast_http_request_timeouts_total",
                  "Requests not complete within server.request_timeout.", MetricType::Counter);
  add_sample(timeouts, static_cast<double>(stats.request_timeouts.load()));
  families.push_back(std::move(timeouts));

  auto evicted =
      make_family("tickcast_http_idle_connections_closed_total",
                  "Idle HTTP connections closed to admit a new one at server.max_connections.",
                  MetricType::Counter);
  add_sample(evicted, static_cast<double>(stats.idle_evicted.load()));
  families.push_back(std::move(evicted));

  auto accept_errors =
      make_family("tickcast_http_accept_errors_total",
                  "Failed accepts (out of file descriptors, ...); accepting pauses 100 ms each.",
                  MetricType::Counter);
  add_sample(accept_errors, static_cast<double>(stats.accept_errors.load()));
  families.push_back(std::move(accept_errors));
  return families;
}

}  // namespace tickcast::daemon
