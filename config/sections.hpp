// The schema of each config section (see schema.hpp). One function per
// section so a later key is added in exactly one place.
#pragma once

#include "config/daemon_options.hpp"
#include "config/schema.hpp"
#include "feeds/bar_options.hpp"
#include "feeds/feed_options.hpp"
#include "model/model_options.hpp"

namespace tickcast::config {

const Section<DaemonOptions>& daemon_section();
const Section<ServerOptions>& server_section();
const Section<feeds::FeedOptions>& feed_section();  // one [[feeds]] table
const Section<feeds::BarOptions>& bars_section();
const Section<model::ModelOptions>& model_section();
const Section<model::ScoreOptions>& scores_section();
const Section<BuiltinReplayOptions>& replay_section();

}  // namespace tickcast::config
