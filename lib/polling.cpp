#include "polling.h"

#include <algorithm>

namespace b24 {

namespace {
__extension__ typedef __int128 i128;
}

std::optional<std::int64_t> steady_period(const std::vector<std::int64_t>& starts,
                                          const Rules::Polling& p,
                                          std::vector<std::int64_t>& scratch) {
    if (starts.size() < 2) return std::nullopt;
    scratch.clear();
    for (std::size_t i = 1; i < starts.size(); ++i) {
        const std::int64_t period = starts[i] - starts[i - 1];
        if (period > p.max_period_us) return std::nullopt;
        scratch.push_back(period);
    }
    // The tolerance test does not depend on order, so the periods are sorted in place.
    std::sort(scratch.begin(), scratch.end());
    const std::size_t n = scratch.size();
    const std::int64_t lo = scratch[(n - 1) / 2], hi = scratch[n / 2];
    const std::int64_t m = lo + (hi - lo) / 2;  // floor of the mean; = the middle one when n is odd
    for (const std::int64_t period : scratch) {
        const i128 dev = period > m ? i128{period} - m : i128{m} - period;
        if (dev * 100 > i128{p.tolerance_pct} * m) return std::nullopt;
    }
    return m;
}

bool PollingMatcher::polled(Sym method) {
    if (method == kNoSym) return false;
    if (method >= known_.size()) known_.resize(std::size_t{method} + 1, -1);
    if (known_[method] < 0) known_[method] = rules_.is_polled(symbols_.name(method)) ? 1 : 0;
    return known_[method] == 1;
}

std::optional<std::int64_t> PollingTracker::observe(const Rules::Polling& p, Sym method,
                                                    std::int64_t t) {
    auto [it, fresh] = tracks_.try_emplace(method);
    Track& tr = it->second;
    const bool starts_burst = fresh || t - tr.last_hit > p.burst_gap_us;
    tr.last_hit = std::max(tr.last_hit, t);
    if (!starts_burst) return std::nullopt;
    // A start more than max_period after the previous one can never be part of a steady
    // series with those before it: forget them.
    if (!tr.starts.empty() && t - tr.starts.back() > p.max_period_us) tr.starts.clear();
    const auto keep = static_cast<std::size_t>(std::max<std::int64_t>(p.bursts, 2));
    if (tr.starts.size() == keep) tr.starts.erase(tr.starts.begin());
    tr.starts.push_back(t);
    if (tr.starts.size() < keep) return std::nullopt;
    return steady_period(tr.starts, p, scratch_);
}

}  // namespace b24
