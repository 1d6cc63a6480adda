#include "operating.h"

#include <algorithm>
#include <tuple>

namespace b24 {

void OperatingTable::block(State& s, std::int64_t t) {
    // The crossing command has executed; the block starts at its time.
    const std::int64_t until = t > INT64_MAX - limits_.block_us ? INT64_MAX : t + limits_.block_us;
    s.blocked_until = until;
    s.blocks.push_back(MethodBlock{t, until, s.window.sum()});
}

void OperatingTable::sweep(std::int64_t now) {
    for (std::size_t i = 0; i < states_.size(); ++i)
        states_.value_at(i).window.evict(now, limits_.window_us);
}

void OperatingTable::report(const SymbolTable& symbols, std::vector<MethodReport>& out) const {
    out.reserve(out.size() + states_.size());
    for (std::size_t i = 0; i < states_.size(); ++i) {
        const std::uint64_t k = states_.key_at(i);
        const State& s = states_.value_at(i);
        MethodReport m;
        m.portal = symbols.name(static_cast<Sym>(k >> 32));
        m.method = symbols.name(static_cast<Sym>(k & 0xffffffffu));
        m.hits = s.hits;
        m.cost_us = s.cost_us;
        m.refused = s.refused;
        m.blocks = s.blocks;  // already in time order
        out.push_back(std::move(m));
    }
}

}  // namespace b24
