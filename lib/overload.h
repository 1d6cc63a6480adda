// Overload classification (SPEC §3.4, policy `cloud-default`) of one (portal, integration):
// the sliding metrics hits/cost/refused, the findings NONCRITICAL_LOAD, LARGE_LOAD,
// WARNING_IGNORED and POLLING (its bursts are found by polling.h), their peaks, and the
// block that ends the integration's replay.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "report.h"
#include "rules.h"
#include "window.h"

namespace b24 {

// What 3.1–3.3 did to one hit of the integration, and what the rules need to judge it.
struct OverloadHit {
    std::int64_t t_us = 0;
    std::int64_t cost_us = 0;   // cost its commands executed
    std::int64_t refused = 0;   // 1 if refused by 3.2, else its commands refused by 3.3
    std::int64_t capacity = 0;  // X of the hit's plan
    std::int64_t drain = 0;     // Y of the hit's plan
    // hits_exceed_max() of the warn rule for this X and Y, when the caller has it at hand
    // (it depends only on the plan); negative: worked out from X and Y at this hit.
    std::int64_t warn_hits_max = -1;
    // POLLING: whether a qualifying burst starts at this hit, the period m of the first such
    // method in command order (and its name), and the highest m among them.
    bool polling = false;
    std::int64_t poll_m = 0;
    std::string_view poll_method;
    std::int64_t poll_max_m = 0;
};

// The hits threshold in micro-hits, floor(pct · (Y · W_µs + X · 10^6) / 100), saturated.
std::int64_t hits_threshold_micro(std::int64_t pct, std::int64_t drain, std::int64_t window_us,
                                  std::int64_t capacity);
// Exactly hits · 100 · 10^6 > pct · (Y · W_µs + X · 10^6).
bool hits_exceed(std::int64_t hits, std::int64_t pct, std::int64_t drain, std::int64_t window_us,
                 std::int64_t capacity);
// The most hits that do not exceed (hits_exceed is exactly hits > this), INT64_MAX when no
// count does: lets a caller compare once per hit instead of multiplying 128-bit numbers.
std::int64_t hits_exceed_max(std::int64_t pct, std::int64_t drain, std::int64_t window_us,
                             std::int64_t capacity);

class OverloadTracker {
public:
    // Adds one hit (not refused by 3.1) to the windows, updates the peaks of the findings
    // recorded before, then evaluates the findings in SPEC order. Returns how many findings
    // were recorded at this hit: they are the last ones of findings().
    std::size_t add(const Rules& rules, const OverloadHit& h) {
        window_.add(h.t_us, Sums3{h.cost_us, 1, h.refused});
        window_.evict(h.t_us, rules.warn.window_us, rules.block.window_us);
        if (quiet(rules, h)) return 0;  // inline: most hits of most integrations
        return judge(rules, h);
    }

    // Blocked by LARGE_LOAD or WARNING_IGNORED: the integration's next hits are refused
    // OVERLOAD_LIMIT and not evaluated.
    bool blocked() const { return blocked_; }
    // In the order recorded (the report sorts them).
    const std::vector<Finding>& findings() const { return findings_; }
    Level verdict() const;

    // Drops window entries that are outside every window at `now` (memory upkeep only).
    void sweep(const Rules& rules, std::int64_t now);

private:
    enum Code { kNoncritical = 0, kLarge = 1, kIgnored = 2, kPolling = 3 };
    // Nothing to record or update at this hit (the windows hold it already): no finding that
    // tracks a peak since, no polling burst, no threshold reached. Then judge() would find
    // nothing and change nothing.
    bool quiet(const Rules& rules, const OverloadHit& h) const {
        if (index_[kNoncritical] >= 0 || h.polling || h.warn_hits_max < 0) return false;
        const Sums3& warn = window_.sum(0);
        if (warn.cost >= rules.warn.cost_us || warn.hits > h.warn_hits_max) return false;
        if (index_[kLarge] >= 0) return true;
        const Sums3& block = window_.sum(1);
        return block.cost < rules.block.cost_us && block.refused < rules.block.refused;
    }
    // The findings at this hit, its windows updated: SPEC order, peaks, the block.
    std::size_t judge(const Rules& rules, const OverloadHit& h);
    Finding& record(Code code, Level level, std::int64_t t, const char* metric,
                    std::int64_t window_us, std::int64_t value, std::int64_t threshold);

    DualWindow window_;  // (cost, hits, refused) over the warn window (0) and block window (1)
    std::array<int, 4> index_{-1, -1, -1, -1};  // into findings_, by Code
    std::int64_t warned_at_ = 0;
    bool blocked_ = false;
    bool noncritical_cost_ = false;  // NONCRITICAL_LOAD's metric is cost (else hits)
    std::vector<Finding> findings_;
};

}  // namespace b24
