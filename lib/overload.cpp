#include "overload.h"

#include <algorithm>
#include <limits>

namespace b24 {

namespace {

__extension__ typedef __int128 i128;
constexpr std::int64_t kMicro = 1'000'000;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// pct · (Y · W_µs + X · 10^6) in micro-hits ×100, or nullopt-like -1 when it cannot be
// represented (then no hit count can exceed it).
i128 scaled_bucket(std::int64_t pct, std::int64_t drain, std::int64_t window_us,
                   std::int64_t capacity) {
    i128 a = 0, b = 0, s = 0, r = 0;
    if (__builtin_mul_overflow(i128{drain}, i128{window_us}, &a)) return -1;
    if (__builtin_mul_overflow(i128{capacity}, i128{kMicro}, &b)) return -1;
    if (__builtin_add_overflow(a, b, &s)) return -1;
    if (__builtin_mul_overflow(i128{pct}, s, &r)) return -1;
    return r;
}

}  // namespace

std::int64_t hits_threshold_micro(std::int64_t pct, std::int64_t drain, std::int64_t window_us,
                                  std::int64_t capacity) {
    const i128 s = scaled_bucket(pct, drain, window_us, capacity);
    if (s < 0) return kMax;
    const i128 v = s / 100;  // round down to the micro-hit
    return v > kMax ? kMax : static_cast<std::int64_t>(v);
}

bool hits_exceed(std::int64_t hits, std::int64_t pct, std::int64_t drain, std::int64_t window_us,
                 std::int64_t capacity) {
    const i128 s = scaled_bucket(pct, drain, window_us, capacity);
    if (s < 0) return false;
    return i128{hits} * 100 * kMicro > s;
}

std::int64_t hits_exceed_max(std::int64_t pct, std::int64_t drain, std::int64_t window_us,
                             std::int64_t capacity) {
    const i128 s = scaled_bucket(pct, drain, window_us, capacity);
    if (s < 0) return kMax;
    // hits · 10^8 > s exactly when hits > floor(s / 10^8), hits and s being non-negative.
    const i128 v = s / (100 * kMicro);
    return v > kMax ? kMax : static_cast<std::int64_t>(v);
}

Level OverloadTracker::verdict() const {
    Level v = Level::Ok;
    for (const Finding& f : findings_) v = std::max(v, f.level);
    return v;
}

Finding& OverloadTracker::record(Code code, Level level, std::int64_t t, const char* metric,
                                 std::int64_t window_us, std::int64_t value,
                                 std::int64_t threshold) {
    static constexpr const char* kCodes[] = {"NONCRITICAL_LOAD", "LARGE_LOAD", "WARNING_IGNORED",
                                             "POLLING"};
    Finding f;
    f.code = kCodes[code];
    f.level = level;
    f.at_us = t;
    f.metric = metric;
    f.window_us = window_us;
    f.value = value;
    f.threshold = threshold;
    f.peak = value;
    index_[code] = static_cast<int>(findings_.size());
    findings_.push_back(std::move(f));
    return findings_.back();
}

std::size_t OverloadTracker::judge(const Rules& rules, const OverloadHit& h) {
    const std::int64_t t = h.t_us;
    const auto& warn = rules.warn;
    const auto& block = rules.block;

    const std::int64_t cost_w = window_.sum(0).cost;
    const std::int64_t hits_w = window_.sum(0).hits;
    const std::int64_t hits_w_micro = hits_w > kMax / kMicro ? kMax : hits_w * kMicro;

    // Peaks of the findings recorded at earlier hits (this hit still counts, even when it
    // turns out to block: the block takes effect from the next hit).
    if (index_[kNoncritical] >= 0) {
        Finding& f = findings_[static_cast<std::size_t>(index_[kNoncritical])];
        f.peak = std::max(f.peak, noncritical_cost_ ? cost_w : hits_w_micro);
    }
    if (index_[kPolling] >= 0 && h.polling) {
        Finding& f = findings_[static_cast<std::size_t>(index_[kPolling])];
        f.peak = std::max(f.peak, h.poll_max_m);
    }
    // LARGE_LOAD and WARNING_IGNORED block: no hit is evaluated after the one recording them.

    const std::size_t before = findings_.size();
    const bool warn_cost = cost_w >= warn.cost_us;
    const bool warn_hits =
        !warn_cost &&
        (h.warn_hits_max >= 0 ? hits_w > h.warn_hits_max
                              : hits_exceed(hits_w, warn.hits_pct_of_bucket, h.drain,
                                            warn.window_us, h.capacity));
    const auto record_warn_metric = [&](Code code, Level level) {
        if (warn_cost)
            record(code, level, t, "cost", warn.window_us, cost_w, warn.cost_us);
        else
            record(code, level, t, "hits", warn.window_us, hits_w_micro,
                   hits_threshold_micro(warn.hits_pct_of_bucket, h.drain, warn.window_us,
                                        h.capacity));
    };

    if (index_[kNoncritical] < 0 && (warn_cost || warn_hits)) {
        record_warn_metric(kNoncritical, Level::Warn);
        noncritical_cost_ = warn_cost;
        warned_at_ = t;
    }
    if (index_[kLarge] < 0) {
        const std::int64_t cost_b = window_.sum(1).cost;
        const std::int64_t refused_b = window_.sum(1).refused;
        if (cost_b >= block.cost_us) {
            record(kLarge, Level::Block, t, "cost", block.window_us, cost_b, block.cost_us);
            blocked_ = true;
        } else if (refused_b >= block.refused) {
            const auto micro = [](std::int64_t n) { return n > kMax / kMicro ? kMax : n * kMicro; };
            record(kLarge, Level::Block, t, "refused", block.window_us, micro(refused_b),
                   micro(block.refused));
            blocked_ = true;
        }
    }
    if (index_[kIgnored] < 0 && index_[kNoncritical] >= 0 && t - warned_at_ >= rules.grace_us &&
        (warn_cost || warn_hits)) {
        record_warn_metric(kIgnored, Level::Block);
        blocked_ = true;
    }
    if (index_[kPolling] < 0 && h.polling) {
        Finding& f = record(kPolling, Level::Notice, t, "period", rules.polling.max_period_us,
                            h.poll_m, rules.polling.max_period_us);
        f.method = std::string(h.poll_method);
    }
    return findings_.size() - before;
}

void OverloadTracker::sweep(const Rules& rules, std::int64_t now) {
    window_.evict(now, rules.warn.window_us, rules.block.window_us);
}

}  // namespace b24
