// SPEC §3.3: operating time per (portal, method), method blocks, batch commands.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <memory>
#include <string_view>
#include <vector>

#include "engine.h"
#include "operating.h"
#include "window.h"

using namespace b24;

namespace {

constexpr std::int64_t S = 1'000'000;
constexpr std::int64_t kMin = 60 * S;

struct Replay {
    SymbolTable sym;
    Rules rules;
    std::unique_ptr<Engine> engine;

    Hit hit(std::int64_t t, std::string_view integration, std::string_view method,
            std::int64_t cost, std::initializer_list<std::string_view> cmds = {}) {
        Hit h;
        h.t_us = t;
        h.portal = sym.intern("acme.bitrix24.com");
        h.integration = sym.intern(integration);
        h.kind = IntegrationKind::App;
        h.method = sym.intern(method);
        h.cost_us = cost;
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

const MethodReport* method(const Report& r, std::string_view name) {
    for (const auto& m : r.methods)
        if (m.method == name) return &m;
    return nullptr;
}
const IntegrationReport* integration(const Report& r, std::string_view name) {
    for (const auto& i : r.integrations)
        if (i.integration == name) return &i;
    return nullptr;
}

constexpr auto kOpTime = static_cast<std::size_t>(Refusal::OperationTime);

}  // namespace

TEST_CASE("operating: the helpdesk example, one app fine, two apps block the method",
          "[operating]") {
    Replay r;
    // app:a calls crm.lead.list twice a minute at 20 s a call: 400 s per 10 minutes.
    const std::int64_t end = 3 * 60 * kMin;
    for (std::int64_t t = 0; t < end; t += 30 * S) r.add(r.hit(t, "app:a", "crm.lead.list", 20 * S));
    {
        const Report rep = r.finish();
        REQUIRE(rep.methods.size() == 1);
        CHECK(rep.methods[0].blocks.empty());
        CHECK(rep.methods[0].refused == 0);
    }
    // app:b joins on the same method once a minute, 15 s after app:a's calls; app:a keeps on.
    // At app:b's 4th call the window holds 20 calls of app:a and 4 of app:b: exactly 480 s.
    // app:a's call 15 s later sees the same 480 s; app:b's 5th call makes 500 s > 480 s.
    const std::int64_t b0 = end + 15 * S;
    for (int k = 0; k < 30; ++k) {
        const std::int64_t tb = b0 + k * kMin;
        r.add(r.hit(tb - 15 * S, "app:a", "crm.lead.list", 20 * S));
        r.add(r.hit(tb, "app:b", "crm.lead.list", 20 * S));
        r.add(r.hit(tb + 15 * S, "app:a", "crm.lead.list", 20 * S));
        r.add(r.hit(tb + 20 * S, "app:b", "crm.deal.list", 20 * S));
    }
    const Report rep = r.finish();
    const MethodReport* lead = method(rep, "crm.lead.list");
    REQUIRE(lead != nullptr);
    REQUIRE(lead->blocks.size() >= 2);
    const std::int64_t from = b0 + 4 * kMin;
    CHECK(lead->blocks[0].from_us == from);
    CHECK(lead->blocks[0].until_us == from + 10 * kMin);
    CHECK(lead->blocks[0].window_cost_us == 500 * S);
    // Both apps are refused for the 10 minutes: app:a at from+15 s … from+585 s (20 calls),
    // app:b at from+60 s … from+540 s (9 calls).
    const IntegrationReport* a = integration(rep, "app:a");
    const IntegrationReport* b = integration(rep, "app:b");
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    CHECK(lead->blocks[1].from_us > lead->blocks[0].until_us);  // and it happens again
    CHECK(a->refused[kOpTime] >= 20);
    CHECK(b->refused[kOpTime] >= 9);
    const MethodReport* deal = method(rep, "crm.deal.list");
    REQUIRE(deal != nullptr);
    CHECK(deal->refused == 0);
    CHECK(deal->hits == 30);
    CHECK(deal->blocks.empty());
}

TEST_CASE("operating: the first block of two apps is exactly 20 + 9 refusals", "[operating]") {
    Replay r;
    for (std::int64_t t = 0; t < 20 * kMin; t += 30 * S) r.add(r.hit(t, "app:a", "crm.lead.list", 20 * S));
    const std::int64_t b0 = 20 * kMin + 15 * S;
    const std::int64_t from = b0 + 4 * kMin;
    for (int k = 0; k < 16; ++k) {  // stop before the method could block again
        const std::int64_t tb = b0 + k * kMin;
        r.add(r.hit(tb - 15 * S, "app:a", "crm.lead.list", 20 * S));
        r.add(r.hit(tb, "app:b", "crm.lead.list", 20 * S));
        r.add(r.hit(tb + 15 * S, "app:a", "crm.lead.list", 20 * S));
    }
    const Report rep = r.finish();
    const MethodReport* lead = method(rep, "crm.lead.list");
    REQUIRE(lead != nullptr);
    REQUIRE(lead->blocks.size() == 1);
    CHECK(lead->blocks[0].from_us == from);
    // app:a calls at from+15 s, +45 s, … +585 s: 20 refused; app:b at from+60 s … +540 s: 9.
    CHECK(integration(rep, "app:a")->refused[kOpTime] == 20);
    CHECK(integration(rep, "app:b")->refused[kOpTime] == 9);
    CHECK(lead->refused == 29);
}

TEST_CASE("operating: 480 s is not above the limit, 480 s + 1 µs is", "[operating]") {
    Rules::Operating lim;
    OperatingTable ops(lim);
    CHECK(ops.command(0, 1, 0, 480 * S));
    CHECK(ops.command(0, 1, 10 * S, 0));  // still not blocked
    CHECK(ops.command(0, 2, 0, 480 * S + 1));
    CHECK_FALSE(ops.command(0, 2, 10 * S, 0));
    std::vector<MethodReport> out;
    SymbolTable sym;
    sym.intern("p");
    sym.intern("m1");
    sym.intern("m2");
    ops.report(sym, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].blocks.empty());
    REQUIRE(out[1].blocks.size() == 1);
    CHECK(out[1].blocks[0].window_cost_us == 480 * S + 1);
    CHECK(out[1].hits == 2);
    CHECK(out[1].refused == 1);
    CHECK(out[1].cost_us == 480 * S + 1);
}

TEST_CASE("operating: a block ends exactly at t + B", "[operating]") {
    OperatingTable ops(Rules::Operating{});
    const std::int64_t t = 1'795'000'000 * S;
    CHECK(ops.command(0, 1, t, 481 * S));  // the crossing command executes
    CHECK_FALSE(ops.command(0, 1, t, 0));
    CHECK_FALSE(ops.command(0, 1, t + 600 * S - 1, 0));
    CHECK(ops.command(0, 1, t + 600 * S, 0));
    CHECK(ops.command(0, 2, t + 1, 5 * S));  // other methods keep working
}

TEST_CASE("operating: the window is t - W excluded, t included, to the µs", "[operating]") {
    OperatingTable ops(Rules::Operating{});
    // Cost at t - W has left the window at t …
    CHECK(ops.command(0, 1, 0, 300 * S));
    CHECK(ops.command(0, 1, 600 * S, 180 * S + 1));
    CHECK(ops.command(0, 1, 600 * S + 1, 0));
    // … cost at t - W + 1 is still in it.
    CHECK(ops.command(0, 2, 1, 300 * S));
    CHECK(ops.command(0, 2, 600 * S, 180 * S + 1));
    CHECK_FALSE(ops.command(0, 2, 600 * S + 1, 0));
}

TEST_CASE("operating: a batch is its commands, each costing floor(cost / n)", "[operating]") {
    Replay r;
    r.add(r.hit(0, "app:a", "batch", 10, {"crm.deal.get", "crm.deal.list", "crm.deal.get"}));
    r.add(r.hit(S, "app:a", "batch", 7));  // without cmd: method "batch"
    const Report rep = r.finish();
    REQUIRE(rep.methods.size() == 3);
    CHECK(rep.methods[0].method == "batch");
    CHECK(rep.methods[0].hits == 1);
    CHECK(rep.methods[0].cost_us == 7);
    CHECK(rep.methods[1].method == "crm.deal.get");
    CHECK(rep.methods[1].hits == 2);
    CHECK(rep.methods[1].cost_us == 6);
    CHECK(rep.methods[2].method == "crm.deal.list");
    CHECK(rep.methods[2].cost_us == 3);
    REQUIRE(rep.integrations.size() == 1);
    CHECK(rep.integrations[0].cost_us == 9 + 7);  // the remainder of 10 / 3 is nobody's
    CHECK(rep.integrations[0].hits == 2);
    CHECK(rep.integrations[0].executed == 2);
}

TEST_CASE("operating: inside a batch the crossing command runs, later ones are refused",
          "[operating]") {
    Replay r;
    r.add(r.hit(0, "app:a", "crm.deal.list", 400 * S));
    // 300 s over three commands: 100 s each. The first crosses (500 s) and executes; the
    // second finds the method blocked; the third is another method.
    r.add(r.hit(S, "app:b", "batch", 300 * S, {"crm.deal.list", "crm.deal.list", "user.get"}));
    // A batch whose every command is refused is not executed.
    r.add(r.hit(2 * S, "app:b", "batch", 4 * S, {"crm.deal.list", "crm.deal.list"}));
    const Report rep = r.finish();
    const MethodReport* deal = method(rep, "crm.deal.list");
    REQUIRE(deal != nullptr);
    CHECK(deal->hits == 5);
    CHECK(deal->refused == 3);
    CHECK(deal->cost_us == 500 * S);
    REQUIRE(deal->blocks.size() == 1);
    CHECK(deal->blocks[0].from_us == S);
    CHECK(deal->blocks[0].window_cost_us == 500 * S);
    const IntegrationReport* b = integration(rep, "app:b");
    REQUIRE(b != nullptr);
    CHECK(b->hits == 2);
    CHECK(b->executed == 1);
    CHECK(b->cost_us == 200 * S);
    CHECK(b->refused[kOpTime] == 3);
    CHECK(method(rep, "user.get")->cost_us == 100 * S);
}

TEST_CASE("operating: unknown cost is default_cost_s, hits refused by the bucket never reach it",
          "[operating]") {
    Replay r;
    r.rules.operating.default_cost_us = 250'000;
    for (int i = 0; i < 52; ++i) r.add(r.hit(0, "app:a", "crm.deal.get", kUnknownCost));
    r.add(r.hit(0, "app:a", "user.get", kUnknownCost));  // refused by 3.2: not in methods[]
    const Report rep = r.finish();
    REQUIRE(rep.methods.size() == 1);
    CHECK(rep.methods[0].hits == 50);
    CHECK(rep.methods[0].cost_us == 50 * 250'000);
    REQUIRE(rep.integrations.size() == 1);
    CHECK(rep.integrations[0].cost_unknown == 53);
    CHECK(rep.integrations[0].refused[0] == 3);
    // top_methods still counts the commands the integration sent, refused ones included.
    REQUIRE(rep.integrations[0].top_methods.size() == 2);
    CHECK(rep.integrations[0].top_methods[0].method == "crm.deal.get");
    CHECK(rep.integrations[0].top_methods[0].hits == 52);
    CHECK(rep.integrations[0].top_methods[1].method == "user.get");
    CHECK(rep.integrations[0].top_methods[1].hits == 1);
    CHECK(rep.integrations[0].top_methods[1].cost_us == 0);
}

TEST_CASE("window: a sum over the half-open (now - W, now), equal times merged", "[operating]") {
    SlidingSum w;
    w.add(10, 5);
    w.add(10, 7);
    w.add(12, 0);  // zero stores nothing
    CHECK(w.size() == 1);
    CHECK(w.sum() == 12);
    w.add(15, 1);
    w.evict(19, 10);  // (9, 19]: both stay
    CHECK(w.sum() == 13);
    w.evict(20, 10);  // (10, 20]: t = 10 leaves
    CHECK(w.sum() == 1);
    CHECK(w.size() == 1);
    w.evict(1000, 10);
    CHECK(w.sum() == 0);
    CHECK(w.size() == 0);
}

TEST_CASE("window: agrees with a plain list through growth, wrap-around and shrinking",
          "[operating]") {
    SlidingSum w;
    std::vector<std::pair<std::int64_t, std::int64_t>> plain;
    std::uint64_t seed = 12345;
    const auto next = [&seed](std::uint64_t n) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::int64_t>((seed >> 33) % n);
    };
    std::int64_t t = 0;
    std::size_t most = 0;
    for (int i = 0; i < 20000; ++i) {
        // Phases of dense and sparse traffic make the buffer grow and shrink.
        const bool dense = (i / 2000) % 2 == 0;
        t += dense ? next(3) : next(400);
        const std::int64_t v = next(5);
        const std::int64_t window = 1000;
        w.add(t, v);
        w.evict(t, window);
        if (v != 0) plain.emplace_back(t, v);
        std::int64_t sum = 0;
        std::vector<std::pair<std::int64_t, std::int64_t>> kept;
        for (const auto& e : plain)
            if (e.first > t - window) kept.push_back(e), sum += e.second;
        plain.swap(kept);
        REQUIRE(w.sum() == sum);
        most = std::max(most, w.capacity());
        if (!dense && i % 2000 == 1999) CHECK(w.capacity() <= 16);  // memory follows the window
    }
    CHECK(most >= 256);
}
