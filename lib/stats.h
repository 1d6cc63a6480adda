// `b24load stats`: the numbers of Bitrix24's "REST load statistics" page, offline: per
// portal, integration, method and UTC day (any subset, in that order): hits, cost,
// hits of unknown cost, hits the log says the server refused (status 503/429 or an error).
#pragma once
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "hit.h"
#include "report.h"
#include "symbols.h"

namespace b24 {

struct StatsGrouping {
    bool portal = true, integration = true, method = true, day = true;
};
// Parses "portal,integration,method,day" (any non-empty subset, any order). Throws Error.
StatsGrouping parse_grouping(const std::string& spec);

struct StatsRow {
    std::string portal, integration, method, day;  // "" for a dimension not grouped by
    std::int64_t hits = 0;
    std::int64_t cost_us = 0;        // known cost only
    std::int64_t cost_unknown = 0;   // hits without a duration
    std::int64_t refused = 0;        // refused in reality
};

class StatsAggregator {
public:
    StatsAggregator(StatsGrouping g, const SymbolTable& symbols);
    void add(const Hit& hit);  // a batch hit counts once, under method "batch"
    // Rows sorted by hits descending, then portal, integration, method, day.
    std::vector<StatsRow> rows() const;
    StatsGrouping grouping() const { return g_; }

private:
    StatsGrouping g_;
    const SymbolTable& symbols_;
    struct Acc { std::int64_t hits = 0, cost_us = 0, cost_unknown = 0, refused = 0; };
    std::map<std::tuple<Sym, Sym, Sym, std::int64_t>, Acc> acc_;  // day as days since epoch
};

// Printers. JSON schema "b24load/stats/v1": {"schema","group_by":[...],"input":{...},
// "rows":[{"portal",...,"hits","cost_s","cost_unknown","refused"}],"totals":{...}}.
void write_stats_text(std::ostream& out, const std::vector<StatsRow>& rows, StatsGrouping g,
                      const InputReport& input);
void write_stats_json(std::ostream& out, const std::vector<StatsRow>& rows, StatsGrouping g,
                      const InputReport& input);
void write_stats_csv(std::ostream& out, const std::vector<StatsRow>& rows, StatsGrouping g);

}  // namespace b24
