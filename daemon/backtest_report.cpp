#include "daemon/backtest_report.hpp"

#include <cmath>
#include <cstdio>

namespace tickcast::daemon {
namespace {

// %.10g: enough for prices to the cent and below, and stable across runs.
std::string num(double v, const char* format = "%.10g") {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string json_num(double v) {
  const std::string s = num(v);
  return s.empty() ? "null" : s;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string scores_json(const BacktestScores& s, bool with_interval, const std::string& indent) {
  std::string o = "{\n";
  auto field = [&](const char* name, const std::string& value, bool last = false) {
    o += indent + "  \"" + name + "\": " + value + (last ? "\n" : ",\n");
  };
  field("n", std::to_string(s.scores.n));
  field("mae_price", json_num(s.scores.mae_price));
  field("rmse_price", json_num(s.scores.rmse_price));
  field("mae_return", json_num(s.scores.mae_return));
  field("rmse_return", json_num(s.scores.rmse_return));
  field("direction_accuracy", json_num(s.scores.directional_accuracy));
  field("direction_n", std::to_string(s.scores.directional_n));
  field("skill", json_num(s.skill));
  if (with_interval) {
    field("interval_coverage", json_num(s.coverage));
    field("interval_mean_width", json_num(s.mean_width));
  }
  field("dm_z_vs_persistence", json_num(s.dm_z), true);
  return o + indent + "}";
}

std::string windows_json(const std::vector<model::WindowScores>& windows,
                         const std::string& indent) {
  std::string o = "[";
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const auto& w = windows[i];
    o += (i ? ",\n" : "\n") + indent + "  {\"window\": " + std::to_string(w.window) +
         ", \"n\": " + std::to_string(w.n) + ", \"mae_price\": " + json_num(w.mae_price) +
         ", \"rmse_price\": " + json_num(w.rmse_price) +
         ", \"persistence_rmse_price\": " + json_num(w.persistence_rmse_price) +
         ", \"mae_return\": " + json_num(w.mae_return) +
         ", \"rmse_return\": " + json_num(w.rmse_return) +
         ", \"direction_accuracy\": " + json_num(w.direction_accuracy) +
         ", \"skill\": " + json_num(w.skill) +
         ", \"interval_coverage\": " + json_num(w.interval_coverage) +
         ", \"interval_mean_width\": " + json_num(w.interval_mean_width) + "}";
  }
  return o + "\n" + indent + "]";
}

}  // namespace

std::string backtest_forecasts_csv(const BacktestResult& result) {
  std::string out =
      "bar_end_ns,sequence,close,status,model_version,predicted_close,lower,upper,"
      "static_predicted_close,static_lower,static_upper,skill,static_skill\n";
  for (const BacktestRow& r : result.rows) {
    const model::Forecast& f = r.online;
    out += std::to_string(f.bar_end_ns) + ',' + std::to_string(f.bar_sequence) + ',' +
           num(f.close) + ',' + std::string(model::to_string(f.status)) + ',' +
           std::to_string(f.model_version) + ',' + num(f.predicted_close) + ',' + num(f.lower) +
           ',' + num(f.upper) + ',' + num(r.static_predicted_close) + ',' + num(r.static_lower) +
           ',' + num(r.static_upper) + ',' + num(r.online_skill, "%.6g") + ',' +
           num(r.static_skill, "%.6g") + '\n';
  }
  return out;
}

std::string backtest_report_json(const BacktestResult& r, const BacktestSettings& s) {
  const model::ModelOptions& m = s.model;
  std::size_t accepted = 0, rejected = 0, failed = 0, timeout = 0;
  for (const auto& x : r.retrains) {
    switch (x.result) {
      case model::RetrainResult::kAccepted:
        ++accepted;
        break;
      case model::RetrainResult::kRejected:
        ++rejected;
        break;
      case model::RetrainResult::kFailed:
        ++failed;
        break;
      case model::RetrainResult::kTimeout:
        ++timeout;
        break;
    }
  }
  std::string o = "{\n";
  o += "  \"input\": " + json_string(s.input) + ",\n";
  o += "  \"input_kind\": " + json_string(s.input_kind) + ",\n";
  o += "  \"bars\": " + std::to_string(r.rows.size()) + ",\n";
  if (!r.rows.empty()) {
    o += "  \"first_bar_end_ns\": " + std::to_string(r.rows.front().online.bar_end_ns) + ",\n";
    o += "  \"last_bar_end_ns\": " + std::to_string(r.rows.back().online.bar_end_ns) + ",\n";
  }
  o += "  \"model\": {\"target\": " + json_string(m.target) +
       ", \"layers\": " + std::to_string(m.layers) + ", \"hidden\": " + std::to_string(m.hidden) +
       ", \"seq_len\": " + std::to_string(m.seq_len) + ", \"epochs\": " + std::to_string(m.epochs) +
       ", \"seed\": " + std::to_string(m.seed) + ", \"window\": " + std::to_string(m.window) +
       ", \"min_bars\": " + std::to_string(m.min_bars) +
       ", \"validation_bars\": " + std::to_string(m.validation_bars) +
       ", \"retrain_every\": " + std::to_string(m.retrain_every) +
       ", \"min_improvement\": " + json_num(m.min_improvement) +
       ", \"drift\": " + json_string(m.drift) + ", \"dm_threshold\": " + json_num(m.dm_threshold) +
       ", \"interval_coverage\": " + json_num(m.interval_coverage) +
       ", \"aci_gamma\": " + json_num(m.aci_gamma) +
       ", \"conformal_window\": " + std::to_string(m.conformal_window) + "},\n";
  o += "  \"evaluation_first_sequence\": " + std::to_string(r.evaluation_first_sequence) + ",\n";
  o += "  \"overall\": {\n";
  o += "    \"online\": " + scores_json(r.online, true, "    ") + ",\n";
  o += "    \"static\": " + scores_json(r.static_model, true, "    ") + ",\n";
  o += "    \"persistence\": " + scores_json(r.persistence, false, "    ") + "\n";
  o += "  },\n";
  o += "  \"final_windows\": {\n    \"online\": " + windows_json(r.online_final_windows, "    ") +
       ",\n    \"static\": " + windows_json(r.static_final_windows, "    ") + "\n  },\n";
  o += "  \"online_status_counts\": {\"ok\": " + std::to_string(r.status_ok) +
       ", \"no_skill\": " + std::to_string(r.status_no_skill) +
       ", \"warming_up\": " + std::to_string(r.status_warming_up) + "},\n";
  o += "  \"retrain_counts\": {\"accepted\": " + std::to_string(accepted) +
       ", \"rejected\": " + std::to_string(rejected) + ", \"failed\": " + std::to_string(failed) +
       ", \"timeout\": " + std::to_string(timeout) + "},\n";
  o += "  \"retrains\": [";
  for (std::size_t i = 0; i < r.retrains.size(); ++i) {
    const auto& x = r.retrains[i];
    o += (i ? ",\n" : "\n");
    o += "    {\"bar_sequence\": " + std::to_string(x.bar_sequence) +
         ", \"bar_end_ns\": " + std::to_string(x.bar_end_ns) +
         ", \"trigger\": " + json_string(model::to_string(x.trigger)) +
         ", \"result\": " + json_string(model::to_string(x.result)) +
         ", \"version\": " + std::to_string(x.version) +
         ", \"epochs\": " + std::to_string(x.epochs_run) +
         ", \"candidate_mse\": " + json_num(x.candidate_mse) +
         ", \"live_mse\": " + json_num(x.live_mse) +
         ", \"persistence_mse\": " + json_num(x.persistence_mse) +
         ", \"dm_z\": " + json_num(x.dm_z) + ", \"reason\": " + json_string(x.reason) + "}";
  }
  o += "\n  ]\n}\n";
  return o;
}

}  // namespace tickcast::daemon
