#include "daemon/backtest_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <vector>

namespace tickcast::daemon {
namespace {

constexpr double kWidth = 1200, kLeft = 80, kRight = 20, kPlotWidth = kWidth - kLeft - kRight;
constexpr std::size_t kCloseUpBars = 240;

std::string f1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string label(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string utc(std::int64_t ns) {
  const std::time_t s = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

// One panel: maps (index, value) into its box.
struct Panel {
  double top, height;
  double x0, x1;  // index range
  double y0, y1;  // value range
  [[nodiscard]] double x(double i) const { return kLeft + (i - x0) / (x1 - x0) * kPlotWidth; }
  [[nodiscard]] double y(double v) const { return top + height - (v - y0) / (y1 - y0) * height; }
};

std::string polyline(const std::vector<std::pair<double, double>>& points, const Panel& p,
                     const char* style) {
  std::string o = "<polyline fill=\"none\" " + std::string(style) + " points=\"";
  for (const auto& [i, v] : points) {
    if (!std::isfinite(v)) continue;
    o += f1(p.x(i)) + "," + f1(p.y(v)) + " ";
  }
  return o + "\"/>\n";
}

// A band between lower and upper points (same indices).
std::string band(const std::vector<std::pair<double, double>>& lower,
                 const std::vector<std::pair<double, double>>& upper, const Panel& p,
                 const char* style) {
  std::string o = "<polygon " + std::string(style) + " points=\"";
  for (const auto& [i, v] : upper) o += f1(p.x(i)) + "," + f1(p.y(v)) + " ";
  for (auto it = lower.rbegin(); it != lower.rend(); ++it) {
    o += f1(p.x(it->first)) + "," + f1(p.y(it->second)) + " ";
  }
  return o + "\"/>\n";
}

std::string frame(const Panel& p, const std::string& title, int digits, const std::string& left_x,
                  const std::string& right_x) {
  std::string o;
  o += "<rect x=\"" + f1(kLeft) + "\" y=\"" + f1(p.top) + "\" width=\"" + f1(kPlotWidth) +
       "\" height=\"" + f1(p.height) + "\" fill=\"none\" stroke=\"#999\"/>\n";
  o += "<text x=\"" + f1(kLeft) + "\" y=\"" + f1(p.top - 6) + "\" font-weight=\"bold\">" + title +
       "</text>\n";
  for (int k = 0; k <= 4; ++k) {
    const double v = p.y0 + (p.y1 - p.y0) * k / 4.0;
    o += "<text x=\"" + f1(kLeft - 4) + "\" y=\"" + f1(p.y(v) + 4) + "\" text-anchor=\"end\">" +
         label(v, digits) + "</text>\n";
    o += "<line x1=\"" + f1(kLeft) + "\" x2=\"" + f1(kLeft + kPlotWidth) + "\" y1=\"" + f1(p.y(v)) +
         "\" y2=\"" + f1(p.y(v)) + "\" stroke=\"#eee\"/>\n";
  }
  o += "<text x=\"" + f1(kLeft) + "\" y=\"" + f1(p.top + p.height + 14) + "\">" + left_x +
       "</text>\n";
  o += "<text x=\"" + f1(kLeft + kPlotWidth) + "\" y=\"" + f1(p.top + p.height + 14) +
       "\" text-anchor=\"end\">" + right_x + "</text>\n";
  return o;
}

}  // namespace

std::string backtest_svg(const BacktestResult& r, const std::string& title) {
  const std::size_t n = r.rows.size();
  std::string o =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"860\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"1200\" height=\"860\" "
      "fill=\"white\"/>\n<text x=\"" +
      f1(kLeft) + "\" y=\"22\" font-size=\"16\" font-weight=\"bold\">" + title + "</text>\n";
  if (n < 2) return o + "</svg>\n";
  const std::string first = utc(r.rows.front().online.bar_end_ns) + " UTC";
  const std::string last = utc(r.rows.back().online.bar_end_ns) + " UTC";

  // 1. The whole run, one point per pixel column: the column's last close,
  //    and its widest interval (online model).
  {
    const std::size_t columns = std::min<std::size_t>(n, static_cast<std::size_t>(kPlotWidth));
    std::vector<std::pair<double, double>> close, lower, upper;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t c = 0; c < columns; ++c) {
      const std::size_t b = c * n / columns, e = (c + 1) * n / columns;
      double l = std::numeric_limits<double>::infinity(), u = -l;
      for (std::size_t i = b; i < e; ++i) {
        const auto& f = r.rows[i].online;
        if (std::isfinite(f.lower) && std::isfinite(f.upper) && i > 0) {
          l = std::min(l, f.lower);
          u = std::max(u, f.upper);
        }
        lo = std::min(lo, f.close);
        hi = std::max(hi, f.close);
      }
      const double x = static_cast<double>(e - 1);
      close.emplace_back(x, r.rows[e - 1].online.close);
      if (std::isfinite(l)) {
        lower.emplace_back(x, l);
        upper.emplace_back(x, u);
        lo = std::min(lo, l);
        hi = std::max(hi, u);
      }
    }
    const Panel p{50, 230, 0, static_cast<double>(n - 1), lo, hi};
    o += frame(p,
               "Close, with the online model's " + label(100 * r.rows.back().online.coverage, 0) +
                   "% interval (widest per pixel column); retrains: green accepted, red rejected",
               0, first, last);
    o += band(lower, upper, p, "fill=\"#9ecae1\" fill-opacity=\"0.6\" stroke=\"none\"");
    o += polyline(close, p, "stroke=\"#222\" stroke-width=\"1\"");
    const std::uint64_t seq0 = r.rows.front().online.bar_sequence;
    for (const auto& x : r.retrains) {
      const double i = static_cast<double>(x.bar_sequence - seq0);
      const char* color = x.result == model::RetrainResult::kAccepted ? "#2ca02c" : "#d62728";
      o += "<line x1=\"" + f1(p.x(i)) + "\" x2=\"" + f1(p.x(i)) + "\" y1=\"" +
           f1(p.top + p.height - 12) + "\" y2=\"" + f1(p.top + p.height) + "\" stroke=\"" + color +
           "\"/>\n";
    }
  }

  // 2. The last bars: close, and each forecast drawn at the bar it is for.
  {
    const std::size_t b = n > kCloseUpBars ? n - kCloseUpBars : 0;
    std::vector<std::pair<double, double>> close, online, fixed, lower, upper;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t i = b; i < n; ++i) {
      const auto& f = r.rows[i].online;
      const double x = static_cast<double>(i);
      close.emplace_back(x, f.close);
      lo = std::min(lo, f.close);
      hi = std::max(hi, f.close);
      if (i + 1 < n) {  // the forecast made at bar i is about bar i + 1
        online.emplace_back(x + 1, f.predicted_close);
        fixed.emplace_back(x + 1, r.rows[i].static_predicted_close);
        if (std::isfinite(f.lower) && std::isfinite(f.upper)) {
          lower.emplace_back(x + 1, f.lower);
          upper.emplace_back(x + 1, f.upper);
          lo = std::min(lo, f.lower);
          hi = std::max(hi, f.upper);
        }
      }
    }
    const Panel p{330, 230, static_cast<double>(b), static_cast<double>(n - 1), lo, hi};
    o += frame(p,
               "Last " + std::to_string(n - b) +
                   " bars: close (black), online forecast (blue) with its interval, static "
                   "model (orange)",
               0, utc(r.rows[b].online.bar_end_ns) + " UTC", last);
    o += band(lower, upper, p, "fill=\"#9ecae1\" fill-opacity=\"0.5\" stroke=\"none\"");
    o += polyline(fixed, p, "stroke=\"#ff7f0e\" stroke-width=\"1\"");
    o += polyline(online, p, "stroke=\"#1f77b4\" stroke-width=\"1.2\"");
    o += polyline(close, p, "stroke=\"#222\" stroke-width=\"1.2\"");
  }

