#include <catch2/catch.hpp>

#include "micros.h"

using b24::clf_time_to_micros;

TEST_CASE("clf_time: nginx $time_local to UTC microseconds", "[clf_time]") {
    CHECK(clf_time_to_micros("27/Nov/2026:07:26:32 +0000") == 1795764392000000);
    // the same instant written in other zones
    CHECK(clf_time_to_micros("27/Nov/2026:10:26:32 +0300") == 1795764392000000);
    CHECK(clf_time_to_micros("26/Nov/2026:23:26:32 -0800") == 1795764392000000);
    CHECK(clf_time_to_micros("27/Nov/2026:12:56:32 +0530") == 1795764392000000);
    CHECK(clf_time_to_micros("01/Jan/1970:00:00:00 +0000") == 0);
    CHECK(clf_time_to_micros("31/Dec/1969:23:59:59 +0000") == -1000000);
    CHECK(clf_time_to_micros("29/Feb/2024:00:00:00 +0000") == 1709164800000000);
    CHECK(clf_time_to_micros("27/nov/2026:07:26:32 +0000") == 1795764392000000);
}

TEST_CASE("clf_time: fractions of seconds round half away from zero", "[clf_time]") {
    CHECK(clf_time_to_micros("27/Nov/2026:07:26:32.123 +0000") == 1795764392123000);
    CHECK(clf_time_to_micros("27/Nov/2026:07:26:32.1234565 +0000") == 1795764392123457);
    CHECK(clf_time_to_micros("27/Nov/2026:07:26:32.1234564 +0000") == 1795764392123456);
    CHECK(clf_time_to_micros("27/Nov/2026:07:26:32.9999995 +0000") == 1795764393000000);
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:07:26:32. +0000"));
}

TEST_CASE("clf_time: second 60 is the next minute's second 0", "[clf_time]") {
    CHECK(clf_time_to_micros("31/Dec/2016:23:59:60 +0000") ==
          clf_time_to_micros("01/Jan/2017:00:00:00 +0000"));
}

TEST_CASE("clf_time: invalid fields are refused", "[clf_time]") {
    CHECK_FALSE(clf_time_to_micros(""));
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:07:26:32"));         // no zone
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:07:26:32 +000"));    // short zone
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:07:26:32 +00000"));  // trailing byte
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:07:26:32 0000"));    // no sign
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:07:26:32 +2400"));
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:07:26:32 +0060"));
    CHECK_FALSE(clf_time_to_micros("27/Foo/2026:07:26:32 +0000"));
    CHECK_FALSE(clf_time_to_micros("00/Nov/2026:07:26:32 +0000"));
    CHECK_FALSE(clf_time_to_micros("31/Nov/2026:07:26:32 +0000"));
    CHECK_FALSE(clf_time_to_micros("29/Feb/2100:00:00:00 +0000"));   // not a leap year
    CHECK(clf_time_to_micros("29/Feb/2000:00:00:00 +0000"));         // but 2000 is
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:24:00:00 +0000"));
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:07:60:00 +0000"));
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026:07:26:61 +0000"));
    CHECK_FALSE(clf_time_to_micros("7/Nov/2026:07:26:32 +0000"));
    CHECK_FALSE(clf_time_to_micros("27-Nov-2026:07:26:32 +0000"));
    CHECK_FALSE(clf_time_to_micros("27/Nov/2026 07:26:32 +0000"));
    CHECK_FALSE(clf_time_to_micros("27/Nov/20x6:07:26:32 +0000"));
}
