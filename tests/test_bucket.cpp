// SPEC §3.2: the leaky bucket of (portal, ip), in micro-hits.
#include <catch2/catch.hpp>

#include <memory>
#include <string_view>
#include <vector>

#include "bucket.h"
#include "engine.h"

using namespace b24;

namespace {

constexpr std::int64_t S = 1'000'000;  // one second in µs; also one hit in micro-hits

struct Replay {
    SymbolTable sym;
    Rules rules;
    std::unique_ptr<Engine> engine;

    Hit hit(std::int64_t t, std::string_view integration, std::string_view ip = "",
            std::string_view portal = "acme.bitrix24.com") {
        Hit h;
        h.t_us = t;
        h.portal = sym.intern(portal);
        h.integration = sym.intern(integration);
        h.kind = IntegrationKind::App;
        h.ip = ip.empty() ? kNoSym : sym.intern(ip);
        h.method = sym.intern("crm.deal.get");
        h.cost_us = 0;
        return h;
    }
    void add(const Hit& h) {
        if (!engine) engine = std::make_unique<Engine>(rules, sym);
        engine->add(h);
    }
    Report finish() {
        Report r;
        engine->finish(r);
        return r;
    }
};

}  // namespace

TEST_CASE("bucket: 50 hits at one instant pass, the 51st is refused", "[bucket]") {
    LeakyBucket b;
    for (int i = 0; i < 50; ++i) REQUIRE(b.admit(1000, 50, 2));
    CHECK(b.level == 50 * S);
    CHECK_FALSE(b.admit(1000, 50, 2));
    CHECK(b.level == 50 * S);  // a refused hit leaves L unchanged
    CHECK_FALSE(b.admit(1000, 50, 2));
    CHECK(b.level == 50 * S);
    // Half a second drains exactly one hit (Y = 2): room for one more, not two.
    CHECK(b.admit(1000 + S / 2, 50, 2));
    CHECK_FALSE(b.admit(1000 + S / 2, 50, 2));
    // One µs short of the next half second is 1.999998 micro-hits short: still full.
    CHECK_FALSE(b.admit(1000 + S - 1, 50, 2));
    CHECK(b.level == 50 * S - 2 * (S / 2 - 1));
}

TEST_CASE("bucket: a loop at 3.4 hits/s is first refused at its 121st hit", "[bucket]") {
    // Hit k at floor(k / 3.4 s) µs. Each hit adds 1 and the 0.294 s gap drains 0.588:
    // the level after hit k (k >= 1) is 1 + k·0.41176…, so hit 120 (0-based) is the first
    // to find L + 1 > 50 (L = 49.411766 then).
    LeakyBucket b;
    int first_refused = -1;
    for (int k = 0; k < 1000 && first_refused < 0; ++k) {
        const std::int64_t t = std::int64_t{k} * 10'000'000 / 34;
        if (!b.admit(t, 50, 2)) first_refused = k;
    }
    CHECK(first_refused == 120);
    CHECK(b.level == 49'411'766);
}

TEST_CASE("bucket: 2 hits/s, the documented safe rate, is never refused", "[bucket]") {
    LeakyBucket b;
    // Even right after a full burst of 50, exactly Y per second keeps passing.
    for (int i = 0; i < 50; ++i) REQUIRE(b.admit(0, 50, 2));
    bool all = true;
    for (std::int64_t i = 1; i <= 4 * 3600 * 2; ++i) all = all && b.admit(i * S / 2, 50, 2);
    CHECK(all);
    CHECK(b.level == 50 * S);
}

TEST_CASE("bucket: an idle bucket drains to 0, not below", "[bucket]") {
    LeakyBucket b;
    for (int i = 0; i < 50; ++i) REQUIRE(b.admit(0, 50, 2));
    CHECK(b.admit(100 * S, 50, 2));  // 100 s drain 200 hits: empty, then this one
    CHECK(b.level == S);
    // A huge gap and a huge drain do not overflow.
    CHECK(b.admit(INT64_MAX / 2, 50, INT64_MAX / 4));
    CHECK(b.level == S);
}

