// `b24load stats`: the numbers of Bitrix24's "REST load statistics" page, offline: per
// portal, integration, method and UTC day (any subset, in that order): hits, cost,
// hits of unknown cost, hits the log says the server refused (status 503/429 or an error).
// docs/stats.md describes the output formats.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "hit.h"
#include "report.h"
#include "symbols.h"

namespace b24 {

struct StatsGrouping {
    bool portal = true, integration = true, method = true, day = true;
};
// Parses "portal,integration,method,day" (any non-empty subset, any order, spaces around
// names allowed, duplicates harmless). Throws Error("--by", ...) on an unknown or empty name.
StatsGrouping parse_grouping(const std::string& spec);

struct StatsRow {
    std::string portal, integration, method, day;  // "" for a dimension not grouped by
    std::int64_t hits = 0;
    std::int64_t cost_us = 0;        // known cost only
    std::int64_t cost_unknown = 0;   // hits without a duration
    std::int64_t refused = 0;        // refused in reality
};

// The UTC day number (days since 1970-01-01, floor: -1 µs is day -1) of a time.
constexpr std::int64_t utc_day(std::int64_t t_us) {
    constexpr std::int64_t kDayUs = 86'400'000'000;
    const std::int64_t q = t_us / kDayUs;
    return (t_us % kDayUs < 0) ? q - 1 : q;
}

class StatsAggregator {
public:
    // `symbols` must outlive the aggregator: rows() reads names from it.
    StatsAggregator(StatsGrouping g, const SymbolTable& symbols);
    // On the hot path (once per hit): one hash lookup, usually skipped by a one-entry cache.
    void add(const Hit& hit);  // a batch hit counts once, under its own method ("batch")
    // Rows sorted by hits descending, then portal, integration, method, day (byte-wise).
    std::vector<StatsRow> rows() const;
    StatsGrouping grouping() const { return g_; }

private:
    // The group as ids: portal and integration in `hi`, method and day in `lo`; a dimension
    // not grouped by is a fixed value, so collapsed hits share one key.
    struct Key {
        std::uint64_t hi = 0, lo = 0;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    struct Acc { std::int64_t hits = 0, cost_us = 0, cost_unknown = 0, refused = 0; };

    StatsGrouping g_;
    const SymbolTable& symbols_;
    std::unordered_map<Key, Acc, KeyHash> acc_;
    // Consecutive hits mostly share a group; element pointers stay valid across rehashing.
    Key last_key_{};
    Acc* last_ = nullptr;
};

// Printers (docs/stats.md). Text: an aligned table with a TOTAL line under a heading with
// the input counts. JSON: schema "b24load/stats/v1", pretty, final newline. CSV: a header
// line, then one line per row, RFC 4180 quoting, "\n" line ends, no totals line.
void write_stats_text(std::ostream& out, const std::vector<StatsRow>& rows, StatsGrouping g,
                      const InputReport& input);
void write_stats_json(std::ostream& out, const std::vector<StatsRow>& rows, StatsGrouping g,
                      const InputReport& input);
void write_stats_csv(std::ostream& out, const std::vector<StatsRow>& rows, StatsGrouping g);

}  // namespace b24
