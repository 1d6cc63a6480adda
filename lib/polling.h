// Polling detection (SPEC §3.4 `POLLING`): per (integration, method) matching
// polling.methods, bursts of hits separated by more than burst_gap; when a burst starts and
// the last `bursts` burst starts are spaced by a steady period (each ≤ max_period, each within
// tolerance_pct of their median m), the integration is polling with period m.
#pragma once
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "rules.h"
#include "symbols.h"

namespace b24 {

// The median period of consecutive `starts` (count ≥ 2, increasing) when they are steady
// as SPEC §3.4 says, else nullopt. Median of an even count: floor of the mean of the middle
// two. `scratch` is reused storage.
std::optional<std::int64_t> steady_period(const std::vector<std::int64_t>& starts,
                                          const Rules::Polling& p,
                                          std::vector<std::int64_t>& scratch);

// Remembers which methods match polling.methods (the glob is matched once per method).
class PollingMatcher {
public:
    PollingMatcher(const Rules& rules, const SymbolTable& symbols)
        : rules_(rules), symbols_(symbols) {}
    bool polled(Sym method);

private:
    const Rules& rules_;
    const SymbolTable& symbols_;
    std::vector<std::int8_t> known_;  // by Sym: -1 unknown, 0 no, 1 yes
};

// One integration's bursts, per polled method. Memory: the last `bursts` starts per method.
class PollingTracker {
public:
    // A hit of the integration touching `method` at t (call once per command of a batch;
    // repeated methods at one t simply continue the burst). Returns the median period m
    // when a burst starts here and the last `bursts` starts qualify.
    std::optional<std::int64_t> observe(const Rules::Polling& p, Sym method, std::int64_t t);

private:
    struct Track {
        std::int64_t last_hit = 0;
        std::vector<std::int64_t> starts;  // the last `bursts` burst starts, oldest first
    };
    std::unordered_map<Sym, Track> tracks_;
    std::vector<std::int64_t> scratch_;
};

}  // namespace b24
