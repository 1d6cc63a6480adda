#include <catch2/catch.hpp>

#include <string>

#include "slot_cache.h"

using namespace b24;

TEST_CASE("same_bytes: a difference at any place of any length is found", "[slot_cache]") {
    for (std::size_t n = 0; n <= 80; ++n) {
        const std::string a(n, 'x');
        std::string b = a;
        REQUIRE(same_bytes(a.data(), b.data(), n));
        for (std::size_t i = 0; i < n; ++i) {
            b[i] = 'y';
            INFO("length " << n << ", byte " << i);
            REQUIRE_FALSE(same_bytes(a.data(), b.data(), n));
            b[i] = 'x';
        }
    }
}

TEST_CASE("PairCache: two ids to a text, forgotten together", "[slot_cache]") {
    PairCache cache(16);
    const std::size_t set = cache.set_of("acme 10.0.0.1");
    CHECK(cache.find(set, "acme 10.0.0.1") == kNoPair);
    cache.put(set, "acme 10.0.0.1", sym_pair(kNoSym, 7));
    CHECK(cache.find_last("acme 10.0.0.1") == sym_pair(kNoSym, 7));
    CHECK(pair_first(cache.find(set, "acme 10.0.0.1")) == kNoSym);
    CHECK(pair_second(cache.find(set, "acme 10.0.0.1")) == 7);
    CHECK(cache.find_last("acme 10.0.0.2") == kNoPair);
    cache.clear();
    CHECK(cache.find(set, "acme 10.0.0.1") == kNoPair);
}
