// Exact text <-> integer-microsecond conversions (SPEC §3.6). Everything here works on decimal
// digits and int64: a double would turn 0.1 s into 99 999 µs or 100 001 µs depending on the
// path, and the replay must agree to the microsecond whatever produced the log.
#include "micros.h"

#include <cstdio>
#include <limits>

namespace b24 {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kUsPerSec = 1'000'000;
constexpr std::int64_t kUsPerDay = 86'400 * kUsPerSec;
// Exponents beyond this only ever mean "overflow" or "rounds to 0"; clamping keeps the
// digit-position arithmetic below far away from int64 limits.
constexpr std::int64_t kExpClamp = 1'000'000'000'000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Floor division for a positive divisor (C++ '/' truncates toward zero).
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

struct Civil {
    std::int64_t y;
    unsigned m, d;
};

// Inverse of days_from_civil (H. Hinnant's algorithm).
Civil civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
    return {y, m, d};
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
    static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Parses exactly `n` digits at s[pos..]; advances pos.
bool fixed_digits(std::string_view s, std::size_t& pos, int n, unsigned& out) {
    if (s.size() - pos < static_cast<std::size_t>(n)) return false;
    unsigned v = 0;
    for (int i = 0; i < n; ++i) {
        const char c = s[pos++];
        if (!is_digit(c)) return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

// The general case of decimal_to_micros: any JSON number, exponents and rounding. Out of
// line, so the common case below stays a light function.
[[gnu::noinline]] static std::optional<std::int64_t> decimal_general(std::string_view s) {
    // JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    // One pass checks the grammar and accumulates the digits for the fast path below
    // (unsigned, so a long digit run just wraps and the general path takes over).
    std::size_t i = 0;
    std::uint64_t digits = 0;
    const bool negative = i < s.size() && s[i] == '-';
    if (negative) ++i;
    const std::size_t int_begin = i;
    if (i >= s.size() || !is_digit(s[i])) return std::nullopt;
    if (s[i] == '0') {
        ++i;
    } else {
        for (; i < s.size() && is_digit(s[i]); ++i) digits = digits * 10 + (s[i] - '0');
    }
    const std::size_t int_end = i;
    std::size_t frac_begin = i, frac_end = i;
    if (i < s.size() && s[i] == '.') {
        frac_begin = ++i;
        for (; i < s.size() && is_digit(s[i]); ++i) digits = digits * 10 + (s[i] - '0');
        frac_end = i;
        if (frac_end == frac_begin) return std::nullopt;
    }
    std::int64_t exp = 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
        if (i >= s.size() || !is_digit(s[i])) return std::nullopt;
        for (; i < s.size() && is_digit(s[i]); ++i)
            if (exp < kExpClamp) exp = exp * 10 + (s[i] - '0');
        if (exp_negative) exp = -exp;
    }
    if (i != s.size()) return std::nullopt;

    // Fast path, the shape of nearly every timestamp and duration: no exponent, at most
    // 12 integer and 6 fraction digits, so the value is exact and below 10^18 µs.
    if (exp == 0 && int_end - int_begin <= 12 && frac_end - frac_begin <= 6) {
        static constexpr std::uint64_t kPow10[7] = {1, 10, 100, 1000, 10'000, 100'000, 1'000'000};
        const auto v = static_cast<std::int64_t>(digits * kPow10[6 - (frac_end - frac_begin)]);
        return negative ? -v : v;
    }

    // The significant digits are int digits then fraction digits; digit k of that sequence
    // (k from 0) has weight 10^(point - 1 - k) in µs, where `point` counts the digits before
    // the µs decimal point.
    const std::size_t n_int = int_end - int_begin;
    const std::size_t n_frac = frac_end - frac_begin;
    const std::size_t n = n_int + n_frac;
    auto digit = [&](std::size_t k) -> int {
        if (k >= n) return 0;
        return k < n_int ? s[int_begin + k] - '0' : s[frac_begin + (k - n_int)] - '0';
    };
    std::size_t first = 0;  // skip leading zeros so the overflow test below is a digit count
    while (first < n && digit(first) == 0) ++first;
    if (first == n) return 0;
    const std::int64_t point = static_cast<std::int64_t>(n_int) + exp + 6;  // |.| < 2^41
    const std::int64_t kept = point - static_cast<std::int64_t>(first);    // digits >= 1 µs
    if (kept > 19) return std::nullopt;  // >= 10^19 µs: beyond int64
    // Up to 18 digits cannot overflow; only a 19th needs the check (this is the hot path of
    // every timestamp, so no division per digit).
    std::uint64_t mag = 0;
    const std::int64_t unchecked = kept < 18 ? kept : 18;
    for (std::int64_t k = 0; k < unchecked; ++k)
        mag = mag * 10 + static_cast<std::uint64_t>(digit(first + static_cast<std::size_t>(k)));
    if (kept == 19) {
        const auto d = static_cast<std::uint64_t>(digit(first + 18));
        if (mag > (static_cast<std::uint64_t>(kMax) - d) / 10) return std::nullopt;
        mag = mag * 10 + d;
    }
    // Half away from zero: the magnitude rounds up iff the first dropped digit is >= 5.
    if (kept >= 0 && digit(first + static_cast<std::size_t>(kept)) >= 5) ++mag;
    if (mag > static_cast<std::uint64_t>(kMax)) return std::nullopt;
    const auto v = static_cast<std::int64_t>(mag);
    return negative ? -v : v;
}

std::optional<std::int64_t> decimal_to_micros(std::string_view s) {
    // The shape of nearly every duration and timestamp, in one tight loop: at most 12
    // integer digits (no leading zero) and 6 fraction digits, nothing else. Anything else,
    // valid or not, goes to decimal_general, which gives the same value for this shape too.
    const char* p = s.data();
    const char* const end = p + s.size();
    const bool negative = p < end && *p == '-';
    p += negative;
    const char* const int_begin = p;
    std::uint64_t v = 0;
    auto run = [&] {  // digits from p into v; wraps past 19, which the counts refuse
        while (p < end && static_cast<unsigned char>(*p - '0') <= 9)
            v = v * 10 + static_cast<unsigned>(*p++ - '0');
    };
    run();
    const auto n_int = p - int_begin;
    std::ptrdiff_t n_frac = 0;
    if (p < end && *p == '.') {
        const char* const frac_begin = ++p;
        run();
        n_frac = p - frac_begin;
        if (n_frac == 0) n_frac = 99;  // "1." is not a number: decimal_general says so
    }
    if (p == end && n_int >= 1 && n_int <= 12 && (n_int == 1 || *int_begin != '0') &&
        n_frac <= 6) {
        static constexpr std::uint64_t kScale[7] = {1'000'000, 100'000, 10'000, 1000, 100, 10, 1};
        const auto us = static_cast<std::int64_t>(v * kScale[n_frac]);
        return negative ? -us : us;
    }
    return decimal_general(s);
}

std::optional<std::int64_t> rfc3339_to_micros(std::string_view s) {
    std::size_t p = 0;
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!fixed_digits(s, p, 4, year) || !expect(s, p, '-') || !fixed_digits(s, p, 2, month) ||
        !expect(s, p, '-') || !fixed_digits(s, p, 2, day))
        return std::nullopt;
    if (p >= s.size() || (s[p] != 'T' && s[p] != 't' && s[p] != ' ')) return std::nullopt;
    ++p;
    if (!fixed_digits(s, p, 2, hour) || !expect(s, p, ':') || !fixed_digits(s, p, 2, minute) ||
        !expect(s, p, ':') || !fixed_digits(s, p, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 60)
        return std::nullopt;

    // Fraction: any number of digits, the first six are µs, the seventh decides the rounding
    // (half away from zero on the magnitude, the time before the zone offset is >= 0 anyway).
    std::int64_t frac_us = 0;
    if (p < s.size() && s[p] == '.') {
        ++p;
        const std::size_t begin = p;
        while (p < s.size() && is_digit(s[p])) ++p;
        if (p == begin) return std::nullopt;
        for (std::size_t k = 0; k < 6; ++k)
            frac_us = frac_us * 10 + (begin + k < p ? s[begin + k] - '0' : 0);
        if (p - begin > 6 && s[begin + 6] >= '5') ++frac_us;  // may carry into the second
    }

    std::int64_t offset_s = 0;
    if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
        ++p;
    } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
        const bool west = s[p++] == '-';
        unsigned oh = 0, om = 0;
        if (!fixed_digits(s, p, 2, oh) || !expect(s, p, ':') || !fixed_digits(s, p, 2, om) ||
            oh > 23 || om > 59)
            return std::nullopt;
        offset_s = (static_cast<std::int64_t>(oh) * 60 + om) * 60;
        if (west) offset_s = -offset_s;
    } else {
        return std::nullopt;  // the zone is required: a local time is ambiguous
    }
    if (p != s.size()) return std::nullopt;

