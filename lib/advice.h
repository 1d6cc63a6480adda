// Words for people about a report (text and JUnit printers, never JSON): numbers with
// thousand separators, durations in minutes and hours, the reason of a finding in plain
// words with its numbers, and concrete advice per finding.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report.h"
#include "rules.h"

namespace b24 {

// 7300 -> "7 300", -1234567 -> "-1 234 567" (a plain space: safe in every terminal).
std::string group_digits(std::int64_t n);
// Micro-units exactly, digits grouped, no ".0": 1250500000 -> "1 250.5", 7250000000 -> "7 250".
std::string human_micros(std::int64_t v);
// µs of server time as seconds, exact: "1 250 s", "0.5 s". For settings (thresholds, limits),
// which the user wrote and may look up.
std::string human_seconds(std::int64_t us);

// Micro-units rounded half away from zero to `decimals` places, digits grouped. Trailing zeros
// are dropped only where the value is exact ("40", "299.7", but "300.0" for 300.04), so a
// shown zero means the value was rounded. Where `ref` is given (the threshold or capacity the
// value is read against) and rounding would put the value onto or across it, more places are
// shown until it keeps its side: 1 200.4 against 1 200 is "1 200.4", 49.99439 against 50 is
// "49.99".
std::string round_micros(std::int64_t v, int decimals, std::optional<std::int64_t> ref = {});
// A measured number of seconds for prose, to the precision a person reads: whole seconds from
// 100 s ("1 211 s"), tenths from 1 s ("27.7 s"), else two places or the first non-zero digit
// ("0.25 s", "0.004 s"); `ref` as in round_micros.
std::string approx_seconds(std::int64_t us, std::optional<std::int64_t> ref = {});
// A length of time: "10 minutes", "1 hour", "24 hours", "1 second", "90 seconds", "1.5 seconds".
std::string human_duration(std::int64_t us);
// Time elapsed, to the minute: "24 hours", "24 hours 5 minutes", "3 minutes", "40 seconds".
std::string human_elapsed(std::int64_t us);
// "2026-11-27 07:26:32Z" (UTC, truncated to the second).
std::string human_time(std::int64_t t_us);

// "LARGE_LOAD at 2026-11-27 07:26:32Z: spent 1 250 s of server time in 10 minutes; the
// block threshold is 1 200 s (peak 1 300 s)". `ir` gives context (the warning a
// WARNING_IGNORED follows); `rules`, when given, adds the polling settings.
std::string finding_reason(const Finding& f, const IntegrationReport& ir,
                           const Rules* rules = nullptr);

// Concrete things to change for one finding, most useful first.
std::vector<std::string> advice_for(const Finding& f, const IntegrationReport& ir);
// The advice for all of an integration's findings, in finding order, each piece once.
std::vector<std::string> advice_for(const IntegrationReport& ir);

}  // namespace b24
