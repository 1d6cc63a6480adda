#include "bucket.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace b24 {

std::uint32_t BucketTable::slot(Sym portal, Sym key, int plan) {
    const auto e = states_.try_emplace(sym_pair(portal, key));
    if (e.fresh) e.value.plan = plan;
    return e.index;
}

void BucketTable::report(const SymbolTable& symbols, const Rules& rules,
                         std::vector<BucketReport>& out) const {
    out.reserve(out.size() + states_.size());
    for (std::size_t i = 0; i < states_.size(); ++i) {
        const std::uint64_t k = states_.key_at(i);
        const State& s = states_.value_at(i);
        BucketReport b;
        b.portal = symbols.name(static_cast<Sym>(k >> 32));
        b.key = symbols.name(static_cast<Sym>(k & 0xffffffffu));
        if (s.plan >= 0 && static_cast<std::size_t>(s.plan) < rules.plans.size())
            b.plan = rules.plans[static_cast<std::size_t>(s.plan)].name;
        b.hits = s.hits;
        b.refused = s.refused;
        b.peak_level = s.peak_level;
        out.push_back(std::move(b));
    }
}

}  // namespace b24
