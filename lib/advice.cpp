#include "advice.h"

#include <algorithm>

#include "micros.h"

namespace b24 {

namespace {

constexpr std::int64_t kUs = 1'000'000;
constexpr std::int64_t kMinute = 60 * kUs;
constexpr std::int64_t kHour = 60 * kMinute;

std::uint64_t magnitude(std::int64_t v) {
    return v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

std::string group_unsigned(std::uint64_t n) {
    const std::string d = std::to_string(n);
    std::string o;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (i > 0 && (d.size() - i) % 3 == 0) o += ' ';
        o += d[i];
    }
    return o;
}

std::string plural(std::int64_t n, const char* one, const char* many) {
    return group_digits(n) + " " + (n == 1 ? one : many);
}

const char* threshold_word(Level l) {
    switch (l) {
        case Level::Block: return "the block threshold";
        case Level::Warn: return "the warning threshold";
        case Level::Notice: return "the notice threshold";
        case Level::Ok: break;
    }
    return "the threshold";
}

// A polling period: "5 minutes" when whole minutes, else from 2 minutes the rounded minutes
// with the seconds beside them, "5 minutes (299.7 s)", and below that the seconds,
// "45.3 seconds". Tenths show the jitter; `ref` (the longest period that counts) keeps its
// side as in round_micros.
std::string period_words(std::int64_t us, std::int64_t ref) {
    if (us >= kMinute && us % kMinute == 0) return human_duration(us);
    if (us >= 2 * kMinute) {
        const std::int64_t minutes = (us + kMinute / 2) / kMinute;
        return plural(minutes, "minute", "minutes") + " (" + round_micros(us, 1, ref) + " s)";
    }
    return round_micros(us, 1, ref) + (us == kUs ? " second" : " seconds");
}

// " (peak X)" where the peak reads differently from the value, else nothing.
std::string peak_words(const std::string& value, const std::string& peak,
                       const std::string& unit = "") {
    if (peak == value) return "";
    return " (peak " + peak + unit + ")";
}

// The measured part of a reason, by metric: "spent 1 250 s of server time in 10 minutes;
// the block threshold is 1 200 s (peak 1 300 s)". Measured numbers are rounded for reading
// (never onto or across the threshold); thresholds are settings and print exactly.
std::string metric_words(const Finding& f, const Rules* rules) {
    const std::string win = human_duration(f.window_us);
    if (f.metric == "cost") {
        const std::string value = approx_seconds(f.value, f.threshold);
        return "spent " + value + " of server time in " + win + "; " +
               threshold_word(f.level) + " is " + human_seconds(f.threshold) +
               peak_words(value, approx_seconds(f.peak, f.threshold));
    }
    if (f.metric == "hits") {
        const std::string value = round_micros(f.value, 0, f.threshold);
        return "made " + value + " hits in " + win +
               "; one client IP can get at most about " + human_micros(f.threshold) +
               " through a bucket in that time" +
               peak_words(value, round_micros(f.peak, 0, f.threshold), " hits");
    }
    if (f.metric == "refused") {
        const std::string value = round_micros(f.value, 0, f.threshold);
        return "kept being refused: " + value + " refusals in " + win +
               " instead of backing off; " + threshold_word(f.level) + " is " +
               human_micros(f.threshold) +
               peak_words(value, round_micros(f.peak, 0, f.threshold));
    }
    if (f.metric == "period") {
        const std::string value = period_words(f.value, f.threshold);
        std::string s = "polls " + (f.method.empty() ? std::string("a list method") : f.method) +
                        " every " + value + ": ";
        if (rules)
            s += std::to_string(rules->polling.bursts) + " bursts of calls in a row, each period "
                 "within ±" + std::to_string(rules->polling.tolerance_pct) + "% of that";
        else
            s += "bursts of calls at a steady period";
        s += "; a steady period up to " + human_duration(f.threshold) + " counts as polling";
        // The later peak in the unit the value was read in, without a second bracket.
        const std::string peak = f.peak % kMinute == 0 || f.peak < 2 * kMinute
                                     ? period_words(f.peak, f.threshold)
                                     : round_micros(f.peak, 1, f.threshold) + " s";
        if (period_words(f.peak, f.threshold) != value)
            s += "; later periods up to " + peak;
        return s;
    }
    const std::string value = round_micros(f.value, 1, f.threshold);
    return f.metric + " " + value + " in " + win + "; " + threshold_word(f.level) + " is " +
           human_micros(f.threshold) + peak_words(value, round_micros(f.peak, 1, f.threshold));
}

// Advice texts: one place, so the same piece is recognised (and printed once) when
// several findings call for it.
const std::string kBackoff =
    "Honour refusals: on 503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT wait and "
    "retry with exponential backoff (1 s, 2 s, 4 s, ... plus jitter) instead of retrying at once.";
const std::string kBatch =
    "Bundle calls with `batch` (up to 50 commands per call): the request limit counts a "
    "batch as one hit.";
const std::string kStart =
    "Call *.list methods with `start=-1` so the server skips counting the total; page by "
    "filtering on ID greater than the last one seen.";
const std::string kSelect = "Ask only for the fields you use with `select`.";
const std::string kIncremental =
    "Fetch only what changed: filter by DATE_MODIFY (or ID) since the last run and cache "
    "what you already have.";
const std::string kEvents =
    "Use event handlers (`event.bind`, or offline events with `event.offline.get` when your "
    "server cannot take incoming calls) instead of polling for changes.";
const std::string kSpread =
    "Spread heavy work over time: run exports, imports and syncs in smaller chunks with "
    "pauses (or at night) instead of all at once.";
const std::string kIps =
    "Do not spread calls over several client IPs to get past the request limit: the load "
    "on the account is the same and is what gets the integration blocked.";
const std::string kReply =
    "Reply to the Bitrix24 notification (or contact support) and reduce the load: a "
    "warning left unanswered becomes a block.";
const std::string kUnblock =
    "After fixing the cause, contact Bitrix24 support: a blocked integration stays blocked "
    "until support lifts the block.";

void add(std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

// (Appending, not "-" + string: GCC 12 at -O3 gives a false -Wrestrict on the latter.)
std::string group_digits(std::int64_t n) {
    std::string s = n < 0 ? "-" : "";
    s += group_unsigned(magnitude(n));
    return s;
}

std::string human_micros(std::int64_t v) {
    const std::uint64_t mag = magnitude(v);
    std::string s = v < 0 ? "-" : "";
    s += group_unsigned(mag / kUs);
    if (mag % kUs != 0) {
        const std::string f = format_micros(static_cast<std::int64_t>(mag % kUs));  // "0.xxx"
        s += f.substr(1);
    }
    return s;
}

std::string human_seconds(std::int64_t us) { return human_micros(us) + " s"; }

namespace {

constexpr std::uint64_t kPow10[7] = {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000};

// |v| rounded half away from zero to `decimals` places, in micro-units.
std::uint64_t rounded_magnitude(std::uint64_t mag, int decimals) {
    const std::uint64_t unit = kPow10[6 - decimals];
    return (mag + unit / 2) / unit * unit;
}

// -1, 0 or 1 as a (sign, magnitude) value is below, at or above ref.
int side(bool negative, std::uint64_t mag, std::int64_t ref) {
    if (mag == 0) negative = false;
    if (negative != (ref < 0)) return negative ? -1 : 1;
    const std::uint64_t rmag = magnitude(ref);
    const int c = mag < rmag ? -1 : mag > rmag ? 1 : 0;
    return negative ? -c : c;
}

}  // namespace

std::string round_micros(std::int64_t v, int decimals, std::optional<std::int64_t> ref) {
    const bool negative = v < 0;
    const std::uint64_t mag = magnitude(v);
    int d = std::clamp(decimals, 0, 6);
    std::uint64_t r = rounded_magnitude(mag, d);
    // More places until the shown value is on the same side of ref as the real one; at 6
    // places it is the real one.
    while (ref && d < 6 && side(negative, r, *ref) != side(negative, mag, *ref))
        r = rounded_magnitude(mag, ++d);
    std::string s = negative && r != 0 ? "-" : "";
    s += group_unsigned(r / static_cast<std::uint64_t>(kUs));
    std::string frac;
    if (d > 0) {
        frac = std::to_string(r % static_cast<std::uint64_t>(kUs) / kPow10[6 - d]);
        frac.insert(0, static_cast<std::size_t>(d) - frac.size(), '0');
    }
    if (r == mag)  // exact: the zeros say nothing
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (!frac.empty()) {
        s += '.';
        s += frac;
    }
    return s;
}

std::string approx_seconds(std::int64_t us, std::optional<std::int64_t> ref) {
    const std::uint64_t mag = magnitude(us);
    int d = mag >= 100 * static_cast<std::uint64_t>(kUs) ? 0 : mag >= kUs ? 1 : 2;
    while (mag > 0 && d < 6 && rounded_magnitude(mag, d) == 0) ++d;  // 0.004 s is not "0 s"
    return round_micros(us, d, ref) + " s";
}

std::string human_duration(std::int64_t us) {
    if (us != 0 && us % kHour == 0) return plural(us / kHour, "hour", "hours");
    if (us != 0 && us % kMinute == 0) return plural(us / kMinute, "minute", "minutes");
    return human_micros(us) + (us == kUs ? " second" : " seconds");
}

std::string human_elapsed(std::int64_t us) {
    if (us >= kHour) {
        std::string s = plural(us / kHour, "hour", "hours");
        const std::int64_t m = us % kHour / kMinute;
        if (m != 0) {
            s += ' ';
            s += plural(m, "minute", "minutes");
        }
        return s;
    }
    if (us >= kMinute) return plural(us / kMinute, "minute", "minutes");
    return plural(us / kUs, "second", "seconds");
}

std::string human_time(std::int64_t t_us) {
    std::string s = format_time_ms(t_us);  // "2026-11-27T07:26:32.910Z"
    const auto t = s.find('T');
    const auto dot = s.rfind('.');
    if (t == std::string::npos || dot == std::string::npos || dot < t) return s;
    return s.substr(0, t) + " " + s.substr(t + 1, dot - t - 1) + "Z";
}

std::string finding_reason(const Finding& f, const IntegrationReport& ir, const Rules* rules) {
    std::string s = f.code + " at " + human_time(f.at_us) + ": ";
    if (f.code == "WARNING_IGNORED") {
        // The warning it follows is the integration's NONCRITICAL_LOAD finding.
        const auto w = std::find_if(ir.findings.begin(), ir.findings.end(),
                                    [](const Finding& x) { return x.code == "NONCRITICAL_LOAD"; });
        if (w != ir.findings.end())
            s += "warned at " + human_time(w->at_us) + " and still over the limit " +
                 human_elapsed(f.at_us - w->at_us) + " later: ";
        else
            s += "warned and still over the limit after the grace period: ";
        Finding as_warn = f;
        as_warn.level = Level::Warn;  // its threshold is the warning's
        return s + metric_words(as_warn, rules);
    }
    return s + metric_words(f, rules);
}

std::vector<std::string> advice_for(const Finding& f, const IntegrationReport& ir) {
    std::vector<std::string> v;
    // Once blocked, answering the warning is moot: kUnblock says what to do.
    if (f.code == "NONCRITICAL_LOAD" && ir.verdict != Level::Block) add(v, kReply);
    if (f.metric == "cost") {
        if (!ir.top_methods.empty() && ir.top_methods.front().cost_us > 0)
            add(v, "Most server time went to " + ir.top_methods.front().method + " (" +
                       approx_seconds(ir.top_methods.front().cost_us) + "): start there.");
        add(v, kSpread);
        add(v, kStart);
        add(v, kSelect);
        add(v, kIncremental);
    } else if (f.metric == "hits") {
        add(v, kBatch);
        add(v, kIncremental);
        add(v, kIps);
        add(v, kBackoff);
    } else if (f.metric == "refused") {
        add(v, kBackoff);
        add(v, kBatch);
    } else if (f.metric == "period") {
        add(v, kEvents);
        add(v, "If " + (f.method.empty() ? std::string("the list") : f.method) +
                   " must still be read on a schedule, ask only for changes since the last "
                   "run, with `start=-1` and `select`.");
    }
    if (f.level == Level::Block) add(v, kUnblock);
    return v;
}

std::vector<std::string> advice_for(const IntegrationReport& ir) {
    // The worst finding's advice first: it is what changes the verdict.
    std::vector<const Finding*> by_level;
    for (const Finding& f : ir.findings) by_level.push_back(&f);
    std::stable_sort(by_level.begin(), by_level.end(),
                     [](const Finding* a, const Finding* b) { return a->level > b->level; });
    std::vector<std::string> v;
    for (const Finding* f : by_level)
        for (const std::string& s : advice_for(*f, ir)) add(v, s);
    // How to get unblocked reads best after what to fix.
    std::stable_partition(v.begin(), v.end(), [](const std::string& s) { return s != kUnblock; });
    return v;
}

}  // namespace b24
