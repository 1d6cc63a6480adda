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

PollingTable::PollingTable(const Rules::Polling& p)
    : p_(p), keep_(static_cast<std::size_t>(std::max<std::int64_t>(p.bursts, 2))) {}

std::optional<std::int64_t> PollingTable::observe(std::uint32_t who, Sym method, std::int64_t t) {
    const std::size_t stride = keep_ + 2;
    const auto e = index_.try_emplace((std::uint64_t{who} << 32) | method);
    if (e.fresh) pool_.resize(pool_.size() + stride, 0);
    std::int64_t* rec = pool_.data() + std::size_t{e.index} * stride;
    std::int64_t& last_hit = rec[0];
    std::int64_t& count = rec[1];
    std::int64_t* ring = rec + 2;

    const bool starts_burst = e.fresh || t - last_hit > p_.burst_gap_us;
    last_hit = e.fresh ? t : std::max(last_hit, t);
    if (!starts_burst) return std::nullopt;
    // A start more than max_period after the previous one can never be part of a steady
    // series with those before it: forget them.
    const auto n = static_cast<std::size_t>(count);
    if (n > 0 && t - ring[(n - 1) % keep_] > p_.max_period_us) count = 0;
    // The ring holds the newest keep_ starts; count runs on past keep_ (mod 2·keep_ keeps
    // it small while preserving the position and the "full" state).
    const auto m = static_cast<std::size_t>(count);
    ring[m % keep_] = t;
    count = static_cast<std::int64_t>(m + 1 >= 2 * keep_ ? m + 1 - keep_ : m + 1);
    if (m + 1 < keep_) return std::nullopt;
    starts_.clear();
    const std::size_t newest = m % keep_;
    for (std::size_t j = 1; j <= keep_; ++j) starts_.push_back(ring[(newest + j) % keep_]);
    return steady_period(starts_, p_, scratch_);
}

}  // namespace b24
