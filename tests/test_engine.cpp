// SPEC §3 and §4.1 as the engine delivers them: the report's arrays sorted, findings in
// time-then-code order, summary counts, and the same report for the same hits.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine.h"
#include "id_map.h"
#include "replay_shards.h"

using namespace b24;

namespace {

constexpr std::int64_t S = 1'000'000;

struct Spec {  // a hit by names
    std::int64_t t;
    std::string portal, integration, method;
    std::int64_t cost;
    std::string ip;
};

IntegrationKind kind_of(std::string_view name) {
    if (name.rfind("app:", 0) == 0) return IntegrationKind::App;
    if (name.rfind("webhook:", 0) == 0) return IntegrationKind::Webhook;
    return IntegrationKind::Unknown;
}

Hit make(SymbolTable& sym, const Spec& s) {
    Hit h;
    h.t_us = s.t;
    h.portal = sym.intern(s.portal);
    h.integration = sym.intern(s.integration);
    h.kind = kind_of(s.integration);
    h.method = sym.intern(s.method);
    h.cost_us = s.cost;
    h.ip = s.ip.empty() ? kNoSym : sym.intern(s.ip);
    return h;
}

// A small mixed replay: a blocked app, a polling app, a warned webhook, quiet ones.
std::vector<Spec> scenario() {
    std::vector<Spec> v;
    const std::string a = "a.bitrix24.com", b = "b.bitrix24.com";
    for (int i = 0; i < 10; ++i) {
        const std::int64_t t = i * 300 * S;
        v.push_back({t, b, "app:poller", "crm.activity.list", 200'000, "10.0.0.9"});
        v.push_back({t + 1, b, "unknown", "user.current", kUnknownCost, ""});
        v.push_back({t + 2, a, "unknown", "profile", 0, "10.0.0.1"});
        // 600 s of cost every 600 s over three methods: warned at 3000 s on cost.
        if (i % 2 == 0)
            v.push_back({t + 3, a, "webhook:1/3fa9c2", "crm.deal.update." + std::to_string(i % 3),
                         600 * S, "10.0.0.2"});
    }
    for (std::int64_t i = 5; i <= 6; ++i)
        v.push_back({i * 600 * S + 3, a, "webhook:1/3fa9c2", "crm.deal.update." + std::to_string(i % 3),
                     600 * S, "10.0.0.2"});
    v.push_back({1000 * S, a, "app:heavy", "crm.deal.list", 3600 * S, "10.0.0.3"});
    v.push_back({1000 * S, a, "app:heavy", "crm.deal.list", 0, "10.0.0.3"});
    // Sort by time, keeping the order of equal times (the replay order).
    std::stable_sort(v.begin(), v.end(), [](const Spec& x, const Spec& y) { return x.t < y.t; });
    return v;
}

std::string dump(const Report& r) {
    std::ostringstream o;
    const auto& s = r.summary;
    o << "summary " << s.portals << ' ' << s.integrations << ' ' << s.ok << ' ' << s.notice << ' '
      << s.warn << ' ' << s.block << '\n';
    for (const auto& i : r.integrations) {
        o << "I " << i.portal << ' ' << i.integration << ' ' << i.kind << ' '
          << level_name(i.verdict) << ' ' << i.hits << ' ' << i.executed << ' ' << i.cost_us << ' '
          << i.refused[0] << ' ' << i.refused[1] << ' ' << i.refused[2] << ' ' << i.cost_unknown
          << '\n';
        for (const auto& f : i.findings)
            o << "  F " << f.code << ' ' << f.at_us << ' ' << f.metric << ' ' << f.window_us << ' '
              << f.value << ' ' << f.threshold << ' ' << f.peak << ' ' << f.method << '\n';
        for (const auto& m : i.top_methods) o << "  T " << m.method << ' ' << m.hits << ' ' << m.cost_us << '\n';
    }
    for (const auto& m : r.methods) {
        o << "M " << m.portal << ' ' << m.method << ' ' << m.hits << ' ' << m.cost_us << ' '
          << m.refused << '\n';
        for (const auto& b : m.blocks) o << "  B " << b.from_us << ' ' << b.until_us << ' ' << b.window_cost_us << '\n';
    }
    for (const auto& b : r.buckets)
        o << "K " << b.portal << ' ' << b.key << ' ' << b.plan << ' ' << b.hits << ' ' << b.refused
          << ' ' << b.peak_level << '\n';
    return o.str();
}

Report replay(const std::vector<Spec>& specs, SymbolTable& sym, const Rules& rules = Rules{}) {
    std::vector<Hit> hits;
    for (const auto& s : specs) hits.push_back(make(sym, s));
    Engine e(rules, sym);
    for (const auto& h : hits) e.add(h);
    Report r;
    e.finish(r);
    return r;
}

}  // namespace

TEST_CASE("engine: the same hits give the same report, whatever the symbol ids", "[engine]") {
    SymbolTable s1;
    const Report r1 = replay(scenario(), s1);
    SymbolTable s2;  // names interned in another order: other ids, other hash order
    for (const char* n : {"user.current", "app:poller", "b.bitrix24.com", "10.0.0.3", "profile",
                          "crm.deal.update.2", "unknown", "webhook:1/3fa9c2", "app:heavy"})
        s2.intern(n);
    const Report r2 = replay(scenario(), s2);
    CHECK(dump(r1) == dump(r2));
    SymbolTable s3;
    CHECK(dump(replay(scenario(), s3)) == dump(r1));
}

TEST_CASE("engine: the replay spread over shards by portal gives the one engine's report",
          "[engine]") {
    // The scenario on four portals (a, b, c.a, c.b), merged in time order.
    std::vector<Spec> specs = scenario();
    for (Spec s : scenario()) {
        s.portal = "c." + s.portal;
        s.t += 7;  // interleaved with the others
        specs.push_back(s);
    }
    std::stable_sort(specs.begin(), specs.end(), [](const Spec& x, const Spec& y) { return x.t < y.t; });
    SymbolTable one_sym;
    const std::string want = dump(replay(specs, one_sym));
    REQUIRE(want.find("summary 4 10 ") == 0);
    REQUIRE(want.find(" block ") != std::string::npos);
    for (int shards : {1, 2, 3, 5}) {
        INFO(shards << " shards");
        SymbolTable sym;
        const Rules rules;
        ReplayShards replay_shards(rules, sym, shards);
        for (const auto& s : specs) replay_shards.add(make(sym, s));  // interning meanwhile
        Report r;
        replay_shards.finish(r);
        CHECK(dump(r) == want);
    }
}

TEST_CASE("engine: arrays are sorted as SPEC 4.1 says", "[engine]") {
    SymbolTable sym;
    const Report r = replay(scenario(), sym);
    std::vector<std::string> names;
    for (const auto& i : r.integrations) names.push_back(i.portal + " " + i.integration);
    CHECK(names == std::vector<std::string>{"a.bitrix24.com app:heavy", "a.bitrix24.com unknown",
                                            "a.bitrix24.com webhook:1/3fa9c2",
                                            "b.bitrix24.com app:poller", "b.bitrix24.com unknown"});
    names.clear();
    for (const auto& m : r.methods) names.push_back(m.portal + " " + m.method);
    CHECK(std::is_sorted(names.begin(), names.end()));
    CHECK(names.front() == "a.bitrix24.com crm.deal.list");
    CHECK(names.back() == "b.bitrix24.com user.current");
    names.clear();
    for (const auto& b : r.buckets) names.push_back(b.portal + " " + b.key);
    CHECK(names == std::vector<std::string>{"a.bitrix24.com 10.0.0.1", "a.bitrix24.com 10.0.0.2",
                                            "a.bitrix24.com 10.0.0.3", "b.bitrix24.com 10.0.0.9",
                                            "b.bitrix24.com unknown"});
}

TEST_CASE("engine: findings by time then code, verdicts, summary", "[engine]") {
    SymbolTable sym;
    const Report r = replay(scenario(), sym);
    REQUIRE(r.integrations.size() == 5);
    const auto& heavy = r.integrations[0];
    CHECK(heavy.kind == "app");
    CHECK(heavy.verdict == Level::Block);
    // Evaluated NONCRITICAL_LOAD first, reported LARGE_LOAD first: same time, code order.
    REQUIRE(heavy.findings.size() == 2);
    CHECK(heavy.findings[0].code == "LARGE_LOAD");
    CHECK(heavy.findings[1].code == "NONCRITICAL_LOAD");
    CHECK(heavy.findings[0].at_us == heavy.findings[1].at_us);
    CHECK(heavy.refused[static_cast<std::size_t>(Refusal::Overload)] == 1);

    CHECK(r.integrations[1].verdict == Level::Ok);
    CHECK(r.integrations[1].kind == "unknown");
    const auto& hook = r.integrations[2];
    CHECK(hook.kind == "webhook");
    CHECK(hook.verdict == Level::Warn);
    REQUIRE(hook.findings.size() == 1);
    CHECK(hook.findings[0].at_us == 3000 * S + 3);
    const auto& poller = r.integrations[3];
    CHECK(poller.verdict == Level::Notice);
    REQUIRE(poller.findings.size() == 1);
    CHECK(poller.findings[0].at_us == 7 * 300 * S);
    CHECK(r.integrations[4].cost_unknown == 10);

    CHECK(r.summary.portals == 2);
    CHECK(r.summary.integrations == 5);
    CHECK(r.summary.ok == 2);
    CHECK(r.summary.notice == 1);
    CHECK(r.summary.warn == 1);
    CHECK(r.summary.block == 1);
    CHECK(worst_level(r) == Level::Block);
}

TEST_CASE("engine: on_finding streams each finding once, as it is recorded", "[engine]") {
    SymbolTable sym;
    std::vector<Hit> hits;
    for (const auto& s : scenario()) hits.push_back(make(sym, s));
    Engine e(Rules{}, sym);
    std::vector<std::string> seen;
    e.on_finding([&](const FindingEvent& ev) {
        seen.push_back(ev.portal + " " + ev.integration + " " + ev.finding.code + " " +
                       std::to_string(ev.finding.at_us / S));
    });
    for (const auto& h : hits) e.add(h);
    CHECK(seen == std::vector<std::string>{
                      "a.bitrix24.com app:heavy NONCRITICAL_LOAD 1000",
                      "a.bitrix24.com app:heavy LARGE_LOAD 1000",
                      "b.bitrix24.com app:poller POLLING 2100",
                      "a.bitrix24.com webhook:1/3fa9c2 NONCRITICAL_LOAD 3000",
                  });
}

TEST_CASE("engine: top_methods are by cost descending then name, at most 5", "[engine]") {
    std::vector<Spec> v;
    const char* methods[] = {"m.g", "m.f", "m.e", "m.d", "m.c", "m.b", "m.a"};
    const std::int64_t costs[] = {1, 5, 5, 3, 0, 4, 5};
    for (int i = 0; i < 7; ++i) v.push_back({i * S, "p", "app:x", methods[i], costs[i] * S, ""});
    // Hits do not rank: m.c is the most called and costs nothing.
    for (int k = 0; k < 10; ++k) v.push_back({7 * S + k, "p", "app:x", "m.c", 0, ""});
    SymbolTable sym;
    const Report r = replay(v, sym);
    REQUIRE(r.integrations.size() == 1);
    const auto& top = r.integrations[0].top_methods;
    REQUIRE(top.size() == 5);
    CHECK(top[0].method == "m.a");
    CHECK(top[0].hits == 1);
    CHECK(top[0].cost_us == 5 * S);
    CHECK(top[1].method == "m.e");
    CHECK(top[2].method == "m.f");
    CHECK(top[3].method == "m.b");
    CHECK(top[4].method == "m.d");
}

TEST_CASE("engine: finish can be called again and replaces what it fills", "[engine]") {
    SymbolTable sym;
    std::vector<Hit> hits;
    for (const auto& s : scenario()) hits.push_back(make(sym, s));
    Engine e(Rules{}, sym);
    for (const auto& h : hits) e.add(h);
    Report r1, r2;
    e.finish(r1);
    e.finish(r2);
    e.finish(r2);
    CHECK(dump(r1) == dump(r2));
}

TEST_CASE("engine: IdMap finds every key again through growth, in insertion order", "[engine]") {
    IdMap<std::int64_t> m;
    for (std::uint64_t k = 0; k < 5000; ++k) {
        const auto e = m.try_emplace(k * 0x100000001ull);  // packed ids, as the engine uses
        CHECK(e.fresh);
        CHECK(e.index == k);
        e.value = static_cast<std::int64_t>(k);
    }
    bool all = true;
    for (std::uint64_t k = 0; k < 5000; ++k) {
        const auto e = m.try_emplace(k * 0x100000001ull);
        all = all && !e.fresh && e.value == static_cast<std::int64_t>(k) && e.index == k;
    }
    CHECK(all);
    CHECK(m.size() == 5000);
    CHECK(m.key_at(4999) == 4999 * 0x100000001ull);
}

TEST_CASE("engine: per-integration caches keep each method's counts apart", "[engine]") {
    // Two integrations of one portal take turns over 16 methods whose ids collide in the
    // engine's small per-integration cache (consecutive ids, 8 ways); a batch repeats some.
    // Every count must land on its own (integration, method), as a plain tally says.
    SymbolTable sym;
    const Sym portal = sym.intern("p.bitrix24.com");
    const Sym app_a = sym.intern("app:a"), app_b = sym.intern("app:b");
    const Sym ip_a = sym.intern("10.0.0.1"), ip_b = sym.intern("10.0.0.2");
    std::vector<Sym> methods;
    for (int i = 0; i < 16; ++i)
        methods.push_back(sym.intern("m" + std::to_string(i) + (i % 4 == 0 ? ".list" : ".get")));
    std::map<std::pair<Sym, Sym>, std::pair<std::int64_t, std::int64_t>> want;  // hits, cost
    std::map<Sym, std::int64_t> per_method;
    Engine e(Rules{}, sym);
    for (int k = 0; k < 400; ++k) {
        for (const bool a : {true, false}) {
            Hit h;
            h.t_us = k * S + (a ? 0 : 1);
            h.portal = portal;
            h.integration = a ? app_a : app_b;
            h.kind = IntegrationKind::App;
            h.ip = a ? ip_a : ip_b;
            const std::size_t i = a ? (k * 5) % 16 : (k * 3 + 1) % 16;
            h.method = methods[i];
            if (!a && k % 7 == 0) {  // a batch of three commands, one method twice
                h.method = sym.intern("batch");
                h.cmds = {methods[i], methods[(i + 8) % 16], methods[i]};
            }
            h.cost_us = 3000;
            const auto cmds = h.cmds.empty() ? std::vector<Sym>{h.method} : h.cmds;
            for (const Sym m : cmds) {
                auto& w = want[{h.integration, m}];
                ++w.first;
                w.second += 3000 / static_cast<std::int64_t>(cmds.size());
                ++per_method[m];
            }
            e.add(h);
        }
    }
    Report r;
    e.finish(r);
    REQUIRE(r.integrations.size() == 2);
    for (const auto& ir : r.integrations) {
        CHECK(ir.refused == std::array<std::int64_t, 3>{});
        REQUIRE(ir.top_methods.size() == 5);
        const Sym who = sym.intern(ir.integration);
        for (const auto& mu : ir.top_methods) {
            const auto& w = want[{who, sym.intern(mu.method)}];
            CHECK(mu.hits == w.first);
            CHECK(mu.cost_us == w.second);
        }
    }
    REQUIRE(r.methods.size() == per_method.size());
    for (const auto& m : r.methods) CHECK(m.hits == per_method[sym.intern(m.method)]);
}
