// The replay (SPEC §3): hits in time order in, a Report out. Calls the rules in the order
// of §3: blocked integration (3.1), bucket (3.2), operating time (3.3), overload (3.4).
#pragma once
#include <functional>
#include <memory>

#include "hit.h"
#include "report.h"
#include "rules.h"
#include "symbols.h"

namespace b24 {

struct FindingEvent {  // for streaming (--format ndjson): a finding as it is recorded
    const std::string& portal;
    const std::string& integration;
    const Finding& finding;
};

class Engine {
public:
    Engine(const Rules& rules, const SymbolTable& symbols);
    ~Engine();
    // Called with each finding when it is first recorded (its peak is not final then).
    void on_finding(std::function<void(const FindingEvent&)> cb);
    // Hits must come in replay order (non-decreasing t_us).
    void add(const Hit& hit);
    // Fills integrations, methods, buckets and summary (sorted as SPEC §4.1 says);
    // rules_* and input are left to the caller.
    void finish(Report& out);
    // Appends this engine's integrations, methods and buckets to `out`, unsorted, the
    // summary untouched: finish() but order_report(), for shards (replay_shards.h).
    void collect(Report& out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace b24