TEST_CASE("bucket: enterprise 250/5 via the hit's plan and via the rules' portal map",
          "[bucket]") {
    Replay r;
    r.rules.portals["big.bitrix24.com"] = "enterprise";
    const auto enterprise = static_cast<std::int16_t>(r.rules.plan_index("enterprise"));
    for (int i = 0; i < 251; ++i) {
        Hit h = r.hit(0, "app:a", "10.0.0.1", "named.bitrix24.com");
        h.plan = enterprise;
        r.add(h);
        r.add(r.hit(0, "app:a", "10.0.0.1", "big.bitrix24.com"));
        r.add(r.hit(0, "app:a", "10.0.0.1", "small.bitrix24.com"));
    }
    // Drain 5/s: a fifth of a second later there is room for exactly one more.
    r.add(r.hit(S / 5, "app:a", "10.0.0.1", "big.bitrix24.com"));
    r.add(r.hit(S / 5, "app:a", "10.0.0.1", "big.bitrix24.com"));
    const Report rep = r.finish();
    REQUIRE(rep.buckets.size() == 3);
    CHECK(rep.buckets[0].portal == "big.bitrix24.com");
    CHECK(rep.buckets[0].plan == "enterprise");
    CHECK(rep.buckets[0].hits == 253);
    CHECK(rep.buckets[0].refused == 2);
    CHECK(rep.buckets[0].peak_level == 250 * S);
    CHECK(rep.buckets[1].portal == "named.bitrix24.com");
    CHECK(rep.buckets[1].plan == "enterprise");
    CHECK(rep.buckets[1].refused == 1);
    CHECK(rep.buckets[2].portal == "small.bitrix24.com");
    CHECK(rep.buckets[2].plan == "standard");
    CHECK(rep.buckets[2].refused == 201);
    CHECK(rep.buckets[2].peak_level == 50 * S);
}

TEST_CASE("bucket: apps behind one IP share it, separate IPs do not", "[bucket]") {
    Replay r;
    for (int i = 0; i < 30; ++i) r.add(r.hit(0, "app:a", "10.0.0.1"));
    for (int i = 0; i < 30; ++i) r.add(r.hit(0, "app:b", "10.0.0.1"));
    for (int i = 0; i < 30; ++i) r.add(r.hit(0, "app:c", "10.0.0.2"));
    for (int i = 0; i < 30; ++i) r.add(r.hit(0, "app:d", "10.0.0.3"));
    const Report rep = r.finish();
    REQUIRE(rep.buckets.size() == 3);
    CHECK(rep.buckets[0].key == "10.0.0.1");
    CHECK(rep.buckets[0].hits == 60);
    CHECK(rep.buckets[0].refused == 10);
    CHECK(rep.buckets[1].refused == 0);
    CHECK(rep.buckets[2].refused == 0);
    REQUIRE(rep.integrations.size() == 4);
    CHECK(rep.integrations[0].refused[0] == 0);   // app:a came first
    CHECK(rep.integrations[1].refused[0] == 10);  // app:b found the bucket at 30
    CHECK(rep.integrations[1].hits == 30);
    CHECK(rep.integrations[1].executed == 20);
}

TEST_CASE("bucket: a hit without an ip keys the bucket by integration", "[bucket]") {
    Replay r;
    for (int i = 0; i < 51; ++i) r.add(r.hit(0, "app:a"));
    for (int i = 0; i < 51; ++i) r.add(r.hit(0, "webhook:1/3fa9c2"));
    const Report rep = r.finish();
    REQUIRE(rep.buckets.size() == 2);
    CHECK(rep.buckets[0].key == "app:a");
    CHECK(rep.buckets[0].refused == 1);
    CHECK(rep.buckets[1].key == "webhook:1/3fa9c2");
    CHECK(rep.buckets[1].refused == 1);
}

