// The live page served at GET /: one self-contained HTML file (no external
// scripts, works offline) that subscribes to /v1/stream and shows each
// symbol's price, forecast, interval, scores, model and feed status.
//
// The page is daemon/live_page.html, embedded into the binary when CMake
// configures the build (live_page.cpp.in); editing the HTML re-runs that step.
#pragma once

#include <string_view>

namespace tickcast::daemon {

std::string_view live_page_html();

}  // namespace tickcast::daemon
