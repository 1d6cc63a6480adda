// Exact conversions between text and integer microseconds (SPEC §3.6). No double anywhere.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace b24 {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// A JSON number's text (e.g. "0.1", "1.0000005", "-3", "2.5e3", "1E-7") scaled by 10^6 and
// rounded half away from zero. nullopt for text that is not a JSON number or overflows int64.
std::optional<std::int64_t> decimal_to_micros(std::string_view number_text);

// RFC 3339 date-time ("2026-11-27T07:26:32.91+03:00"; 'T', 't' or ' ' between date and time;
// zone 'Z', 'z' or ±hh:mm required; any number of fraction digits, rounded half away from
// zero; second 60 counts as the next second) to µs since the epoch, UTC.
std::optional<std::int64_t> rfc3339_to_micros(std::string_view text);

// Access-log time "27/Nov/2026:07:26:32 +0000" (nginx $time_local, Apache %t) to µs UTC.
// (Implemented in clf_time.cpp.)
std::optional<std::int64_t> clf_time_to_micros(std::string_view text);

// "2026-11-27T07:26:32.910Z": UTC, milliseconds, truncated (floor, also before 1970).
std::string format_time_ms(std::int64_t t_us);

// Micro-units to a decimal with up to 6 decimals and at least one: 0 -> "0.0",
// 1500000 -> "1.5", 1 -> "0.000001", -2500000 -> "-2.5".
std::string format_micros(std::int64_t v);

// Micro-units that are a whole count print as an integer ("7250"), else as format_micros.
std::string format_count_micros(std::int64_t v);

// UTC day "2026-11-27" of a time.
std::string format_day(std::int64_t t_us);

}  // namespace b24
