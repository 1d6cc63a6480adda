// Operating time (SPEC §3.3): per (portal, method), the executed cost summed over the last
// W_op; a sum above C blocks the method on that portal for B. Every command of a hit (a
// batch's commands one by one) comes here separately.
#pragma once
#include <cstdint>
#include <vector>

#include "id_map.h"
#include "report.h"
#include "rules.h"
#include "symbols.h"
#include "window.h"

namespace b24 {

class OperatingTable {
public:
    explicit OperatingTable(const Rules::Operating& limits) : limits_(limits) {}

    // One command of `method` on `portal` at t costing cost_us. True when it executed
    // (its cost added, possibly blocking the method from t); false when refused
    // (OPERATION_TIME_LIMIT) because the method is blocked at t.
    bool command(Sym portal, Sym method, std::int64_t t, std::int64_t cost_us) {
        return command_at(slot(portal, method), t, cost_us);
    }

    // The same in two steps, so a caller that keeps the slot pays one lookup per
    // (portal, method) rather than one per command. slot() creates the state when new (it is
    // then reported, with the commands that follow); slots stay valid.
    std::uint32_t slot(Sym portal, Sym method) {
        return states_.try_emplace(sym_pair(portal, method)).index;
    }
    bool command_at(std::uint32_t slot, std::int64_t t, std::int64_t cost_us);  // inline below

    // Drops window entries no longer inside W_op at `now` everywhere (memory upkeep only).
    void sweep(std::int64_t now);

    // Appends the methods that had a command (in no order: see order_report).
    void report(const SymbolTable& symbols, std::vector<MethodReport>& out) const;

private:
    struct State {
        SlidingSum window;  // executed cost
        std::int64_t blocked_until = INT64_MIN;
        std::int64_t hits = 0, cost_us = 0, refused = 0;
        std::vector<MethodBlock> blocks;
    };
    void block(State& s, std::int64_t t);  // the rare crossing, out of the hot path

    Rules::Operating limits_;
    IdMap<State> states_;  // (portal << 32) | method
};

// Inline: it runs for every command of every admitted hit.
inline bool OperatingTable::command_at(std::uint32_t slot, std::int64_t t, std::int64_t cost_us) {
    State& s = states_.value_at(slot);
    ++s.hits;
    if (t < s.blocked_until) {
        ++s.refused;
        return false;
    }
    s.cost_us += cost_us;
    s.window.add(t, cost_us);
    s.window.evict(t, limits_.window_us);
    if (s.window.sum() > limits_.limit_us) [[unlikely]]
        block(s, t);
    return true;
}

}  // namespace b24
