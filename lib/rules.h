// The replay policy (SPEC §3.5): plans, operating-time limits, overload thresholds, polling.
// All durations are integer microseconds.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace b24 {

struct PlanLimits {
    std::string name;
    std::int64_t capacity = 50;  // X, hits
    std::int64_t drain = 2;      // Y, hits per second
    bool operator==(const PlanLimits&) const = default;
};

struct Rules {
    std::string name = "cloud-default";
    std::vector<PlanLimits> plans{{"standard", 50, 2}, {"enterprise", 250, 5}};
    std::string default_plan = "standard";
    std::map<std::string, std::string> portals;  // lower-cased portal -> plan name

    struct Operating {
        std::int64_t window_us = 600'000'000;
        std::int64_t limit_us = 480'000'000;
        std::int64_t block_us = 600'000'000;
        std::int64_t default_cost_us = 0;
        bool operator==(const Operating&) const = default;
    } operating;

    struct Warn {
        std::int64_t window_us = 3'600'000'000;
        std::int64_t cost_us = 3'600'000'000;
        std::int64_t hits_pct_of_bucket = 100;
        bool operator==(const Warn&) const = default;
    } warn;

    struct Block {
        std::int64_t window_us = 600'000'000;
        std::int64_t cost_us = 1'200'000'000;
        std::int64_t refused = 600;
        bool operator==(const Block&) const = default;
    } block;

    std::int64_t grace_us = 86'400'000'000;

    struct Polling {
        std::vector<std::string> methods{"*.list"};  // globs, '*' matches any run
        std::int64_t burst_gap_us = 60'000'000;
        std::int64_t bursts = 8;
        std::int64_t max_period_us = 900'000'000;
        std::int64_t tolerance_pct = 10;
        bool operator==(const Polling&) const = default;
    } polling;

    bool operator==(const Rules&) const = default;

    // Index into `plans` of a plan name, or -1.
    int plan_index(std::string_view name) const;
    // The plan of a portal when the hit names none: portal map, else default_plan
    // (which `--plan` overrides at load time).
    int portal_plan(std::string_view portal) const;
    // Does a (lower-cased) method match polling.methods?
    bool is_polled(std::string_view method) const;
};

// The built-in policy `cloud-default`.
Rules default_rules();

// Reads a rules file's text over the defaults. Throws Error whose `where` is the JSON path
// of the fault (e.g. "$.plans.standard.capacity") for an unknown key, a wrong type or an
// impossible value.
Rules parse_rules(std::string_view json_text, Rules base = default_rules());

// Every fault of a rules file, each "PATH: message"; empty when valid.
std::vector<std::string> check_rules(std::string_view json_text);

// Canonical JSON text of a policy (what `rules --print-default` prints for the defaults);
// parse_rules(to_json(r)) == r.
std::string to_json(const Rules& r);

// `--plan NAME`: makes NAME the default plan; throws Error("--plan", ...) naming the
// known plans when there is no such plan.
void set_default_plan(Rules& r, std::string_view plan);

// Lower-case hex SHA-256 of to_json(r): the policy's identity in reports.
std::string rules_sha256(const Rules& r);

// '*' glob match (the only wildcard).
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace b24
