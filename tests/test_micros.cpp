#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <regex>
#include <string>

#include "micros.h"

using namespace b24;

namespace {
constexpr std::int64_t kSec = 1'000'000;
// 2026-11-27T07:26:32Z
constexpr std::int64_t kT = (days_from_civil(2026, 11, 27) * 86'400 + 7 * 3600 + 26 * 60 + 32) * kSec;
}  // namespace

TEST_CASE("decimal_to_micros: plain numbers", "[micros]") {
    CHECK(decimal_to_micros("0") == 0);
    CHECK(decimal_to_micros("-0") == 0);
    CHECK(decimal_to_micros("1") == kSec);
    CHECK(decimal_to_micros("-3") == -3 * kSec);
    CHECK(decimal_to_micros("0.1") == 100'000);
    CHECK(decimal_to_micros("0.000001") == 1);
    CHECK(decimal_to_micros("1764228392.91") == 1'764'228'392'910'000);
    CHECK(decimal_to_micros("12.345678") == 12'345'678);
}

TEST_CASE("decimal_to_micros: rounds half away from zero", "[micros]") {
    CHECK(decimal_to_micros("1.0000005") == 1'000'001);
    CHECK(decimal_to_micros("-1.0000005") == -1'000'001);
    CHECK(decimal_to_micros("1.00000049999999999") == 1'000'000);
    CHECK(decimal_to_micros("-1.0000004") == -1'000'000);
    CHECK(decimal_to_micros("0.0000005") == 1);
    CHECK(decimal_to_micros("0.00000049") == 0);
    CHECK(decimal_to_micros("0.9999995") == 1'000'000);  // carry across the point
    CHECK(decimal_to_micros("-0.0000001") == 0);
}

TEST_CASE("decimal_to_micros: exponents", "[micros]") {
    CHECK(decimal_to_micros("2.5e3") == 2'500'000'000);
    CHECK(decimal_to_micros("2.5E+3") == 2'500'000'000);
    CHECK(decimal_to_micros("1E-7") == 0);
    CHECK(decimal_to_micros("5e-7") == 1);
    CHECK(decimal_to_micros("-5e-7") == -1);
    CHECK(decimal_to_micros("1e-6") == 1);
    CHECK(decimal_to_micros("123456e-6") == 123'456);
    CHECK(decimal_to_micros("0.00001e5") == kSec);
    CHECK(decimal_to_micros("1e-400") == 0);
    CHECK(decimal_to_micros("0e400") == 0);
    CHECK(decimal_to_micros("0e99999999999999999999999") == 0);
    CHECK(decimal_to_micros("1e-99999999999999999999999") == 0);
    CHECK(decimal_to_micros("1e400") == std::nullopt);
    CHECK(decimal_to_micros("1e99999999999999999999999") == std::nullopt);
}

TEST_CASE("decimal_to_micros: int64 limits", "[micros]") {
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();  // 9223372036854775807
    CHECK(decimal_to_micros("9223372036854.775807") == kMax);
    CHECK(decimal_to_micros("9223372036854.7758074") == kMax);
    CHECK(decimal_to_micros("-9223372036854.775807") == -kMax);
    CHECK(decimal_to_micros("9223372036854.7758075") == std::nullopt);  // rounds past max
    CHECK(decimal_to_micros("9223372036854.775808") == std::nullopt);
    CHECK(decimal_to_micros("10000000000000") == std::nullopt);
    CHECK(decimal_to_micros("99999999999999999999999") == std::nullopt);
    CHECK(decimal_to_micros("0.00000000000000000000000000001") == 0);
}

TEST_CASE("decimal_to_micros: rejects what is not a JSON number", "[micros]") {
    for (const char* bad : {"", "-", "+1", "01", "-01", "1.", ".5", "1.e3", "1e", "1e+", "1e-",
                            "0x10", "1 ", " 1", "1,5", "NaN", "Infinity", "1e3.5", "--1", "1_000",
                            "1.5x", "e5", "\"1\""})
        CHECK(decimal_to_micros(bad) == std::nullopt);
    CHECK(decimal_to_micros("0.0") == 0);
    CHECK(decimal_to_micros("10") == 10 * kSec);
}

TEST_CASE("decimal_to_micros: random short decimals against a plain reference", "[micros]") {
    // The common shape (up to 12 integer and 6 fraction digits) has its own fast loop; it
    // must agree with a reference computed another way, and refuse what is not a number.
    const std::regex plain(R"(-?(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?)");
    const std::regex number(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)");
    std::mt19937 rng(11);
    const std::string alphabet = "0123456789000.-eE";
    for (int i = 0; i < 200000; ++i) {
        std::string s;
        const std::size_t n = rng() % 21;
        for (std::size_t k = 0; k < n; ++k) s += alphabet[rng() % alphabet.size()];
        if (rng() % 2 == 0) {  // mostly well-formed: digits, a point, digits
            s = (rng() % 5 == 0 ? "-" : "") + std::to_string(rng() % 1000000) +
                std::string(rng() % 8, '0').substr(0, rng() % 8) + "." + std::to_string(rng());
            s.resize(std::min<std::size_t>(s.size(), 1 + rng() % 22));
        }
        INFO(s);
        const auto got = decimal_to_micros(s);
        if (std::regex_match(s, plain)) {
            const bool negative = s[0] == '-';
            const std::size_t dot = s.find('.');
            const std::string int_part =
                s.substr(negative, dot == std::string::npos ? std::string::npos : dot - negative);
            std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
            frac.resize(6, '0');
            const std::int64_t magnitude = std::stoll(int_part) * kSec + std::stoll(frac);
            REQUIRE(got == (negative ? -magnitude : magnitude));
        } else if (!std::regex_match(s, number)) {
            REQUIRE(got == std::nullopt);
        }
    }
}

TEST_CASE("rfc3339_to_micros: forms", "[micros]") {
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32Z") == kT);
    CHECK(rfc3339_to_micros("2026-11-27t07:26:32z") == kT);
    CHECK(rfc3339_to_micros("2026-11-27 07:26:32Z") == kT);
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32+00:00") == kT);
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32-00:00") == kT);
    CHECK(rfc3339_to_micros("2026-11-27T10:26:32+03:00") == kT);
    CHECK(rfc3339_to_micros("2026-11-27T02:56:32-04:30") == kT);
    CHECK(rfc3339_to_micros("2026-11-28T06:26:32+23:00") == kT);
    CHECK(rfc3339_to_micros("1970-01-01T00:00:00Z") == 0);
    CHECK(rfc3339_to_micros("1969-12-31T23:59:59.5Z") == -500'000);
}

TEST_CASE("rfc3339_to_micros: fractions are rounded half away from zero", "[micros]") {
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32.91Z") == kT + 910'000);
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32.123456Z") == kT + 123'456);
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32.1234564Z") == kT + 123'456);
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32.1234565Z") == kT + 123'457);
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32.123456500000000000000001Z") == kT + 123'457);
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32.9999995Z") == kT + kSec);  // carry
    CHECK(rfc3339_to_micros("2026-11-27T07:26:32.0Z") == kT);
}

TEST_CASE("rfc3339_to_micros: leap second and leap years", "[micros]") {
    CHECK(rfc3339_to_micros("2016-12-31T23:59:60Z") == rfc3339_to_micros("2017-01-01T00:00:00Z"));
    CHECK(rfc3339_to_micros("2016-12-31T23:59:60.5Z") ==
          *rfc3339_to_micros("2017-01-01T00:00:00Z") + 500'000);
    CHECK(rfc3339_to_micros("2024-02-29T00:00:00Z").has_value());
    CHECK(rfc3339_to_micros("2000-02-29T00:00:00Z").has_value());
    CHECK_FALSE(rfc3339_to_micros("2023-02-29T00:00:00Z").has_value());
    CHECK_FALSE(rfc3339_to_micros("1900-02-29T00:00:00Z").has_value());
}

TEST_CASE("rfc3339_to_micros: rejects malformed and out-of-range text", "[micros]") {
    for (const char* bad : {
             "", "2026-11-27", "2026-11-27T07:26:32", "2026-11-27T07:26:32+0300",
             "2026-11-27T07:26:32+03", "2026-11-27T07:26Z", "2026-11-27X07:26:32Z",
             "26-11-27T07:26:32Z", "2026-1-27T07:26:32Z", "2026-11-27T07:26:32.Z",
             "2026-11-27T07:26:32ZZ", "2026-11-27T07:26:32Z ", " 2026-11-27T07:26:32Z",
             "2026-00-27T07:26:32Z", "2026-13-27T07:26:32Z", "2026-11-00T07:26:32Z",
             "2026-11-31T07:26:32Z", "2026-11-27T24:00:00Z", "2026-11-27T07:60:32Z",
             "2026-11-27T07:26:61Z", "2026-11-27T07:26:32+24:00", "2026-11-27T07:26:32+03:60",
             "2026-11-27T07:26:32.5", "2026-11-27T07:26:32,5Z", "+2026-11-27T07:26:32Z",
             "2026-11-27T07:26:32 Z", "2026-11-27T07:26:3aZ"})
        CHECK_FALSE(rfc3339_to_micros(bad).has_value());
}

TEST_CASE("format_time_ms truncates toward minus infinity", "[micros]") {
    CHECK(format_time_ms(kT + 910'999) == "2026-11-27T07:26:32.910Z");
    CHECK(format_time_ms(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_time_ms(999) == "1970-01-01T00:00:00.000Z");
    CHECK(format_time_ms(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(format_time_ms(-1000) == "1969-12-31T23:59:59.999Z");
    CHECK(format_time_ms(-1001) == "1969-12-31T23:59:59.998Z");
    CHECK(format_time_ms(*rfc3339_to_micros("2024-02-29T23:59:59.999999Z")) ==
          "2024-02-29T23:59:59.999Z");
}

TEST_CASE("format_micros", "[micros]") {
    CHECK(format_micros(0) == "0.0");
    CHECK(format_micros(1'500'000) == "1.5");
    CHECK(format_micros(1) == "0.000001");
    CHECK(format_micros(-2'500'000) == "-2.5");
    CHECK(format_micros(-1) == "-0.000001");
    CHECK(format_micros(7'250'000'000) == "7250.0");
    CHECK(format_micros(123'456'789) == "123.456789");
    CHECK(format_micros(100'010) == "0.10001");
    CHECK(format_micros(std::numeric_limits<std::int64_t>::max()) == "9223372036854.775807");
    CHECK(format_micros(std::numeric_limits<std::int64_t>::min()) == "-9223372036854.775808");
}

TEST_CASE("format_count_micros", "[micros]") {
    CHECK(format_count_micros(7'250'000'000) == "7250");
    CHECK(format_count_micros(0) == "0");
    CHECK(format_count_micros(-3'000'000) == "-3");
    CHECK(format_count_micros(7'250'500'000) == "7250.5");
    CHECK(format_count_micros(1) == "0.000001");
}

TEST_CASE("format_day", "[micros]") {
    CHECK(format_day(kT) == "2026-11-27");
    CHECK(format_day(0) == "1970-01-01");
    CHECK(format_day(-1) == "1969-12-31");
    CHECK(format_day(*rfc3339_to_micros("2024-02-29T23:59:59.999999Z")) == "2024-02-29");
    CHECK(format_day(*rfc3339_to_micros("2024-03-01T00:00:00Z")) == "2024-03-01");
}
