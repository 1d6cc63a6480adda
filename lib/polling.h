// Polling detection (SPEC §3.4 `POLLING`): per (integration, method) matching
// polling.methods, bursts of hits separated by more than burst_gap; when a burst starts and
// the last `bursts` burst starts are spaced by a steady period (each ≤ max_period, each within
// tolerance_pct of their median m), the integration is polling with period m.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "id_map.h"
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

// Every integration's bursts, per polled method. Memory: per (integration, method) its last
// hit and its last `bursts` burst starts, in one flat pool.
class PollingTable {
public:
    explicit PollingTable(const Rules::Polling& p);

    // A hit of integration `who` (any id unique within the replay) touching `method` at t
    // (call once per command of a batch; a method repeated at one t simply continues the
    // burst). Returns the median period m when a burst starts here and the last `bursts`
    // starts qualify.
    std::optional<std::int64_t> observe(std::uint32_t who, Sym method, std::int64_t t);

    // The same for a caller that keeps its own index of (integration, method): a new record
    // (it has seen no hit yet), then the hits of that record. Records stay valid.
    std::uint32_t add_record();
    std::optional<std::int64_t> observe_at(std::uint32_t record, std::int64_t t) {
        // Inline: most hits continue a burst, which only moves its last hit.
        std::int64_t* rec = pool_.data() + std::size_t{record} * (keep_ + 3);
        if (rec[1] >= 0 && t - rec[0] <= p_.burst_gap_us) {
            rec[0] = std::max(rec[0], t);
            return std::nullopt;
        }
        return start(rec, t);
    }

private:
    // A hit of record `rec` that starts a burst (or is its first hit).
    std::optional<std::int64_t> start(std::int64_t* rec, std::int64_t t);

    Rules::Polling p_;
    std::size_t keep_;                // bursts
    IdMap<std::uint32_t> index_;      // (who, method) -> its record, for observe()
    // Record i at pool_[i * (keep_ + 3)]: last hit, number of starts kept (-1 before the
    // first hit, then 0..keep_), where the next start goes in the ring, then the ring of the
    // newest starts (the oldest of a full ring is where the next one goes).
    std::vector<std::int64_t> pool_;
    std::vector<std::int64_t> periods_;  // scratch: keep_ − 1 periods
};

}  // namespace b24
