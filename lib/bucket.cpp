#include "bucket.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace b24 {

bool LeakyBucket::admit(std::int64_t t, std::int64_t capacity, std::int64_t drain) {
    if (!started) {
        started = true;
        level = 0;
        t0 = t;
    }
    // L <- max(0, L − Y·(t − t0)); dt clamped at 0 so an out-of-order hit never fills it.
    // Y·dt may overflow; then, as when it reaches L, the bucket is empty (no division per hit).
    const std::int64_t dt = t > t0 ? t - t0 : 0;
    if (drain > 0 && dt > 0) {
        std::int64_t drained = 0;
        if (__builtin_mul_overflow(drain, dt, &drained) || drained >= level) level = 0;
        else level -= drained;
    }
    t0 = std::max(t0, t);
    // Refused when L + 1 hit > X hits; X·10^6 saturates for absurd capacities.
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    const std::int64_t cap = capacity > kMax / kMicro ? kMax : capacity * kMicro;
    if (level > cap - kMicro) return false;
    level += kMicro;
    return true;
}

std::uint32_t BucketTable::slot(Sym portal, Sym key, int plan) {
    const auto e = states_.try_emplace((std::uint64_t{portal} << 32) | key);
    if (e.fresh) e.value.plan = plan;
    return e.index;
}

bool BucketTable::hit_at(std::uint32_t slot, std::int64_t t, std::int64_t capacity,
                         std::int64_t drain) {
    State& s = states_.value_at(slot);
    ++s.hits;
    if (!s.bucket.admit(t, capacity, drain)) {
        ++s.refused;
        return false;
    }
    s.peak_level = std::max(s.peak_level, s.bucket.level);
    return true;
}

void BucketTable::report(const SymbolTable& symbols, const Rules& rules,
                         std::vector<BucketReport>& out) const {
    out.clear();
    out.reserve(states_.size());
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
    std::sort(out.begin(), out.end(), [](const BucketReport& a, const BucketReport& b) {
        return std::tie(a.portal, a.key) < std::tie(b.portal, b.key);
    });
}

}  // namespace b24
