// The live page served at GET /: one self-contained HTML document (no
// external scripts, works offline) that subscribes to /v1/stream and shows
// each symbol's price and forecast with its interval on a uPlot chart, the
// scores, the model's version and age, and the feed status.
//
// Its sources are daemon/live_page/ (index.html, page.js, page.css; uPlot
// from npm, pinned by package-lock.json). The build runs `npm ci` into the
// build directory and embed.js inlines everything into the generated
// live_page.cpp; editing any of those files rebuilds it.
#pragma once

#include <string_view>

namespace tickcast::daemon {

std::string_view live_page_html();

}  // namespace tickcast::daemon
