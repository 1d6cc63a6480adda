// SPEC §3.4: NONCRITICAL_LOAD, LARGE_LOAD, WARNING_IGNORED, peaks and the overload block.
#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine.h"
#include "overload.h"
#include "window.h"

using namespace b24;

namespace {

constexpr std::int64_t S = 1'000'000;

OverloadHit at(std::int64_t t, std::int64_t cost = 0, std::int64_t refused = 0) {
    OverloadHit h;
    h.t_us = t;
    h.cost_us = cost;
    h.refused = refused;
    h.capacity = 50;
    h.drain = 2;
    return h;
}

const Finding* find(const OverloadTracker& o, std::string_view code) {
    for (const auto& f : o.findings())
        if (f.code == code) return &f;
    return nullptr;
}

struct Replay {
    SymbolTable sym;
    Rules rules;
    std::unique_ptr<Engine> engine;

    Hit hit(std::int64_t t, std::int64_t cost, const std::string& method = "crm.deal.get") {
        Hit h;
        h.t_us = t;
        h.portal = sym.intern("acme.bitrix24.com");
        h.integration = sym.intern("app:heavy");
        h.kind = IntegrationKind::App;
        h.ip = sym.intern("10.0.0.1");
        h.method = sym.intern(method);
        h.cost_us = cost;
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

TEST_CASE("overload: NONCRITICAL_LOAD at exactly cost(3600 s) = 3600 s, not 1 µs below",
          "[overload]") {
    const Rules rules;
    // 600 s of cost every 600 s: never more than one of them in a 600 s block window.
    for (const std::int64_t last : {600 * S, 600 * S - 1}) {
        OverloadTracker o;
        for (int i = 0; i < 5; ++i) CHECK(o.add(rules, at(i * 600 * S, 600 * S)) == 0);
        const std::size_t n = o.add(rules, at(3000 * S, last));
        const Finding* f = find(o, "NONCRITICAL_LOAD");
        if (last == 600 * S) {
            CHECK(n == 1);
            REQUIRE(f != nullptr);
            CHECK(f->level == Level::Warn);
            CHECK(f->at_us == 3000 * S);
            CHECK(f->metric == "cost");
            CHECK(f->window_us == 3600 * S);
            CHECK(f->value == 3600 * S);
            CHECK(f->threshold == 3600 * S);
            CHECK(f->peak == 3600 * S);
            CHECK(o.verdict() == Level::Warn);
            CHECK_FALSE(o.blocked());
        } else {
            CHECK(n == 0);
            CHECK(f == nullptr);
            CHECK(o.verdict() == Level::Ok);
        }
    }
}

TEST_CASE("overload: hits(3600 s) > Y·3600 + X, i.e. 7251 hits, not 7250", "[overload]") {
    const Rules rules;
    OverloadTracker o;
    // 2.5 hits a second for 2900 s: all inside one hour.
    for (int i = 0; i < 7250; ++i) o.add(rules, at(std::int64_t{i} * 400'000));
    CHECK(o.findings().empty());
    o.add(rules, at(std::int64_t{7250} * 400'000));
    const Finding* f = find(o, "NONCRITICAL_LOAD");
    REQUIRE(f != nullptr);
    CHECK(f->metric == "hits");
    CHECK(f->value == 7251 * S);
    CHECK(f->threshold == 7250 * S);
    CHECK(f->window_us == 3600 * S);
}

TEST_CASE("overload: the hits threshold is exact in integers", "[overload]") {
    CHECK(hits_threshold_micro(100, 2, 3600 * S, 50) == 7250 * S);
    CHECK(hits_threshold_micro(33, 2, 3600 * S, 50) == 2'392'500'000);  // 2392.5 hits
    CHECK(hits_threshold_micro(33, 1, 1, 1) == 330'000);  // 0.33000033 rounds down
    CHECK_FALSE(hits_exceed(2392, 33, 2, 3600 * S, 50));
    CHECK(hits_exceed(2393, 33, 2, 3600 * S, 50));
    CHECK_FALSE(hits_exceed(0, 50, 1, S, 0));  // 0.5 hits
    CHECK(hits_exceed(1, 50, 1, S, 0));
    // Nothing overflows for absurd settings.
    CHECK_FALSE(hits_exceed(INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX));
    CHECK(hits_threshold_micro(INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX) == INT64_MAX);
}

TEST_CASE("overload: hits_exceed_max is the last count hits_exceed lets through", "[overload]") {
    const auto agrees = [](std::int64_t pct, std::int64_t drain, std::int64_t w, std::int64_t x) {
        const std::int64_t max = hits_exceed_max(pct, drain, w, x);
        if (max == INT64_MAX) return !hits_exceed(INT64_MAX, pct, drain, w, x);
        return !hits_exceed(max, pct, drain, w, x) && hits_exceed(max + 1, pct, drain, w, x);
    };
    CHECK(hits_exceed_max(100, 2, 3600 * S, 50) == 7250);
    CHECK(hits_exceed_max(33, 2, 3600 * S, 50) == 2392);  // 2392.5 hits
    CHECK(hits_exceed_max(50, 1, S, 0) == 0);             // 0.5 hits: one hit is over
    CHECK(hits_exceed_max(0, 2, 3600 * S, 50) == 0);
    CHECK(agrees(100, 2, 3600 * S, 50));
    CHECK(agrees(33, 2, 3600 * S, 50));
    CHECK(agrees(33, 1, 1, 1));
    CHECK(agrees(50, 1, S, 0));
    CHECK(agrees(100, 5, 3600 * S, 250));
    // Unrepresentable or beyond any count: nothing exceeds.
    CHECK(hits_exceed_max(INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX) == INT64_MAX);
    CHECK(hits_exceed_max(INT64_MAX, 1000, 3600 * S, 1) == INT64_MAX);  // 36·INT64_MAX hits
    CHECK(agrees(INT64_MAX, 1, S, 1));
}

TEST_CASE("overload: a precomputed warn_hits_max judges like X and Y alone", "[overload]") {
    const Rules rules;
    // 7251 hits in the hour cross Y·3600 + X = 7250; the second tracker is told the limit.
    OverloadTracker plain, told;
    for (std::int64_t i = 0; i < 7251; ++i) {
        OverloadHit h = at(i * (3599 * S / 7250));
        const std::size_t a = plain.add(rules, h);
        h.warn_hits_max = hits_exceed_max(100, 2, 3600 * S, 50);
        const std::size_t b = told.add(rules, h);
        REQUIRE(a == b);
    }
    REQUIRE(plain.findings().size() == 1);
    REQUIRE(told.findings().size() == 1);
    CHECK(told.findings()[0].at_us == plain.findings()[0].at_us);
    CHECK(told.findings()[0].metric == "hits");
    CHECK(told.findings()[0].value == 7251 * S);
}

TEST_CASE("overload: exactly Y hits a second for hours finds nothing", "[overload]") {
    Replay r;
    for (std::int64_t i = 0; i < 3 * 3600 * 2; ++i) r.add(r.hit(i * S / 2, 0));
    const Report rep = r.finish();
    REQUIRE(rep.integrations.size() == 1);
    CHECK(rep.integrations[0].findings.empty());
    CHECK(rep.integrations[0].verdict == Level::Ok);
    CHECK(rep.integrations[0].refused[0] == 0);
}

TEST_CASE("overload: LARGE_LOAD at exactly cost(600 s) = 1200 s, not 1 µs below",
          "[overload]") {
    const Rules rules;
    for (const std::int64_t second : {600 * S, 600 * S - 1}) {
        OverloadTracker o;
        o.add(rules, at(0, 600 * S));
        o.add(rules, at(599 * S, second));
        const Finding* f = find(o, "LARGE_LOAD");
        if (second == 600 * S) {
            REQUIRE(f != nullptr);
            CHECK(f->level == Level::Block);
            CHECK(f->metric == "cost");
            CHECK(f->window_us == 600 * S);
            CHECK(f->value == 1200 * S);
            CHECK(f->threshold == 1200 * S);
            CHECK(f->peak == 1200 * S);
            CHECK(o.blocked());
        } else {
            CHECK(f == nullptr);
            CHECK_FALSE(o.blocked());
        }
    }
    // The first cost leaves the window at exactly t - W.
    OverloadTracker o;
    o.add(rules, at(0, 600 * S));
    o.add(rules, at(600 * S, 600 * S));
    CHECK_FALSE(o.blocked());
}

TEST_CASE("overload: LARGE_LOAD at 600 refusals in 600 s, not 599", "[overload]") {
    const Rules rules;
    OverloadTracker o;
    for (int i = 0; i < 599; ++i) o.add(rules, at(i * S, 0, 1));
    CHECK_FALSE(o.blocked());
    o.add(rules, at(599 * S, 0, 1));
    const Finding* f = find(o, "LARGE_LOAD");
    REQUIRE(f != nullptr);
    CHECK(f->metric == "refused");
    CHECK(f->value == 600 * S);
    CHECK(f->threshold == 600 * S);
    CHECK(o.blocked());
}

TEST_CASE("overload: the cost part wins when both parts hold", "[overload]") {
    const Rules rules;
    OverloadTracker o;
    o.add(rules, at(0, 1200 * S, 600));
    const Finding* f = find(o, "LARGE_LOAD");
    REQUIRE(f != nullptr);
    CHECK(f->metric == "cost");
}

TEST_CASE("overload: a block takes effect from the next hit, even at the same µs",
          "[overload]") {
    Replay r;
    r.add(r.hit(0, 1200 * S));  // LARGE_LOAD; this hit itself executed
    r.add(r.hit(0, 5 * S));
    r.add(r.hit(100 * 3600 * S, 5 * S));
    const Report rep = r.finish();
    REQUIRE(rep.integrations.size() == 1);
    const IntegrationReport& i = rep.integrations[0];
    CHECK(i.verdict == Level::Block);
    CHECK(i.hits == 3);
    CHECK(i.executed == 1);
    CHECK(i.cost_us == 1200 * S);
    CHECK(i.refused[static_cast<std::size_t>(Refusal::Overload)] == 2);
    REQUIRE(i.findings.size() == 1);
    CHECK(i.findings[0].code == "LARGE_LOAD");
    // Refused by 3.1, the later hits touched no bucket and no method.
    REQUIRE(rep.buckets.size() == 1);
    CHECK(rep.buckets[0].hits == 1);
    REQUIRE(rep.methods.size() == 1);
    CHECK(rep.methods[0].hits == 1);
    REQUIRE(i.top_methods.size() == 1);
    CHECK(i.top_methods[0].hits == 3);  // but they were sent
}

TEST_CASE("overload: WARNING_IGNORED at exactly t_w + grace, not 1 µs before", "[overload]") {
    const Rules rules;  // grace 86 400 s
    OverloadTracker o;
    // 600 s of cost every 600 s: warned at 3000 s, and the warn condition holds from then on.
    std::int64_t t = 0;
    for (; t <= 3000 * S; t += 600 * S) o.add(rules, at(t, 600 * S));
    const Finding* warn = find(o, "NONCRITICAL_LOAD");
    REQUIRE(warn != nullptr);
    const std::int64_t t_w = warn->at_us;
    CHECK(t_w == 3000 * S);
    const std::int64_t due = t_w + rules.grace_us;
    for (; t < due; t += 600 * S) o.add(rules, at(t, 600 * S));
    CHECK(t == due);
    o.add(rules, at(due - 1, 0));  // the warn condition holds here, one µs too early
    CHECK(find(o, "WARNING_IGNORED") == nullptr);
    CHECK_FALSE(o.blocked());
    o.add(rules, at(due, 600 * S));
    const Finding* f = find(o, "WARNING_IGNORED");
    REQUIRE(f != nullptr);
    CHECK(f->level == Level::Block);
    CHECK(f->at_us == due);
    CHECK(f->metric == "cost");
    CHECK(f->window_us == 3600 * S);
    CHECK(f->value == 3600 * S);
    CHECK(f->threshold == 3600 * S);
    CHECK(o.blocked());
    CHECK(o.verdict() == Level::Block);
}

TEST_CASE("overload: WARNING_IGNORED needs the warn condition to hold again", "[overload]") {
    Rules rules;
    rules.grace_us = 100 * S;
    rules.block.cost_us = 100'000 * S;  // no LARGE_LOAD here
    OverloadTracker o;
    o.add(rules, at(0, 1800 * S));
    o.add(rules, at(600 * S, 1800 * S));  // warned at 600 s
    REQUIRE(find(o, "NONCRITICAL_LOAD") != nullptr);
    o.add(rules, at(4200 * S, 0));  // past the grace, but the hour (600 s, 4200 s] is empty
    CHECK(find(o, "WARNING_IGNORED") == nullptr);
    o.add(rules, at(4201 * S, 3600 * S));
    const Finding* f = find(o, "WARNING_IGNORED");
    REQUIRE(f != nullptr);
    CHECK(f->value == 3600 * S);
}

TEST_CASE("overload: with grace 0 one hit records NONCRITICAL_LOAD and WARNING_IGNORED",
          "[overload]") {
    Rules rules;
    rules.grace_us = 0;
    OverloadTracker o;
    for (int i = 0; i < 7250; ++i) CHECK(o.add(rules, at(std::int64_t{i} * 400'000)) == 0);
    CHECK(o.add(rules, at(std::int64_t{7250} * 400'000)) == 2);
    REQUIRE(o.findings().size() == 2);
    CHECK(o.findings()[0].code == "NONCRITICAL_LOAD");
    CHECK(o.findings()[1].code == "WARNING_IGNORED");
    CHECK(o.findings()[1].metric == "hits");
    CHECK(o.findings()[1].threshold == 7250 * S);
    CHECK(o.blocked());
}

TEST_CASE("overload: peaks follow the metric until the block, the blocking hit included",
          "[overload]") {
    Replay r;
    // Each hit its own method, so no method reaches its operating-time limit first.
    // Warned on cost at 3000 s (3600 s in the hour).
    for (std::int64_t i = 0; i <= 5; ++i) r.add(r.hit(i * 600 * S, 600 * S, "m" + std::to_string(i)));
    r.add(r.hit(3300 * S, 400 * S, "m6"));  // the hour holds 4000 s
    r.add(r.hit(3600 * S, 100 * S, "m7"));  // 0 s has left: 3500 s, below the peak
    // This one blocks: 400 + 100 + 700 = 1200 s in 600 s; the hour holds 4200 s.
    r.add(r.hit(3601 * S, 700 * S, "m8"));
    r.add(r.hit(3602 * S, 1000 * S, "m9"));  // refused OVERLOAD_LIMIT: no peak any more
    const Report rep = r.finish();
    REQUIRE(rep.integrations.size() == 1);
    const auto& fs = rep.integrations[0].findings;
    REQUIRE(fs.size() == 2);
    CHECK(fs[0].code == "NONCRITICAL_LOAD");
    CHECK(fs[0].value == 3600 * S);
    CHECK(fs[0].peak == 4200 * S);
    CHECK(fs[1].code == "LARGE_LOAD");
    CHECK(fs[1].at_us == 3601 * S);
    CHECK(fs[1].value == 1200 * S);
    CHECK(fs[1].peak == 1200 * S);
    CHECK(rep.integrations[0].refused[static_cast<std::size_t>(Refusal::Overload)] == 1);
}

TEST_CASE("overload: a hits peak is in micro-hits", "[overload]") {
    const Rules rules;
    OverloadTracker o;
    for (int i = 0; i < 7300; ++i) o.add(rules, at(std::int64_t{i} * 400'000));
    const Finding* f = find(o, "NONCRITICAL_LOAD");
    REQUIRE(f != nullptr);
    CHECK(f->value == 7251 * S);
    CHECK(f->peak == 7300 * S);
}

TEST_CASE("overload: its two windows agree with plain lists through growth and shrinking",
          "[overload]") {
    DualWindow w;
    struct E {
        std::int64_t t;
        Sums3 v;
    };
    std::vector<E> plain;
    std::uint64_t seed = 99;
    const auto next = [&seed](std::uint64_t n) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::int64_t>((seed >> 33) % n);
    };
    std::int64_t t = 0;
    // Either window may be the longer one.
    for (const auto& [w0, w1] : {std::pair<std::int64_t, std::int64_t>{3600, 600}, {500, 2000}}) {
        for (int i = 0; i < 12000; ++i) {
            const bool dense = (i / 1500) % 2 == 0;
            t += dense ? next(3) : next(700);
            const Sums3 v{next(4), 1, next(2)};
            w.add(t, v);
            w.evict(t, w0, w1);
            plain.push_back({t, v});
            Sums3 s0, s1;
            std::vector<E> kept;
            for (const auto& e : plain) {
                if (e.t > t - w0) s0 += e.v;
                if (e.t > t - w1) s1 += e.v;
                if (e.t > t - std::max(w0, w1)) kept.push_back(e);
            }
            plain.swap(kept);
            REQUIRE(w.sum(0).cost == s0.cost);
            REQUIRE(w.sum(0).hits == s0.hits);
            REQUIRE(w.sum(0).refused == s0.refused);
            REQUIRE(w.sum(1).cost == s1.cost);
            REQUIRE(w.sum(1).hits == s1.hits);
            REQUIRE(w.sum(1).refused == s1.refused);
        }
        CHECK(w.capacity() <= 16);  // a sparse phase last: memory follows the window
        t += 1'000'000;             // the next pair of widths starts afresh
        w.evict(t, w0, w1);
        CHECK(w.size() == 0);
        plain.clear();
    }
}

TEST_CASE("overload: the quiet fast path changes nothing judge() would not", "[overload]") {
    // Two trackers see the same hits; only one is told warn_hits_max, which lets add() skip
    // judging hits that cannot record or update anything. Lowered thresholds make every
    // finding happen somewhere in these random series; both must agree at every hit.
    Rules rules;
    rules.warn.cost_us = 900 * S;
    rules.block.cost_us = 700 * S;
    rules.block.refused = 40;
    rules.grace_us = 1800 * S;
    std::uint64_t x = 7;
    const auto next = [&x](std::uint64_t n) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::int64_t>((x >> 33) % n);
    };
    std::set<std::string> codes;
    for (int series = 0; series < 60; ++series) {
        OverloadTracker plain, told;
        std::int64_t t = 0;
        // Each series its pace (ms between hits, on average), share of costly hits and of
        // refused ones: many hits, costly ones, refused ones, or any mix.
        std::int64_t pace = 100 + next(3000), costly = 1 + next(400), refused = 2 + next(200);
        if (series % 4 == 0) pace = 300, costly = refused = 1'000'000;
        if (series % 4 == 1) pace = 1000 + next(2000), costly = 3, refused = 1'000'000;
        if (series % 4 == 2) pace = 200, costly = 1'000'000, refused = 3;
        bool agree = true;
        for (int i = 0; i < 16000 && !plain.blocked(); ++i) {
            t += next(2 * pace) * 1000;
            OverloadHit h = at(t, next(costly) == 0 ? next(20) * S : 0, next(refused) == 0);
            h.polling = next(200) == 0;
            h.poll_m = h.poll_max_m = 300 * S + next(10) * S;
            h.poll_method = "crm.deal.list";
            const std::size_t a = plain.add(rules, h);
            h.warn_hits_max = hits_exceed_max(rules.warn.hits_pct_of_bucket, h.drain,
                                              rules.warn.window_us, h.capacity);
            const std::size_t b = told.add(rules, h);
            agree = agree && a == b && plain.blocked() == told.blocked();
        }
        REQUIRE(agree);
        REQUIRE(plain.findings().size() == told.findings().size());
        for (std::size_t k = 0; k < plain.findings().size(); ++k) {
            const Finding& p = plain.findings()[k];
            const Finding& q = told.findings()[k];
            CHECK(p.code == q.code);
            CHECK(p.at_us == q.at_us);
            CHECK(p.metric == q.metric);
            CHECK(p.value == q.value);
            CHECK(p.threshold == q.threshold);
            CHECK(p.peak == q.peak);
            codes.insert(p.code + "/" + p.metric);
        }
    }
    // The series reach every finding, by every metric but the rarest.
    CHECK(codes.count("NONCRITICAL_LOAD/cost") == 1);
    CHECK(codes.count("NONCRITICAL_LOAD/hits") == 1);
    CHECK(codes.count("LARGE_LOAD/cost") == 1);
    CHECK(codes.count("LARGE_LOAD/refused") == 1);
    CHECK(codes.count("WARNING_IGNORED/cost") + codes.count("WARNING_IGNORED/hits") >= 1);
    CHECK(codes.count("POLLING/period") == 1);
}
