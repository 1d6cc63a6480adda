// The rules file (SPEC §3.5): canonical text, partial files, exact seconds, and every
// validation rule refused with its JSON path.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "error.h"
#include "rules.h"
#include "sha256.h"

using namespace b24;

namespace {

// The first fault parse_rules reports, as "PATH: message" ("" when the file is accepted).
std::string first_fault(const std::string& json) {
    try {
        parse_rules(json);
    } catch (const Error& e) {
        return e.where + ": " + e.message;
    }
    return "";
}

const char* const kDefaultText = R"({
  "name": "cloud-default",
  "plans": {
    "standard": {
      "capacity": 50,
      "drain": 2
    },
    "enterprise": {
      "capacity": 250,
      "drain": 5
    }
  },
  "default_plan": "standard",
  "portals": {},
  "operating": {
    "window_s": 600,
    "limit_s": 480,
    "block_s": 600,
    "default_cost_s": 0
  },
  "overload": {
    "warn": {
      "window_s": 3600,
      "cost_s": 3600,
      "hits_pct_of_bucket": 100
    },
    "block": {
      "window_s": 600,
      "cost_s": 1200,
      "refused": 600
    },
    "grace_s": 86400
  },
  "polling": {
    "methods": [
      "*.list"
    ],
    "burst_gap_s": 60,
    "bursts": 8,
    "max_period_s": 900,
    "tolerance_pct": 10
  }
}
)";

}  // namespace

TEST_CASE("rules file: the default policy prints as the spec's file, in its key order") {
    CHECK(to_json(default_rules()) == kDefaultText);
}

TEST_CASE("rules file: the spec's own example file reads as the defaults") {
    const char* spec_file = R"({
  "name": "cloud-default",
  "plans": {
    "standard":   { "capacity": 50,  "drain": 2 },
    "enterprise": { "capacity": 250, "drain": 5 }
  },
  "default_plan": "standard",
  "portals": {},
  "operating": { "window_s": 600, "limit_s": 480, "block_s": 600, "default_cost_s": 0 },
  "overload": {
    "warn":  { "window_s": 3600, "cost_s": 3600, "hits_pct_of_bucket": 100 },
    "block": { "window_s": 600,  "cost_s": 1200, "refused": 600 },
    "grace_s": 86400
  },
  "polling": { "methods": ["*.list"], "burst_gap_s": 60, "bursts": 8,
               "max_period_s": 900, "tolerance_pct": 10 }
})";
    CHECK(check_rules(spec_file).empty());
    CHECK(parse_rules(spec_file) == default_rules());
}

TEST_CASE("rules file: canonical text round-trips byte for byte") {
    SECTION("defaults") {
        const std::string t = to_json(default_rules());
        CHECK(parse_rules(t) == default_rules());
        CHECK(to_json(parse_rules(t)) == t);
    }
    SECTION("a policy with fractions, a new plan, portals and other methods") {
        const Rules r = parse_rules(R"({
            "name": "strict",
            "plans": { "gold": { "capacity": 1000, "drain": 20 } },
            "default_plan": "gold",
            "portals": { "a.bitrix24.com": "enterprise", "b.bitrix24.com": "gold" },
            "operating": { "window_s": 0.5, "default_cost_s": 0.000001 },
            "overload": { "grace_s": 1.25, "block": { "refused": 0 } },
            "polling": { "methods": ["crm.*", "*.get"], "max_period_s": 0 }
        })");
        const std::string t = to_json(r);
        CHECK(t.find("\"window_s\": 0.5,") != std::string::npos);
        CHECK(t.find("\"default_cost_s\": 0.000001\n") != std::string::npos);
        CHECK(t.find("\"grace_s\": 1.25\n") != std::string::npos);
        CHECK(parse_rules(t) == r);
        CHECK(to_json(parse_rules(t)) == t);
    }
}

TEST_CASE("rules file: a partial file keeps every other key's default") {
    const Rules r = parse_rules(R"({ "operating": { "limit_s": 300 } })");
    Rules expected = default_rules();
    expected.operating.limit_us = 300'000'000;
    CHECK(r == expected);
    CHECK(parse_rules("{}") == default_rules());
}