  // 3. Rolling skill (longest score window), per pixel column's last value.
  {
    const std::size_t columns = std::min<std::size_t>(n, static_cast<std::size_t>(kPlotWidth));
    std::vector<std::pair<double, double>> online, fixed;
    double lo = -0.01, hi = 0.01;
    for (std::size_t c = 0; c < columns; ++c) {
      const std::size_t e = (c + 1) * n / columns;
      const BacktestRow& row = r.rows[e - 1];
      const double x = static_cast<double>(e - 1);
      const bool has_static = row.static_status != model::ForecastStatus::kWarmingUp;
      online.emplace_back(x, row.online.model_version > 0 ? 100 * row.online_skill : NAN);
      fixed.emplace_back(x, has_static ? 100 * row.static_skill : NAN);
      for (double v : {online.back().second, fixed.back().second}) {
        if (std::isfinite(v)) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      }
    }
    const Panel p{610, 200, 0, static_cast<double>(n - 1), lo, hi};
    o += frame(p,
               "Rolling skill, % (1 - RMSE / persistence RMSE over the longest score window): "
               "online (blue), static (orange); above 0 beats persistence",
               2, first, last);
    o += "<line x1=\"" + f1(kLeft) + "\" x2=\"" + f1(kLeft + kPlotWidth) + "\" y1=\"" + f1(p.y(0)) +
         "\" y2=\"" + f1(p.y(0)) + "\" stroke=\"#666\" stroke-dasharray=\"4 3\"/>\n";
    o += polyline(fixed, p, "stroke=\"#ff7f0e\" stroke-width=\"1\"");
    o += polyline(online, p, "stroke=\"#1f77b4\" stroke-width=\"1\"");
  }
  return o + "</svg>\n";
}

}  // namespace tickcast::daemon
