// Access-log time, "27/Nov/2026:07:26:32 +0000" (nginx $time_local, Apache %t), to µs UTC.
// On the hot path of access-log parsing (one call per line): fixed positions, no
// allocation, no locale. A fraction of seconds ("07:26:32.123 +0000", as written by
// Apache's %{%d/%b/%Y:%H:%M:%S}t.%{msec_frac}t style formats) is accepted too.
#include <cstdint>
#include <optional>
#include <string_view>

#include "micros.h"

namespace b24 {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
    if (s.size() < pos + n) return false;
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    return true;
}

// English month abbreviation (case-insensitive) to 1..12, 0 if none.
unsigned month_number(std::string_view s) {
    if (s.size() != 3) return 0;
    auto lc = [](char c) { return static_cast<char>(c | 0x20); };  // ASCII letters only below
    const char a = lc(s[0]), b = lc(s[1]), c = lc(s[2]);
    static constexpr std::string_view kNames = "janfebmaraprmayjunjulaugsepoctnovdec";
    for (unsigned m = 0; m < 12; ++m) {
        if (kNames[3 * m] == a && kNames[3 * m + 1] == b && kNames[3 * m + 2] == c) return m + 1;
    }
    return 0;
}

unsigned days_in_month(unsigned y, unsigned m) {
    static constexpr unsigned char kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29u : kDays[m - 1];
}

}  // namespace

std::optional<std::int64_t> clf_time_to_micros(std::string_view s) {
    // 0         1         2
    // 012345678901234567890123456
    // 27/Nov/2026:07:26:32 +0000
    unsigned day = 0, year = 0, hour = 0, minute = 0, second = 0;
    if (s.size() < 26 || !digits(s, 0, 2, day) || s[2] != '/' || s[6] != '/' ||
        !digits(s, 7, 4, year) || s[11] != ':' || !digits(s, 12, 2, hour) || s[14] != ':' ||
        !digits(s, 15, 2, minute) || s[17] != ':' || !digits(s, 18, 2, second)) {
        return std::nullopt;
    }
    const unsigned month = month_number(s.substr(3, 3));
    if (month == 0 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 60) {
        return std::nullopt;
    }

    // Fraction: the first six digits are µs, the seventh rounds half up (the local time is
    // non-negative, so this is half away from zero as SPEC §3.6 asks).
    std::size_t p = 20;
    std::int64_t frac_us = 0;
    if (s[p] == '.') {
        const std::size_t begin = ++p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
        if (p == begin) return std::nullopt;
        for (std::size_t k = 0; k < 6; ++k) {
            frac_us = frac_us * 10 + (begin + k < p ? s[begin + k] - '0' : 0);
        }
        if (p - begin > 6 && s[begin + 6] >= '5') ++frac_us;  // may carry into the second
    }

    // Zone: " +hhmm" (exactly; a local time without zone is ambiguous).
    unsigned oh = 0, om = 0;
    if (s.size() != p + 6 || s[p] != ' ' || (s[p + 1] != '+' && s[p + 1] != '-') ||
        !digits(s, p + 2, 2, oh) || !digits(s, p + 4, 2, om) || oh > 23 || om > 59) {
        return std::nullopt;
    }
    std::int64_t offset_s = (static_cast<std::int64_t>(oh) * 60 + om) * 60;
    if (s[p + 1] == '-') offset_s = -offset_s;

    // Second 60 (a leap second) simply counts as the next minute's second 0.
    const std::int64_t secs = days_from_civil(year, month, day) * 86'400 +
                              static_cast<std::int64_t>(hour) * 3600 + minute * 60 + second -
                              offset_s;
    return secs * 1'000'000 + frac_us;
}

}  // namespace b24