TEST_CASE("rules file: a file is read over the base it is given") {
    Rules base = default_rules();
    base.grace_us = 5;
    base.portals["x.bitrix24.com"] = "enterprise";
    const Rules r = parse_rules(R"({ "portals": { "y.bitrix24.com": "standard" } })", base);
    CHECK(r.grace_us == 5);
    CHECK(r.portals.size() == 2);  // the file's portals add to the base map
    CHECK(r.portals.at("x.bitrix24.com") == "enterprise");
    CHECK(r.portals.at("y.bitrix24.com") == "standard");
}

TEST_CASE("rules file: seconds convert exactly from the number's text") {
    auto op = [](const std::string& v) {
        return parse_rules(R"({"operating":{"window_s":)" + v + "}}").operating.window_us;
    };
    CHECK(op("0.5") == 500'000);
    CHECK(op("0.1") == 100'000);
    CHECK(op("1.0000005") == 1'000'001);  // half away from zero
    CHECK(op("0.000001") == 1);
    CHECK(op("2.5e3") == 2'500'000'000);
    CHECK(op("1E-6") == 1);
    CHECK(op("600.0") == 600'000'000);  // seconds may be written with a fraction
    CHECK(op("1000000000") == 1'000'000'000LL * 1'000'000);  // the upper bound itself
}

TEST_CASE("rules file: plans override, add, and must be complete when new") {
    SECTION("a partial existing plan keeps its other key") {
        const Rules r = parse_rules(R"({"plans":{"enterprise":{"drain":7}}})");
        const auto& p = r.plans[static_cast<std::size_t>(r.plan_index("enterprise"))];
        CHECK(p.capacity == 250);
        CHECK(p.drain == 7);
        CHECK(r.plans.size() == 2);
    }
    SECTION("a new plan is appended and usable from portals and as default") {
        const Rules r = parse_rules(R"({
            "portals": { "acme.bitrix24.com": "gold" },
            "default_plan": "gold",
            "plans": { "gold": { "drain": 10, "capacity": 500 } }
        })");
        REQUIRE(r.plans.size() == 3);
        CHECK(r.plans[2] == PlanLimits{"gold", 500, 10});
        CHECK(r.portal_plan("acme.bitrix24.com") == 2);
        CHECK(r.portal_plan("other.bitrix24.com") == 2);
    }
    SECTION("a new plan needs both keys") {
        CHECK(first_fault(R"({"plans":{"gold":{"capacity":3}}})") ==
              "$.plans.gold: a new plan needs \"drain\"");
        CHECK(first_fault(R"({"plans":{"gold":{"drain":3}}})") ==
              "$.plans.gold: a new plan needs \"capacity\"");
        CHECK(check_rules(R"({"plans":{"gold":{}}})") ==
              std::vector<std::string>{"$.plans.gold: a new plan needs \"capacity\"",
                                       "$.plans.gold: a new plan needs \"drain\""});
    }
}

TEST_CASE("rules file: portals are stored lower-cased and must name a plan") {
    const Rules r = parse_rules(R"({"portals":{"ACME.Bitrix24.COM":"enterprise"}})");
    CHECK(r.portals.count("acme.bitrix24.com") == 1);
    CHECK(r.portals.count("ACME.Bitrix24.COM") == 0);
    CHECK(r.portal_plan("acme.bitrix24.com") == r.plan_index("enterprise"));

    CHECK(first_fault(R"({"portals":{"Acme.b24.com":"standard","acme.B24.com":"standard"}})") ==
          "$.portals[\"acme.B24.com\"]: duplicate portal (portal names are case-insensitive)");
    CHECK(first_fault(R"({"portals":{"acme.b24.com":"gold"}})") ==
          "$.portals[\"acme.b24.com\"]: unknown plan \"gold\"; plans: standard, enterprise");
    // Plan names are compared as written.
    CHECK(first_fault(R"({"portals":{"acme.b24.com":"Standard"}})") ==
          "$.portals[\"acme.b24.com\"]: unknown plan \"Standard\"; plans: standard, enterprise");
    CHECK(first_fault(R"({"portals":{"":"standard"}})") ==
          "$.portals[\"\"]: expected a non-empty portal name");
}

TEST_CASE("rules file: default_plan must name a plan") {
    CHECK(first_fault(R"({"default_plan":"gold"})") ==
          "$.default_plan: unknown plan \"gold\"; plans: standard, enterprise");
    CHECK(parse_rules(R"({"default_plan":"enterprise"})").default_plan == "enterprise");
}

TEST_CASE("rules file: --plan sets the default plan only to a known plan") {
    Rules r = default_rules();
    set_default_plan(r, "enterprise");
    CHECK(r.default_plan == "enterprise");
    try {
        set_default_plan(r, "gold");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.where == "--plan");
        CHECK(e.message == "unknown plan \"gold\"; plans: standard, enterprise");
    }
    CHECK(r.default_plan == "enterprise");
}

TEST_CASE("rules file: polling methods are lower-cased and replace the default list") {
    CHECK(parse_rules(R"({"polling":{"methods":["CRM.Activity.List","*.get"]}})").polling.methods ==
          std::vector<std::string>{"crm.activity.list", "*.get"});
    // An empty list turns POLLING off.
    CHECK(parse_rules(R"({"polling":{"methods":[]}})").polling.methods.empty());
    CHECK(first_fault(R"({"polling":{"methods":["a",""]}})") ==
          "$.polling.methods[1]: expected a non-empty pattern");
}

TEST_CASE("rules file: every limit is refused just past its edge, with its path") {
    struct Case {
        const char* json;
        const char* fault;  // "" = accepted
    };
    const Case cases[] = {
        // capacity, drain: integers >= 1
        {R"({"plans":{"standard":{"capacity":1}}})", ""},
        {R"({"plans":{"standard":{"capacity":0}}})", "$.plans.standard.capacity: expected an integer >= 1"},
        {R"({"plans":{"standard":{"drain":1}}})", ""},
        {R"({"plans":{"standard":{"drain":-1}}})", "$.plans.standard.drain: expected an integer >= 1"},
        {R"({"plans":{"standard":{"capacity":1000000000}}})", ""},
        {R"({"plans":{"standard":{"capacity":1000000001}}})",
         "$.plans.standard.capacity: out of range (at most 1000000000)"},
        {R"({"plans":{"standard":{"capacity":99999999999999999999999}}})",
         "$.plans.standard.capacity: out of range (at most 1000000000)"},
        // integers are integer tokens only
        {R"({"plans":{"standard":{"capacity":50.0}}})", "$.plans.standard.capacity: expected an integer >= 1"},
        {R"({"plans":{"standard":{"capacity":5e1}}})", "$.plans.standard.capacity: expected an integer >= 1"},
        {R"({"plans":{"standard":{"capacity":2.5}}})", "$.plans.standard.capacity: expected an integer >= 1"},
        // refused, hits_pct_of_bucket, tolerance_pct: integers >= 0
        {R"({"overload":{"block":{"refused":0}}})", ""},
        {R"({"overload":{"block":{"refused":-1}}})", "$.overload.block.refused: expected an integer >= 0"},
        {R"({"overload":{"warn":{"hits_pct_of_bucket":0}}})", ""},
        {R"({"overload":{"warn":{"hits_pct_of_bucket":-1}}})",
         "$.overload.warn.hits_pct_of_bucket: expected an integer >= 0"},
        {R"({"overload":{"warn":{"hits_pct_of_bucket":12.5}}})",
         "$.overload.warn.hits_pct_of_bucket: expected an integer >= 0"},
        {R"({"polling":{"tolerance_pct":0}})", ""},
        {R"({"polling":{"tolerance_pct":-1}})", "$.polling.tolerance_pct: expected an integer >= 0"},
        // bursts: an integer >= 2
        {R"({"polling":{"bursts":2}})", ""},
        {R"({"polling":{"bursts":1}})", "$.polling.bursts: expected an integer >= 2"},
        // every window_s and block_s > 0
        {R"({"operating":{"window_s":0.000001}})", ""},
        {R"({"operating":{"window_s":0}})", "$.operating.window_s: expected a number of seconds > 0"},
        {R"({"operating":{"window_s":0.0000004}})",  // rounds to 0 µs
         "$.operating.window_s: expected a number of seconds > 0"},
        {R"({"operating":{"block_s":0}})", "$.operating.block_s: expected a number of seconds > 0"},
        {R"({"overload":{"warn":{"window_s":0}}})", "$.overload.warn.window_s: expected a number of seconds > 0"},
        {R"({"overload":{"block":{"window_s":-600}}})",
         "$.overload.block.window_s: expected a number of seconds > 0"},
        // other seconds >= 0
        {R"({"operating":{"limit_s":0,"default_cost_s":0},"overload":{"grace_s":0,)"
         R"("warn":{"cost_s":0},"block":{"cost_s":0}},"polling":{"burst_gap_s":0,"max_period_s":0}})",
         ""},
        {R"({"operating":{"limit_s":-0.5}})", "$.operating.limit_s: expected a number of seconds >= 0"},
        {R"({"operating":{"default_cost_s":-1}})",
         "$.operating.default_cost_s: expected a number of seconds >= 0"},
        {R"({"overload":{"warn":{"cost_s":-1}}})", "$.overload.warn.cost_s: expected a number of seconds >= 0"},
        {R"({"overload":{"block":{"cost_s":-1}}})", "$.overload.block.cost_s: expected a number of seconds >= 0"},
        {R"({"overload":{"grace_s":-1}})", "$.overload.grace_s: expected a number of seconds >= 0"},
        {R"({"polling":{"burst_gap_s":-1}})", "$.polling.burst_gap_s: expected a number of seconds >= 0"},
        {R"({"polling":{"max_period_s":-1e2}})", "$.polling.max_period_s: expected a number of seconds >= 0"},
        {R"({"overload":{"grace_s":1000000000.000001}})",
         "$.overload.grace_s: out of range (at most 1000000000 s)"},
        {R"({"overload":{"grace_s":1e400}})", "$.overload.grace_s: out of range (at most 1000000000 s)"},
        // names
        {R"({"name":""})", "$.name: expected a non-empty string"},
        {R"({"plans":{"":{"capacity":1,"drain":1}}})", "$.plans[\"\"]: expected a non-empty plan name"},
    };
    for (const auto& c : cases) {
        INFO(c.json);
        CHECK(first_fault(c.json) == c.fault);
        const auto all = check_rules(c.json);
        if (*c.fault) CHECK(all == std::vector<std::string>{c.fault});
        else CHECK(all.empty());
    }
}

TEST_CASE("rules file: an unknown key is refused at any depth") {
    CHECK(first_fault(R"({"nmae":"x"})") ==
          "$.nmae: unknown key (known: name, plans, default_plan, portals, operating, overload, polling)");
    CHECK(first_fault(R"({"plans":{"standard":{"capacty":5}}})") ==
          "$.plans.standard.capacty: unknown key (known: capacity, drain)");
    CHECK(first_fault(R"({"operating":{"limit":5}})") ==
          "$.operating.limit: unknown key (known: window_s, limit_s, block_s, default_cost_s)");
    CHECK(first_fault(R"({"overload":{"warn":{"windw_s":5}}})") ==
          "$.overload.warn.windw_s: unknown key (known: window_s, cost_s, hits_pct_of_bucket)");
    CHECK(first_fault(R"({"overload":{"block":{"x":{}}}})") ==
          "$.overload.block.x: unknown key (known: window_s, cost_s, refused)");
    CHECK(first_fault(R"({"polling":{"method":["*.list"]}})") ==
          "$.polling.method: unknown key (known: methods, burst_gap_s, bursts, max_period_s, tolerance_pct)");
    // A key that is not an identifier is quoted so its dots are not read as levels.
    CHECK(first_fault(R"({"operating":{"a.b":1}})").rfind("$.operating[\"a.b\"]: unknown key", 0) == 0);
}

TEST_CASE("rules file: a repeated key is refused") {
    CHECK(first_fault(R"({"operating":{"limit_s":1,"limit_s":2}})") == "$.operating.limit_s: duplicate key");
    CHECK(first_fault(R"({"plans":{"standard":{"drain":1},"standard":{"drain":2}}})") ==
          "$.plans.standard: duplicate key");
}

TEST_CASE("rules file: a wrong type is refused with its path") {
    const std::pair<const char*, const char*> cases[] = {
        {R"({"name":5})", "$.name: expected a string"},
        {R"({"plans":[]})", "$.plans: expected an object"},
        {R"({"plans":{"standard":"big"}})", "$.plans.standard: expected an object"},
        {R"({"plans":{"standard":{"capacity":"50"}}})", "$.plans.standard.capacity: expected an integer >= 1"},
        {R"({"plans":{"standard":{"capacity":null}}})", "$.plans.standard.capacity: expected an integer >= 1"},
        {R"({"default_plan":["standard"]})", "$.default_plan: expected a string"},
        {R"({"portals":[]})", "$.portals: expected an object"},
        {R"({"portals":{"acme.b24.com":1}})", "$.portals[\"acme.b24.com\"]: expected a string"},
        {R"({"operating":600})", "$.operating: expected an object"},
        {R"({"operating":{"window_s":"600"}})", "$.operating.window_s: expected a number of seconds > 0"},
        {R"({"operating":{"limit_s":true}})", "$.operating.limit_s: expected a number of seconds >= 0"},
        {R"({"operating":{"limit_s":null}})", "$.operating.limit_s: expected a number of seconds >= 0"},
        {R"({"overload":{"warn":[]}})", "$.overload.warn: expected an object"},
        {R"({"polling":{"methods":"*.list"}})", "$.polling.methods: expected an array of strings"},
        {R"({"polling":{"methods":["*.list",7]}})", "$.polling.methods[1]: expected a string"},
        {R"({"polling":{"bursts":"8"}})", "$.polling.bursts: expected an integer >= 2"},
        {R"([])", "$: expected an object"},
        {R"("rules")", "$: expected an object"},
    };
    for (const auto& [json, fault] : cases) {
        INFO(json);
        CHECK(first_fault(json) == fault);
    }
}

TEST_CASE("rules file: check_rules lists every fault, in file order, cross-references last") {
    const auto faults = check_rules(R"({
        "default_plan": "gold",
        "plans": { "standard": { "capacity": 0, "drain": 1.5 }, "silver": { "capacity": 3 } },
        "portals": { "a.b24.com": "bronze", "c.b24.com": "silver" },
        "operating": { "window_s": 0, "limit_s": "x", "extra": 1 },
        "overload": { "warn": { "windw_s": 1 }, "block": { "refused": -2 } },
        "polling": { "methods": ["ok", 1], "bursts": 1 }
    })");
    const std::vector<std::string> expected{
        "$.plans.standard.capacity: expected an integer >= 1",
        "$.plans.standard.drain: expected an integer >= 1",
        "$.plans.silver: a new plan needs \"drain\"",
        "$.operating.window_s: expected a number of seconds > 0",
        "$.operating.limit_s: expected a number of seconds >= 0",
        "$.operating.extra: unknown key (known: window_s, limit_s, block_s, default_cost_s)",
        "$.overload.warn.windw_s: unknown key (known: window_s, cost_s, hits_pct_of_bucket)",
        "$.overload.block.refused: expected an integer >= 0",
        "$.polling.methods[1]: expected a string",
        "$.polling.bursts: expected an integer >= 2",
        "$.default_plan: unknown plan \"gold\"; plans: standard, enterprise, silver",
        "$.portals[\"a.b24.com\"]: unknown plan \"bronze\"; plans: standard, enterprise, silver",
    };
    CHECK(faults == expected);
    // parse_rules stops at the first of them.
    CHECK(first_fault(R"({"plans":{"standard":{"capacity":0,"drain":0}}})") ==
          "$.plans.standard.capacity: expected an integer >= 1");
}

TEST_CASE("rules file: invalid JSON is the only fault, wherever it is") {
    const char* cases[] = {
        "",
        "{",
        R"({"name":"x",})",
        R"({"name" "x"})",
        R"({"operating":{"limit_s":01}})",
        R"({"operating":{"limit_s":1.}})",
        R"({"unknown":[1 2]})",   // even inside a key that is refused anyway
        R"({"unknown":tru})",
        R"({"unknown":nul})",
        R"({"unknown":"\u12"})",
        R"({"plans":{}} {})",     // trailing content
        R"({"plans":{}}})",
    };
    for (const char* json : cases) {
        INFO(json);
        const auto faults = check_rules(json);
        REQUIRE(faults.size() == 1);
        CHECK(faults[0].rfind("$: not valid JSON (", 0) == 0);
        CHECK(first_fault(json) == faults[0]);
    }
}

TEST_CASE("rules file: the policy's identity is the SHA-256 of its canonical text") {
    const Rules d = default_rules();
    CHECK(rules_sha256(d) == sha256_hex(to_json(d)));
    CHECK(rules_sha256(d).size() == 64);
    Rules changed = d;
    changed.polling.tolerance_pct = 11;
    CHECK(rules_sha256(changed) != rules_sha256(d));
    // Formatting of the file read does not matter, only the policy.
    CHECK(rules_sha256(parse_rules(R"({"operating":{"limit_s":480.000}})")) == rules_sha256(d));
}