TEST_CASE("bucket: it reports the plan of its first hit", "[bucket]") {
    Replay r;
    Hit h = r.hit(0, "app:a", "10.0.0.1");
    r.add(h);
    h.plan = static_cast<std::int16_t>(r.rules.plan_index("enterprise"));
    for (int i = 0; i < 100; ++i) r.add(h);  // counted against X = 250 of its own plan
    const Report rep = r.finish();
    REQUIRE(rep.buckets.size() == 1);
    CHECK(rep.buckets[0].plan == "standard");
    CHECK(rep.buckets[0].refused == 0);
    CHECK(rep.buckets[0].peak_level == 101 * S);
}

TEST_CASE("bucket: the drain empties it exactly when Y·dt reaches the level, or overflows",
          "[bucket]") {
    LeakyBucket b;
    for (int i = 0; i < 3; ++i) REQUIRE(b.admit(0, 50, 2));  // level 3 hits
    CHECK(b.admit(S, 50, 2));                            // drains 2: 1 left, then + 1
    CHECK(b.level == 2 * S);
    CHECK(b.admit(2 * S, 50, 2));  // Y·dt = 2 hits = the level: empty, then + 1
    CHECK(b.level == S);
    CHECK(b.admit(2 * S + 1, 50, 2));  // 2 micro-hits drained
    CHECK(b.level == 2 * S - 2);
    CHECK(b.admit(INT64_MAX, 50, INT64_MAX / 2));  // Y·dt overflows: empty, then + 1
    CHECK(b.level == S);
}

TEST_CASE("bucket: slot and hit_at are hit() in two steps", "[bucket]") {
    BucketTable one, two;
    const PlanLimits limits{"standard", 50, 2};
    const std::uint32_t a = two.slot(0, 1, 0);
    const std::uint32_t b = two.slot(0, 2, 1);
    CHECK(a != b);
    CHECK(two.slot(0, 1, 1) == a);  // found again: the plan of its first hit stays
    for (int i = 0; i < 60; ++i) {
        const std::int64_t t = i * S / 100;  // faster than the drain: the last ones are refused
        CHECK(one.hit(0, 1, 0, limits, t) == two.hit_at(a, t, 50, 2));
        CHECK(one.hit(0, 2, 1, limits, t) == two.hit_at(b, t, 50, 2));
    }
    SymbolTable sym;
    sym.intern("p");
    sym.intern("k1");
    sym.intern("k2");
    const Rules rules;
    std::vector<BucketReport> r1, r2;
    one.report(sym, rules, r1);
    two.report(sym, rules, r2);
    REQUIRE(r1.size() == 2);
    REQUIRE(r2.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(r1[i].key == r2[i].key);
        CHECK(r1[i].plan == r2[i].plan);
        CHECK(r1[i].hits == r2[i].hits);
        CHECK(r1[i].refused == r2[i].refused);
        CHECK(r1[i].peak_level == r2[i].peak_level);
    }
    CHECK(r2[1].plan == "enterprise");
}

TEST_CASE("bucket: an integration moving between IPs keeps each IP's bucket", "[bucket]") {
    Replay r;
    // app:a alternates two IPs, app:b shares the first: the engine's per-integration cache
    // of the last bucket must follow every change.
    for (int i = 0; i < 40; ++i) {
        r.add(r.hit(0, "app:a", i % 2 ? "10.0.0.2" : "10.0.0.1"));
        r.add(r.hit(0, "app:b", "10.0.0.1"));
    }
    const Report rep = r.finish();
    REQUIRE(rep.buckets.size() == 2);
    CHECK(rep.buckets[0].key == "10.0.0.1");
    CHECK(rep.buckets[0].hits == 60);
    CHECK(rep.buckets[0].refused == 10);
    CHECK(rep.buckets[1].key == "10.0.0.2");
    CHECK(rep.buckets[1].hits == 20);
    CHECK(rep.buckets[1].refused == 0);
}
