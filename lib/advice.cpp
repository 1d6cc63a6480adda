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

// "every 5 minutes"; a period that is not whole minutes keeps its seconds, with the
// rounded minutes beside it so it still reads at a glance.
std::string human_period(std::int64_t us) {
    if (us >= 2 * kMinute && us % kMinute != 0) {
        const std::int64_t minutes = (us + kMinute / 2) / kMinute;
        return "every " + human_micros(us) + " seconds (about " +
               plural(minutes, "minute", "minutes") + ")";
    }
    return "every " + human_duration(us);
}

// The measured part of a reason, by metric: "spent 1 250 s of server time in 10 minutes;
// the block threshold is 1 200 s (peak 1 300 s)".
std::string metric_words(const Finding& f, const Rules* rules) {
    const std::string win = human_duration(f.window_us);
    if (f.metric == "cost")
        return "spent " + human_seconds(f.value) + " of server time in " + win + "; " +
               threshold_word(f.level) + " is " + human_seconds(f.threshold) + " (peak " +
               human_seconds(f.peak) + ")";
    if (f.metric == "hits")
        return "made " + human_micros(f.value) + " hits in " + win +
               "; one client IP can get at most about " + human_micros(f.threshold) +
               " through a bucket in that time (peak " + human_micros(f.peak) + " hits)";
    if (f.metric == "refused")
        return "kept being refused: " + human_micros(f.value) + " refusals in " + win +
               " instead of backing off; " + threshold_word(f.level) + " is " +
               human_micros(f.threshold) + " (peak " + human_micros(f.peak) + ")";
    if (f.metric == "period") {
        std::string s = "polls " + (f.method.empty() ? std::string("a list method") : f.method) +
                        " " + human_period(f.value) + " (";
        if (rules)
            s += std::to_string(rules->polling.bursts) + " bursts, ±" +
                 std::to_string(rules->polling.tolerance_pct) + "%, ";
        else
            s += "steady bursts ";
        s += "at most " + human_duration(f.threshold) + " apart)";
        if (f.peak != f.value) s += "; later up to " + human_period(f.peak);
        return s;
    }
    return f.metric + " " + human_micros(f.value) + " in " + win + "; " +
           threshold_word(f.level) + " is " + human_micros(f.threshold) + " (peak " +
           human_micros(f.peak) + ")";
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
                       human_seconds(ir.top_methods.front().cost_us) + "): start there.");
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
