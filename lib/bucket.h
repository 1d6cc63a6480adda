// Request intensity (SPEC §3.2): a leaky bucket per (portal, ip), or (portal, integration)
// for hits without an ip. Levels are micro-hits (1 hit = 1 000 000) so the drain of Y hits
// per second is exactly Y micro-hits per µs.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "id_map.h"
#include "report.h"
#include "rules.h"
#include "symbols.h"

namespace b24 {

inline constexpr std::int64_t kMicro = 1'000'000;

// One bucket's level. Starts at 0 at its first hit.
struct LeakyBucket {
    std::int64_t level = 0;  // micro-hits, after the last hit
    std::int64_t t0 = 0;     // time of the last hit
    bool started = false;

    // A hit at t on a bucket of capacity X and drain Y: drains, then admits (level + 1 hit)
    // or refuses (level unchanged). True when admitted.
    bool admit(std::int64_t t, std::int64_t capacity, std::int64_t drain);  // inline below
};

// Every bucket of a replay, with what the report shows of each.
class BucketTable {
public:
    // A hit at t on bucket `key` (an ip or an integration name) of `portal`, under the plan
    // with index `plan` in rules.plans. True when admitted.
    bool hit(Sym portal, Sym key, int plan, const PlanLimits& limits, std::int64_t t) {
        return hit_at(slot(portal, key, plan), t, limits.capacity, limits.drain);
    }

    // The same in two steps, so a caller that keeps the slot pays one lookup per bucket
    // rather than one per hit. slot() creates the bucket (with `plan` as the plan of its
    // first hit) when it is new; the hit that follows must then come. Slots stay valid.
    std::uint32_t slot(Sym portal, Sym key, int plan);
    bool hit_at(std::uint32_t slot, std::int64_t t, std::int64_t capacity, std::int64_t drain) {
        State& s = states_.value_at(slot);
        ++s.hits;
        if (!s.bucket.admit(t, capacity, drain)) {
            ++s.refused;
            return false;
        }
        s.peak_level = std::max(s.peak_level, s.bucket.level);
        return true;
    }

    // Appends the buckets (in no order: see order_report).
    void report(const SymbolTable& symbols, const Rules& rules,
                std::vector<BucketReport>& out) const;

private:
    struct State {
        LeakyBucket bucket;
        int plan = 0;  // plan of the first hit
        std::int64_t hits = 0, refused = 0, peak_level = 0;
    };
    IdMap<State> states_;  // (portal << 32) | key
};

// Inline: it runs for every hit that reaches 3.2.
inline bool LeakyBucket::admit(std::int64_t t, std::int64_t capacity, std::int64_t drain) {
    if (!started) {
        started = true;
        level = 0;
        t0 = t;
    }
    // L <- max(0, L − Y·(t − t0)); dt clamped at 0 so an out-of-order hit never fills it.
    // Y·dt may overflow; then, as when it reaches L, the bucket is empty (no division per hit).
    const std::int64_t dt = t > t0 ? t - t0 : 0;
    if (drain > 0 && dt > 0) {
        std::int64_t drained = 0;
        if (__builtin_mul_overflow(drain, dt, &drained) || drained >= level) level = 0;
        else level -= drained;
    }
    t0 = std::max(t0, t);
    // Refused when L + 1 hit > X hits; X·10^6 saturates for absurd capacities.
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    const std::int64_t cap = capacity > kMax / kMicro ? kMax : capacity * kMicro;
    if (level > cap - kMicro) return false;
    level += kMicro;
    return true;
}

}  // namespace b24
