// The whole data path of one command, from file names to a finished model:
// Input -> Engine -> Report for `replay`, Input -> StatsAggregator for `stats`.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine.h"
#include "file_hits.h"
#include "report.h"
#include "rules.h"
#include "stats.h"

namespace b24 {

struct RunOptions {
    std::vector<std::string> files;
    InputOptions input;  // input.threads also sets the replay's shards (run.cpp)
    std::string default_portal = "default";
};

struct RunHooks {
    std::function<void(const FindingEvent&)> on_finding;  // as findings are recorded
    std::function<void(std::int64_t hits)> on_progress;   // now and then, from the reading thread
};

// Replays every hit. Throws Error for an input that cannot be opened and for a --strict
// bad line; a corrupt stream ends that input and shows in report.input.
Report run_replay(const Rules& rules, const RunOptions& opt, const RunHooks& hooks = {});

struct StatsResult {
    std::vector<StatsRow> rows;
    InputReport input;
};
StatsResult run_stats(const Rules& rules, const RunOptions& opt, StatsGrouping by,
                      const RunHooks& hooks = {});

}  // namespace b24
