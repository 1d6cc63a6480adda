// The report model: plain data the engine fills and the printers read (no I/O here).
// Times are µs since the epoch; seconds and counts are kept in micro-units (value * 10^6)
// so nothing needs floating point; printers format them (micros.h).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace b24 {

enum class Level : std::uint8_t { Ok = 0, Notice = 1, Warn = 2, Block = 3 };
const char* level_name(Level l);  // "ok", "notice", "warn", "block"

enum class Refusal : std::uint8_t { QueryLimit = 0, OperationTime = 1, Overload = 2 };
const char* refusal_code(Refusal r);  // "QUERY_LIMIT_EXCEEDED", "OPERATION_TIME_LIMIT", "OVERLOAD_LIMIT"

struct Finding {
    std::string code;       // NONCRITICAL_LOAD, LARGE_LOAD, WARNING_IGNORED, POLLING
    Level level = Level::Ok;
    std::int64_t at_us = 0;
    std::string metric;     // cost, hits, refused, period
    std::int64_t window_us = 0;
    // In micro-units of the metric: µs for cost and period, micro-hits for hits/refused.
    std::int64_t value = 0;
    std::int64_t threshold = 0;
    std::int64_t peak = 0;
    std::string method;     // POLLING: the polled method; else empty
};

struct MethodUse {  // an integration's use of one method
    std::string method;
    std::int64_t hits = 0;     // commands of this method the integration sent (refused too)
    std::int64_t cost_us = 0;  // executed cost
};

struct IntegrationReport {
    std::string portal;
    std::string integration;  // "app:…", "webhook:…", "unknown"
    std::string kind;         // "app", "webhook", "unknown"
    Level verdict = Level::Ok;
    std::int64_t hits = 0;
    std::int64_t executed = 0;
    std::int64_t cost_us = 0;
    std::array<std::int64_t, 3> refused{};  // by Refusal
    std::int64_t cost_unknown = 0;
    std::vector<Finding> findings;            // by time, then code
    std::string notification;                 // Bitrix24's message for the worst warn/block, or ""
    std::vector<MethodUse> top_methods;       // by cost desc, then name; at most 5
};

struct MethodBlock {
    std::int64_t from_us = 0;
    std::int64_t until_us = 0;
    std::int64_t window_cost_us = 0;
};

struct MethodReport {
    std::string portal;
    std::string method;
    std::int64_t hits = 0;     // commands that reached SPEC 3.3
    std::int64_t cost_us = 0;  // executed cost
    std::int64_t refused = 0;  // OPERATION_TIME_LIMIT refusals
    std::vector<MethodBlock> blocks;  // by time
};

struct BucketReport {
    std::string portal;
    std::string key;   // ip, or the integration's name where the hits had no ip
    std::string plan;  // plan of its first hit
    std::int64_t hits = 0;
    std::int64_t refused = 0;
    std::int64_t peak_level = 0;  // micro-hits
};

struct InputReport {
    std::vector<std::string> files;
    std::int64_t hits = 0;
    std::int64_t skipped = 0;
    std::int64_t late = 0;
    std::int64_t cost_unknown = 0;
    std::int64_t bad_lines = 0;
    std::vector<std::string> bad_places;  // first 10 "file:line"
    std::optional<std::int64_t> first_us, last_us;
    bool complete = true;
    std::string error;  // the read error that made it incomplete, redacted; "" when none
};

struct Summary {
    std::int64_t portals = 0, integrations = 0, ok = 0, notice = 0, warn = 0, block = 0;
};

struct Report {
    std::string rules_name;
    std::string rules_sha256;
    InputReport input;
    Summary summary;
    std::vector<IntegrationReport> integrations;  // by portal, then integration
    std::vector<MethodReport> methods;            // by portal, then method
    std::vector<BucketReport> buckets;            // by portal, then key
};

// The worst verdict in a report.
Level worst_level(const Report& r);

// Puts integrations, methods and buckets in the order above and counts the summary from
// the integrations: the last step of a replay, whether one engine filled the lists or
// several shards did (each holding whole portals).
void order_report(Report& r);

// Empties the lists a replay fills (integrations, methods, buckets), before its engines
// add theirs.
void clear_replay_lists(Report& r);

}  // namespace b24