    const std::int64_t days = days_from_civil(year, month, day);
    // Second 60 simply adds up to the next minute's second 0.
    const std::int64_t secs = days * 86'400 + hour * 3600 + minute * 60 + second - offset_s;
    return secs * kUsPerSec + frac_us;
}

std::string format_time_ms(std::int64_t t_us) {
    const std::int64_t ms = floor_div(t_us, 1000);
    const std::int64_t days = floor_div(ms, 86'400'000);
    const std::int64_t ms_of_day = ms - days * 86'400'000;
    const Civil c = civil_from_days(days);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(c.y), c.m, c.d,
                  static_cast<long long>(ms_of_day / 3'600'000),
                  static_cast<long long>(ms_of_day / 60'000 % 60),
                  static_cast<long long>(ms_of_day / 1000 % 60),
                  static_cast<long long>(ms_of_day % 1000));
    return buf;
}

std::string format_micros(std::int64_t v) {
    // Magnitude in uint64 so INT64_MIN has one too.
    const std::uint64_t mag = v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v)
                                    : static_cast<std::uint64_t>(v);
    std::string out = v < 0 ? "-" : "";
    out += std::to_string(mag / 1'000'000);
    std::uint64_t frac = mag % 1'000'000;
    out += '.';
    if (frac == 0) return out + '0';
    char digits[7];
    for (int k = 5; k >= 0; --k) {
        digits[k] = static_cast<char>('0' + frac % 10);
        frac /= 10;
    }
    int len = 6;
    while (digits[len - 1] == '0') --len;
    out.append(digits, static_cast<std::size_t>(len));
    return out;
}

std::string format_count_micros(std::int64_t v) {
    if (v % 1'000'000 == 0) return std::to_string(v / 1'000'000);
    return format_micros(v);
}

std::string format_day(std::int64_t t_us) {
    const Civil c = civil_from_days(floor_div(t_us, kUsPerDay));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
    return buf;
}

}  // namespace b24
