#include "polling.h"

#include <algorithm>

namespace b24 {

namespace {

__extension__ typedef __int128 i128;

// The median period m when every period is steady as SPEC §3.4 says, else nullopt.
// Sorts `periods` in place (the tolerance test does not depend on order).
std::optional<std::int64_t> steady_median(std::vector<std::int64_t>& periods,
                                          const Rules::Polling& p) {
    for (const std::int64_t period : periods)
        if (period > p.max_period_us) return std::nullopt;
    std::sort(periods.begin(), periods.end());
    const std::size_t n = periods.size();
    const std::int64_t lo = periods[(n - 1) / 2], hi = periods[n / 2];
    const std::int64_t m = lo + (hi - lo) / 2;  // floor of the mean; = the middle one when n is odd
    for (const std::int64_t period : periods) {
        const i128 dev = period > m ? i128{period} - m : i128{m} - period;
        if (dev * 100 > i128{p.tolerance_pct} * m) return std::nullopt;
    }
    return m;
}

}  // namespace

std::optional<std::int64_t> steady_period(const std::vector<std::int64_t>& starts,
                                          const Rules::Polling& p,
                                          std::vector<std::int64_t>& scratch) {
    if (starts.size() < 2) return std::nullopt;
    scratch.clear();
    for (std::size_t i = 1; i < starts.size(); ++i) scratch.push_back(starts[i] - starts[i - 1]);
    return steady_median(scratch, p);
}

bool PollingMatcher::polled(Sym method) {
    if (method == kNoSym) return false;
    if (method >= known_.size()) known_.resize(std::size_t{method} + 1, -1);
    if (known_[method] < 0) known_[method] = rules_.is_polled(symbols_.name(method)) ? 1 : 0;
    return known_[method] == 1;
}

PollingTable::PollingTable(const Rules::Polling& p)
    : p_(p),
      keep_(static_cast<std::size_t>(std::max<std::int64_t>(p.bursts, 2))),
      periods_(keep_ - 1) {}

std::optional<std::int64_t> PollingTable::observe(std::uint32_t who, Sym method, std::int64_t t) {
    const auto e = index_.try_emplace(sym_pair(who, method));
    if (e.fresh) e.value = add_record();
    return observe_at(e.value, t);
}

std::uint32_t PollingTable::add_record() {
    const std::size_t stride = keep_ + 3;
    const auto record = static_cast<std::uint32_t>(pool_.size() / stride);
    pool_.resize(pool_.size() + stride, 0);
    pool_[std::size_t{record} * stride + 1] = -1;  // no hit yet
    return record;
}

std::optional<std::int64_t> PollingTable::start(std::int64_t* rec, std::int64_t t) {
    std::int64_t& last_hit = rec[0];
    std::int64_t& kept = rec[1];
    std::int64_t& next = rec[2];
    std::int64_t* ring = rec + 3;
    const auto keep = static_cast<std::int64_t>(keep_);

    const bool fresh = kept < 0;
    const bool starts_burst = fresh || t - last_hit > p_.burst_gap_us;
    last_hit = fresh ? t : std::max(last_hit, t);
    if (fresh) kept = 0;
    if (!starts_burst) return std::nullopt;
    // A start more than max_period after the previous one can never be part of a steady
    // series with those before it: forget them.
    if (kept > 0 && t - ring[next == 0 ? keep - 1 : next - 1] > p_.max_period_us) kept = 0;
    ring[next] = t;
    next = next + 1 == keep ? 0 : next + 1;
    if (kept < keep) ++kept;
    if (kept < keep) return std::nullopt;
    // Full: the oldest start is where the next one will go.
    std::int64_t prev = ring[next];
    std::size_t i = static_cast<std::size_t>(next);
    for (std::int64_t& period : periods_) {
        i = i + 1 == keep_ ? 0 : i + 1;
        period = ring[i] - prev;
        prev = ring[i];
    }
    return steady_median(periods_, p_);
}

}  // namespace b24
