// SPEC §3.4 POLLING: bursts per (integration, method), steady periods, median, tolerance.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <memory>
#include <string_view>
#include <vector>

#include "engine.h"
#include "polling.h"

using namespace b24;

namespace {

constexpr std::int64_t S = 1'000'000;

struct Replay {
    SymbolTable sym;
    Rules rules;
    std::unique_ptr<Engine> engine;

    Hit hit(std::int64_t t, std::string_view integration, std::string_view method,
            std::initializer_list<std::string_view> cmds = {}, std::string_view ip = "") {
        Hit h;
        h.t_us = t;
        h.portal = sym.intern("acme.bitrix24.com");
        h.integration = sym.intern(integration);
        h.kind = IntegrationKind::App;
        h.method = sym.intern(method);
        h.ip = ip.empty() ? kNoSym : sym.intern(ip);
        h.cost_us = 100'000;
        for (auto c : cmds) h.cmds.push_back(sym.intern(c));
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

// Starts separated by the given periods, from 0.
std::vector<std::int64_t> starts(std::initializer_list<std::int64_t> periods) {
    std::vector<std::int64_t> s{0};
    for (auto p : periods) s.push_back(s.back() + p);
    return s;
}

std::optional<std::int64_t> steady(const std::vector<std::int64_t>& s,
                                   const Rules::Polling& p = Rules::Polling{}) {
    std::vector<std::int64_t> scratch;
    return steady_period(s, p, scratch);
}

}  // namespace

TEST_CASE("polling: a five-minute sweep of crm.activity.list is found at its 8th burst",
          "[polling]") {
    Replay r;
    // Each sweep pages through the list: 5 hits 1 s apart, every 300 s.
    for (int sweep = 0; sweep < 12; ++sweep)
        for (int page = 0; page < 5; ++page)
            r.add(r.hit(sweep * 300 * S + page * S, "app:poller", "crm.activity.list"));
    const Report rep = r.finish();
    REQUIRE(rep.integrations.size() == 1);
    const IntegrationReport& i = rep.integrations[0];
    CHECK(i.verdict == Level::Notice);
    REQUIRE(i.findings.size() == 1);
    const Finding& f = i.findings[0];
    CHECK(f.code == "POLLING");
    CHECK(f.level == Level::Notice);
    CHECK(f.at_us == 7 * 300 * S);
    CHECK(f.metric == "period");
    CHECK(f.method == "crm.activity.list");
    CHECK(f.value == 300 * S);
    CHECK(f.window_us == 900 * S);
    CHECK(f.threshold == 900 * S);
    CHECK(f.peak == 300 * S);
    CHECK(rep.summary.notice == 1);
}

TEST_CASE("polling: seven bursts are not enough, irregular ones never qualify", "[polling]") {
    Replay r;
    for (int sweep = 0; sweep < 7; ++sweep) r.add(r.hit(sweep * 300 * S, "app:seven", "crm.activity.list"));
    const std::int64_t gaps[] = {300, 420, 180, 300, 510, 240, 300, 360, 200, 300, 450, 300};
    std::int64_t t = 0;
    for (auto g : gaps) r.add(r.hit(t += g * S, "app:irregular", "crm.activity.list"));
    const Report rep = r.finish();
    REQUIRE(rep.integrations.size() == 2);
    CHECK(rep.integrations[0].findings.empty());
    CHECK(rep.integrations[1].findings.empty());
}

TEST_CASE("polling: the tolerance edge, 100·|p − m| = 10·m holds, 1 µs more does not",
          "[polling]") {
    CHECK(steady(starts({300 * S, 300 * S, 330 * S, 300 * S, 270 * S, 300 * S, 300 * S})) ==
          300 * S);
    CHECK_FALSE(steady(starts({300 * S, 300 * S, 330 * S + 1, 300 * S, 300 * S, 300 * S, 300 * S})));
    CHECK_FALSE(steady(starts({300 * S, 300 * S, 270 * S - 1, 300 * S, 300 * S, 300 * S, 300 * S})));
    Rules::Polling strict;
    strict.tolerance_pct = 0;
    CHECK(steady(starts({7, 7, 7}), strict) == 7);
    CHECK_FALSE(steady(starts({7, 7, 8}), strict));
}

TEST_CASE("polling: a period above max_period_s does not qualify, max_period_s does",
          "[polling]") {
    CHECK(steady(starts({900 * S, 900 * S, 900 * S, 900 * S, 900 * S, 900 * S, 900 * S})) == 900 * S);
    CHECK_FALSE(steady(starts({900 * S + 1, 900 * S + 1, 900 * S + 1, 900 * S + 1, 900 * S + 1,
                               900 * S + 1, 900 * S + 1})));
}

TEST_CASE("polling: the median of an even count is the floor of the mean of the middle two",
          "[polling]") {
    CHECK(steady(starts({100, 104, 100, 103})) == 101);  // middle two 100 and 103
    CHECK(steady(starts({100, 103, 109})) == 103);       // odd: the middle one
    CHECK(steady(starts({110, 100})) == 105);
}

TEST_CASE("polling: bursts are split by gaps of more than burst_gap_s", "[polling]") {
    Rules::Polling p;
    p.bursts = 2;  // one period: any burst start after the first reports it
    PollingTable tr(p);
    CHECK_FALSE(tr.observe(0, 1, 0));
    CHECK_FALSE(tr.observe(0, 1, 60 * S));        // a gap of exactly 60 s continues the burst
    CHECK_FALSE(tr.observe(0, 1, 120 * S));
    CHECK(tr.observe(0, 1, 180 * S + 1) == 180 * S + 1);  // the next burst, from the first start
    CHECK_FALSE(tr.observe(0, 2, 180 * S + 1));  // another method has its own bursts
    CHECK(tr.observe(0, 2, 400 * S) == 400 * S - 180 * S - 1);
    CHECK_FALSE(tr.observe(7, 1, 400 * S));      // and so has another integration
    CHECK(tr.observe(0, 1, 400 * S) == 400 * S - 180 * S - 1);
}

TEST_CASE("polling: a batch touches each command's method, not batch", "[polling]") {
    Replay r;
    r.rules.polling.methods = {"*.list", "batch"};
    for (int sweep = 0; sweep < 8; ++sweep) {
        r.add(r.hit(sweep * 200 * S, "app:batcher", "batch", {"crm.deal.get", "crm.deal.list", "crm.contact.list"}));
        r.add(r.hit(sweep * 100 * S, "app:plain", "batch"));  // no cmd: counts as batch
    }
    const Report rep = r.finish();
    REQUIRE(rep.integrations.size() == 2);
    const auto& batcher = rep.integrations[0];
    REQUIRE(batcher.findings.size() == 1);
    CHECK(batcher.findings[0].method == "crm.deal.list");  // the first qualifying command
    CHECK(batcher.findings[0].value == 200 * S);
    const auto& plain = rep.integrations[1];
    REQUIRE(plain.findings.size() == 1);
    CHECK(plain.findings[0].method == "batch");
    CHECK(plain.findings[0].value == 100 * S);
}

TEST_CASE("polling: methods outside polling.methods are ignored", "[polling]") {
    Replay r;
    r.rules.polling.methods = {"crm.*.list"};
    for (int sweep = 0; sweep < 20; ++sweep) {
        r.add(r.hit(sweep * 300 * S, "app:a", "crm.deal.get"));
        r.add(r.hit(sweep * 300 * S, "app:a", "user.list"));
    }
    const Report rep = r.finish();
    CHECK(rep.integrations[0].findings.empty());
}

TEST_CASE("polling: refused hits still make bursts", "[polling]") {
    Replay r;
    // Each sweep, app:filler first fills the shared bucket of 10.0.0.1, so every hit of
    // app:poller is refused QUERY_LIMIT_EXCEEDED.
    for (int sweep = 0; sweep < 8; ++sweep) {
        const std::int64_t t = sweep * 300 * S;
        for (int i = 0; i < 50; ++i) r.add(r.hit(t, "app:filler", "crm.deal.get", {}, "10.0.0.1"));
        r.add(r.hit(t, "app:poller", "crm.activity.list", {}, "10.0.0.1"));
    }
    const Report rep = r.finish();
    REQUIRE(rep.integrations.size() == 2);
    const auto& poller = rep.integrations[1];
    CHECK(poller.integration == "app:poller");
    CHECK(poller.refused[static_cast<std::size_t>(Refusal::QueryLimit)] == 8);
    CHECK(poller.executed == 0);
    REQUIRE(poller.findings.size() == 1);
    CHECK(poller.findings[0].code == "POLLING");
    CHECK(rep.integrations[0].findings.empty());
}

TEST_CASE("polling: the peak is the highest m at later qualifying burst starts", "[polling]") {
    Replay r;
    std::int64_t t = 0;
    r.add(r.hit(t, "app:drift", "crm.activity.list"));
    for (int i = 0; i < 7; ++i) r.add(r.hit(t += 300 * S, "app:drift", "crm.activity.list"));
    // Slowing to 320 s: the median follows once four of the last seven periods are 320 s.
    for (int i = 0; i < 8; ++i) r.add(r.hit(t += 320 * S, "app:drift", "crm.activity.list"));
    const Report rep = r.finish();
    REQUIRE(rep.integrations[0].findings.size() == 1);
    const Finding& f = rep.integrations[0].findings[0];
    CHECK(f.at_us == 7 * 300 * S);
    CHECK(f.value == 300 * S);
    CHECK(f.peak == 320 * S);
}

TEST_CASE("polling: a pause longer than max_period_s starts the count again", "[polling]") {
    PollingTable tr(Rules::Polling{});
    std::int64_t t = 0;
    for (int i = 0; i < 6; ++i, t += 300 * S) CHECK_FALSE(tr.observe(0, 1, t));
    t += 1000 * S;  // more than max_period_s: this series cannot continue
    for (int i = 0; i < 7; ++i, t += 300 * S) CHECK_FALSE(tr.observe(0, 1, t));
    CHECK(tr.observe(0, 1, t) == 300 * S);  // the 8th start after the pause
    t += 300 * S;
    for (int i = 0; i < 30; ++i, t += 300 * S) CHECK(tr.observe(0, 1, t) == 300 * S);  // and on
}

TEST_CASE("polling: the ring agrees with the rule's wording over a long irregular series",
          "[polling]") {
    // The rule as SPEC §3.4 words it, kept naively: every burst start, the last `bursts` of
    // them judged by steady_period. PollingTable keeps a ring and forgets a series that a
    // long pause breaks; both must answer alike at every hit, through many wraps of the ring.
    for (const std::int64_t bursts : {2, 3, 8}) {
        Rules::Polling p;
        p.bursts = bursts;
        PollingTable ring(p);
        std::vector<std::int64_t> all, last, scratch;
        std::int64_t last_hit = 0;
        std::uint64_t x = 12345;
        const auto next = [&x](std::uint64_t n) {  // LCG: a fixed, portable series
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            return (x >> 33) % n;
        };
        std::int64_t t = 0;
        bool agree = true;
        int found = 0;
        for (int i = 0; i < 3000; ++i) {
            const std::uint64_t kind = next(20);
            if (kind < 12) t += 300 * S + static_cast<std::int64_t>(next(40)) * S;  // ~steady
            else if (kind < 18) t += static_cast<std::int64_t>(next(61)) * S;       // same burst
            else t += 900 * S + static_cast<std::int64_t>(next(300)) * S;           // a pause
            std::optional<std::int64_t> want;
            if (i == 0 || t - last_hit > p.burst_gap_us) {
                all.push_back(t);
                if (all.size() >= static_cast<std::size_t>(bursts)) {
                    last.assign(all.end() - bursts, all.end());
                    want = steady_period(last, p, scratch);
                }
            }
            last_hit = t;
            const auto got = ring.observe(3, 9, t);
            agree = agree && got == want;
            if (got) ++found;
        }
        CHECK(agree);
        CHECK(found > 10);  // the series does qualify now and then
    }
}
