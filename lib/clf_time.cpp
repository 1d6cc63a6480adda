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

// Two or four ASCII digits at s; -1 if any is not a digit. Branch-light: called for every
// line of an access log.
inline int two(const char* s) {
    const unsigned a = static_cast<unsigned char>(s[0]) - '0';
    const unsigned b = static_cast<unsigned char>(s[1]) - '0';
    return a > 9 || b > 9 ? -1 : static_cast<int>(a * 10 + b);
}
inline int four(const char* s) {
    const int hi = two(s), lo = two(s + 2);
    return (hi | lo) < 0 ? -1 : hi * 100 + lo;
}

constexpr std::uint32_t pack3(char a, char b, char c) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(a)) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b)) << 8 |
           static_cast<unsigned char>(c);
}

// English month abbreviation (case-insensitive) to 1..12, 0 if none.
inline unsigned month_number(const char* s) {
    // |0x20 lower-cases ASCII letters; no other byte becomes a letter that way.
    switch (pack3(static_cast<char>(s[0] | 0x20), static_cast<char>(s[1] | 0x20),
                  static_cast<char>(s[2] | 0x20))) {
        case pack3('j', 'a', 'n'): return 1;
        case pack3('f', 'e', 'b'): return 2;
        case pack3('m', 'a', 'r'): return 3;
        case pack3('a', 'p', 'r'): return 4;
        case pack3('m', 'a', 'y'): return 5;
        case pack3('j', 'u', 'n'): return 6;
        case pack3('j', 'u', 'l'): return 7;
        case pack3('a', 'u', 'g'): return 8;
        case pack3('s', 'e', 'p'): return 9;
        case pack3('o', 'c', 't'): return 10;
        case pack3('n', 'o', 'v'): return 11;
        case pack3('d', 'e', 'c'): return 12;
        default: return 0;
    }
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
    if (s.size() < 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' ||
        s[17] != ':') {
        return std::nullopt;
    }
    const char* c = s.data();
    const int day = two(c), year = four(c + 7), hour = two(c + 12), minute = two(c + 15),
              second = two(c + 18);
    if ((day | year | hour | minute | second) < 0) return std::nullopt;
    const unsigned month = month_number(c + 3);
    if (month == 0 || day < 1 ||
        static_cast<unsigned>(day) > days_in_month(static_cast<unsigned>(year), month) ||
        hour > 23 || minute > 59 || second > 60) {
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
    if (s.size() != p + 6 || s[p] != ' ' || (s[p + 1] != '+' && s[p + 1] != '-')) {
        return std::nullopt;
    }
    const int oh = two(c + p + 2), om = two(c + p + 4);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
    std::int64_t offset_s = (static_cast<std::int64_t>(oh) * 60 + om) * 60;
    if (s[p + 1] == '-') offset_s = -offset_s;

    // Second 60 (a leap second) simply counts as the next minute's second 0.
    const std::int64_t days = days_from_civil(year, month, static_cast<unsigned>(day));
    const std::int64_t secs = days * 86'400 + static_cast<std::int64_t>(hour) * 3600 +
                              minute * 60 + second - offset_s;
    return secs * 1'000'000 + frac_us;
}

}  // namespace b24
