#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "hit_ring.h"

using namespace b24;

// The ring against a stable sort by time: pushes and pops interleaved, so the ring wraps
// around and grows while out-of-order hits are settled across the wrap.
TEST_CASE("hit ring: settled hits come out in (t, line) order across wrap and growth", "[hit_ring]") {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 20; ++round) {
        HitRing ring;
        std::vector<Hit> model;  // what is in the ring, in order
        std::uint64_t line = 0;
        for (int step = 0; step < 2000; ++step) {
            if (!ring.empty() && rng() % 3 == 0) {
                REQUIRE(ring.front().t_us == model.front().t_us);
                REQUIRE(ring.front().place.line == model.front().place.line);
                ring.pop_front();
                model.erase(model.begin());
                continue;
            }
            Hit& h = ring.push_back();
            h.t_us = static_cast<std::int64_t>(rng() % 50);
            h.place.line = ++line;
            h.cmds.assign(rng() % 3, Sym{1});
            Hit copy = h;
            ring.settle_back();
            model.insert(std::upper_bound(model.begin(), model.end(), copy.t_us,
                                          [](std::int64_t t, const Hit& x) { return t < x.t_us; }),
                         copy);
            REQUIRE(ring.size() == model.size());
        }
        while (!ring.empty()) {
            REQUIRE(ring.front().t_us == model.front().t_us);
            REQUIRE(ring.front().place.line == model.front().place.line);
            REQUIRE(ring.front().cmds == model.front().cmds);
            ring.pop_front();
            model.erase(model.begin());
        }
        REQUIRE(model.empty());
    }
}

TEST_CASE("hit ring: a dropped last slot leaves the others as they were", "[hit_ring]") {
    HitRing ring;
    for (int i = 0; i < 100; ++i) ring.push_back().t_us = i;
    ring.push_back().t_us = -5;
    ring.pop_back();
    for (int i = 0; i < 100; ++i) {
        REQUIRE(ring.front().t_us == i);
        ring.pop_front();
    }
    REQUIRE(ring.empty());
}
