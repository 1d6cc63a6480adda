#include "run.h"

#include <algorithm>

#include "input.h"
#include "replay_shards.h"

namespace b24 {

namespace {

constexpr std::int64_t kProgressEvery = 1 << 20;
// Below this many threads the consuming thread replays the hits itself: one engine keeps
// up with what two or three parse workers deliver, and dealing every hit to shard threads
// (a copy, read again on another core) costs more than it saves. With two threads on
// 1 GB logs, one engine was 2-11 % faster than two shards (interleaved runs).
constexpr int kMinThreadsForShards = 4;
// One thread deals every hit to the shards, so past a few shards it is the bottleneck;
// more would only hold more batches in memory.
constexpr int kMaxShards = 8;

template <class Sink>
InputReport read_all(SymbolTable& symbols, const Rules& rules, const RunOptions& opt,
                     const RunHooks& hooks, Sink&& sink) {
    ParseContext ctx;
    ctx.symbols = &symbols;
    ctx.rules = &rules;
    ctx.default_portal = opt.default_portal;
    Input input(opt.files, ctx, opt.input);
    std::int64_t n = 0;
    while (Hit* hit = input.next()) {
        sink(*hit);  // may move it away
        if (++n % kProgressEvery == 0 && hooks.on_progress) hooks.on_progress(n);
    }
    return input.report();
}

}  // namespace

Report run_replay(const Rules& rules, const RunOptions& opt, const RunHooks& hooks) {
    SymbolTable symbols;  // before the shards, which read it until they are done
    Report report;
    // Findings streamed as they are found (--format ndjson) come in replay order from one
    // engine on this thread; so do all hits below kMinThreadsForShards threads. Otherwise
    // portals are spread over a shard per thread (up to kMaxShards).
    const int threads = opt.input.threads;
    if (threads >= kMinThreadsForShards && !hooks.on_finding) {
        ReplayShards shards(rules, symbols, std::min(threads, kMaxShards));
        report.input = read_all(symbols, rules, opt, hooks, [&](Hit& h) { shards.add(std::move(h)); });
        shards.finish(report);
    } else {
        Engine engine(rules, symbols);
        if (hooks.on_finding) engine.on_finding(hooks.on_finding);
        report.input = read_all(symbols, rules, opt, hooks, [&](const Hit& h) { engine.add(h); });
        engine.finish(report);
    }
    report.rules_name = rules.name;
    report.rules_sha256 = rules_sha256(rules);
    return report;
}

StatsResult run_stats(const Rules& rules, const RunOptions& opt, StatsGrouping by,
                      const RunHooks& hooks) {
    SymbolTable symbols;
    StatsAggregator agg(by, symbols);
    StatsResult r;
    r.input = read_all(symbols, rules, opt, hooks, [&](const Hit& h) { agg.add(h); });
    r.rows = agg.rows();
    return r;
}

}  // namespace b24
