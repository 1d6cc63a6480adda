// The replay spread over threads by portal. Every rule of SPEC §3 keeps its state per
// portal or finer, so the consuming thread deals each hit, in replay order, to the shard
// that owns its portal, and each shard runs an Engine of its own on a thread of its own.
// The report is the shards' lists put in order by order_report(): the same bytes for any
// number of shards.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "engine.h"
#include "hit.h"
#include "report.h"
#include "rules.h"
#include "symbols.h"

namespace b24 {

class ReplayShards {
public:
    // `symbols` is the consuming thread's table: it goes on interning while the shards
    // read the names of the hits they were given (see symbols.h).
    ReplayShards(const Rules& rules, const SymbolTable& symbols, int shards);
    ~ReplayShards();
    ReplayShards(const ReplayShards&) = delete;
    ReplayShards& operator=(const ReplayShards&) = delete;

    // From the consuming thread, in replay order.
    void add(Hit&& hit);
    // Waits for every shard; then as Engine::finish. Rethrows what a shard threw.
    void finish(Report& out);

private:
    struct Shard;
    void close();  // every shard told to finish and joined

    std::vector<std::unique_ptr<Shard>> shards_;
    std::vector<std::uint32_t> owner_;  // by 1 + portal id (0: none): 1 + its shard, 0 if new
    std::size_t next_ = 0;              // the shard the next new portal goes to
};

}  // namespace b24
