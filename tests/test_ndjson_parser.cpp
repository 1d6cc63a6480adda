#include <catch2/catch.hpp>

#include <string>

#include "identity.h"
#include "line_parse.h"
#include "micros.h"
#include "ndjson_parser.h"
#include "rules.h"
#include "symbols.h"

using namespace b24;

namespace {

constexpr std::int64_t kSec = 1'000'000;
constexpr std::int64_t kT = 1'764'228'392 * kSec;  // 2025-11-27T07:26:32Z

// Holds what a parse needs; every line is copied into a buffer with the padding the line
// reader guarantees (filled with junk, so nothing relies on its contents).
struct Fixture {
    SymbolTable symbols;
    Rules rules = default_rules();
    ParseContext ctx;
    NdjsonParser parser;
    Hit hit;
    std::string reason;
    std::string buffer;

    Fixture() : ctx{&symbols, &rules}, parser(ctx) {}

    LineKind parse(std::string_view line) {
        buffer.assign(line);
        buffer.append(kLinePadding, '}');
        reason.clear();
        hit = Hit{};
        return parser.parse(std::string_view(buffer.data(), line.size()), hit, reason);
    }
    // Parses a line that must be a hit.
    const Hit& ok(std::string_view line) {
        const LineKind k = parse(line);
        INFO(line << " -> " << reason);
        REQUIRE(k == LineKind::Hit);
        return hit;
    }
    // Parses a line that must be bad; returns the reason.
    std::string bad(std::string_view line) {
        const LineKind k = parse(line);
        INFO(line);
        REQUIRE(k == LineKind::Bad);
        CHECK_FALSE(reason.empty());
        return reason;
    }
    std::string name(Sym s) const { return s == kNoSym ? "<none>" : std::string(symbols.name(s)); }
};

// A minimal valid line with `extra` members appended.
std::string line(std::string_view extra = "") {
    std::string s = R"({"ts":1764228392,"portal":"acme.bitrix24.com","method":"crm.deal.list")";
    if (!extra.empty()) s.append(",").append(extra);
    return s + "}";
}

}  // namespace

TEST_CASE("ndjson: a minimal hit", "[ndjson]") {
    Fixture f;
    const Hit& h = f.ok(line());
    CHECK(h.t_us == kT);
    CHECK(f.name(h.portal) == "acme.bitrix24.com");
    CHECK(f.name(h.method) == "crm.deal.list");
    CHECK(f.name(h.integration) == "unknown");
    CHECK(h.kind == IntegrationKind::Unknown);
    CHECK(h.ip == kNoSym);
    CHECK(h.cost_us == kUnknownCost);
    CHECK(h.plan == kNoPlan);
    CHECK(h.status == 0);
    CHECK(h.error == kNoSym);
    CHECK(h.cmds.empty());
}

TEST_CASE("ndjson: every field of a full hit", "[ndjson]") {
    Fixture f;
    const Hit& h = f.ok(
        R"({"ts":"2025-11-27T07:26:32.5Z","portal":"Acme.Bitrix24.COM","method":"CRM.Deal.List.json",)"
        R"("app":"local.65f1","ip":"203.0.113.7","duration":0.25,"operating":12.5,"status":503,)"
        R"("error":"QUERY_LIMIT_EXCEEDED","start":50,"plan":"enterprise"})");
    CHECK(h.t_us == kT + 500'000);
    CHECK(f.name(h.portal) == "acme.bitrix24.com");
    CHECK(f.name(h.method) == "crm.deal.list");
    CHECK(f.name(h.integration) == "app:local.65f1");
    CHECK(h.kind == IntegrationKind::App);
    CHECK(f.name(h.ip) == "203.0.113.7");
    CHECK(h.cost_us == 250'000);
    CHECK(h.status == 503);
    CHECK(f.name(h.error) == "QUERY_LIMIT_EXCEEDED");
    CHECK(h.plan == f.rules.plan_index("enterprise"));
    CHECK(h.plan >= 0);
}

TEST_CASE("ndjson: timestamp forms", "[ndjson]") {
    Fixture f;
    auto ts = [&](std::string_view value) {
        return f.ok(std::string(R"({"portal":"p","method":"m","ts":)") + std::string(value) + "}").t_us;
    };
    CHECK(ts("1764228392") == kT);
    CHECK(ts("1764228392.91") == kT + 910'000);
    CHECK(ts("1764228392.0000005") == kT + 1);
    CHECK(ts("1764228392.00000049") == kT);
    CHECK(ts("1.764228392e9") == kT);
    CHECK(ts("1764228392E0") == kT);
    CHECK(ts("17642283925e-1") == kT + 500'000);
    CHECK(ts("0") == 0);
    CHECK(ts("-1.5") == -1'500'000);
    CHECK(ts(R"("2025-11-27T07:26:32Z")") == kT);
    CHECK(ts(R"("2025-11-27t07:26:32z")") == kT);
    CHECK(ts(R"("2025-11-27 07:26:32Z")") == kT);
    CHECK(ts(R"("2025-11-27T10:26:32+03:00")") == kT);
    CHECK(ts(R"("2025-11-27T02:26:32-05:00")") == kT);
    CHECK(ts(R"("2025-11-27T07:26:32.123456789Z")") == kT + 123'457);
    CHECK(ts(R"("2025-11-27T07:26:32.1234565Z")") == kT + 123'457);
    CHECK(ts(R"("2025-11-27T07:26:32.1234564Z")") == kT + 123'456);
    CHECK(ts(R"("2016-12-31T23:59:60Z")") == *rfc3339_to_micros("2017-01-01T00:00:00Z"));
    CHECK(ts(R"("2025-11-27T07:26:32\u005a")") == kT);  // escapes are decoded first
}

TEST_CASE("ndjson: bad timestamps", "[ndjson]") {
    Fixture f;
    auto reason = [&](std::string_view value) {
        return f.bad(std::string(R"({"portal":"p","method":"m","ts":)") + std::string(value) + "}");
    };
    const std::string expected = R"(field "ts": expected a number or an RFC 3339 string)";
    CHECK(reason(R"("2025-11-27T07:26:32")") == expected);  // no zone
    CHECK(reason(R"("2025-11-27")") == expected);
    CHECK(reason(R"("2025-02-29T00:00:00Z")") == expected);
    CHECK(reason(R"("1764228392")") == expected);  // a string is RFC 3339, not a number
    CHECK(reason(R"("")") == expected);
    CHECK(reason("true") == expected);
    CHECK(reason("[1764228392]") == expected);
    CHECK(reason(R"({"start":1})") == expected);
    CHECK(reason("1e400") == R"(field "ts": number out of range)");  // beyond int64 µs
    CHECK(reason("-9223372036855") == R"(field "ts": number out of range)");
}

TEST_CASE("ndjson: ts aliases and their precedence", "[ndjson]") {
    Fixture f;
    const std::string base = R"("portal":"p","method":"m")";
    auto t = [&](std::string_view members) {
        return f.ok("{" + base + "," + std::string(members) + "}").t_us;
    };
    CHECK(t(R"("time":{"start":1})") == 1 * kSec);
    CHECK(t(R"("timestamp":2)") == 2 * kSec);
    CHECK(t(R"("@timestamp":"1970-01-01T00:00:03Z")") == 3 * kSec);
    CHECK(t(R"("@timestamp":4,"timestamp":3,"time":{"start":2},"ts":1)") == 1 * kSec);
    CHECK(t(R"("@timestamp":4,"timestamp":3,"time":{"start":2})") == 2 * kSec);
    CHECK(t(R"("@timestamp":4,"timestamp":3)") == 3 * kSec);
    CHECK(t(R"("ts":null,"timestamp":3)") == 3 * kSec);
    // An overridden alias of the wrong type still makes the line bad.
    CHECK(f.bad("{" + base + R"(,"ts":1,"timestamp":true})") ==
          R"(field "timestamp": expected a number or an RFC 3339 string)");
    CHECK(f.bad("{" + base + R"(,"ts":1,"time":{"start":"yesterday"}})") ==
          R"(field "time.start": expected a number or an RFC 3339 string)");
    // Only the nested form is an alias: a flat "time.start" key is an unknown field.
    CHECK(f.bad("{" + base + R"(,"time.start":1})") == R"(missing field "ts")");
    // "time" that is not an object holds no aliases and is just an unknown field.
    CHECK(f.bad("{" + base + R"(,"time":5})") == R"(missing field "ts")");
    CHECK(t(R"("time":"whenever","ts":7)") == 7 * kSec);
}

TEST_CASE("ndjson: required fields", "[ndjson]") {
    Fixture f;
    CHECK(f.bad(R"({"portal":"p","method":"m"})") == R"(missing field "ts")");
    CHECK(f.bad(R"({"ts":1,"method":"m"})") == R"(missing field "portal")");
    CHECK(f.bad(R"({"ts":1,"portal":"p"})") == R"(missing field "method")");
    CHECK(f.bad(R"({"ts":null,"portal":"p","method":"m"})") == R"(missing field "ts")");
    CHECK(f.bad(R"({"ts":1,"portal":null,"method":"m"})") == R"(missing field "portal")");
    CHECK(f.bad(R"({"ts":1,"portal":"p","method":null})") == R"(missing field "method")");
    CHECK(f.bad(R"({})") == R"(missing field "ts")");
}

TEST_CASE("ndjson: empty portal or method is missing", "[ndjson]") {
    Fixture f;
    CHECK(f.bad(R"({"ts":1,"portal":"","method":"m"})") == R"(field "portal" is empty)");
    CHECK(f.bad(R"({"ts":1,"host":"","method":"m"})") == R"(field "host" is empty)");
    CHECK(f.bad(R"({"ts":1,"portal":"p","method":""})") == R"(field "method" is empty)");
    CHECK(f.bad(R"({"ts":1,"portal":"p","method":".JSON"})") == R"(field "method" is empty)");
    CHECK(f.bad(R"({"ts":1,"portal":"p","method":".xml"})") == R"(field "method" is empty)");
    // "" is absent, so an alias behind it is used.
    CHECK(f.name(f.ok(R"({"ts":1,"portal":"","domain":"d","method":"m"})").portal) == "d");
}

TEST_CASE("ndjson: portal aliases and precedence", "[ndjson]") {
    Fixture f;
    auto portal = [&](std::string_view members) {
        return f.name(f.ok(R"({"ts":1,"method":"m",)" + std::string(members) + "}").portal);
    };
    CHECK(portal(R"("domain":"D.example")") == "d.example");
    CHECK(portal(R"("host":"H.example")") == "h.example");
    CHECK(portal(R"("host":"h","domain":"d","portal":"p")") == "p");
    CHECK(portal(R"("host":"h","domain":"d")") == "d");
    CHECK(portal(R"("host":"h","domain":null)") == "h");
    CHECK(f.bad(R"({"ts":1,"method":"m","portal":"p","host":7})") ==
          R"(field "host": expected a string)");
}

TEST_CASE("ndjson: method normalization", "[ndjson]") {
    Fixture f;
    auto method = [&](std::string_view m) {
        return f.name(f.ok(R"({"ts":1,"portal":"p","method":")" + std::string(m) + "\"}").method);
    };
    CHECK(method("CRM.Deal.LIST") == "crm.deal.list");
    CHECK(method("crm.deal.list.json") == "crm.deal.list");
    CHECK(method("crm.deal.list.JSON") == "crm.deal.list");
    CHECK(method("crm.deal.list.xml") == "crm.deal.list");
    CHECK(method("crm.deal.list.json.json") == "crm.deal.list.json");  // one suffix only
    CHECK(method("crm.deal.listjson") == "crm.deal.listjson");
    CHECK(method("batch.json") == "batch");
    CHECK(method("Ünï.Method") == "Ünï.method");  // ASCII only
    // The same name in any case is the same symbol.
    CHECK(f.ok(R"({"ts":1,"portal":"P","method":"A.B"})").method ==
          f.ok(R"({"ts":1,"portal":"p","method":"a.b.json"})").method);
}

TEST_CASE("ndjson: identity is app, else webhook, else unknown", "[ndjson]") {
    Fixture f;
    auto who = [&](std::string_view members) {
        const Hit& h = f.ok(line(members));
        return std::make_pair(f.name(h.integration), h.kind);
    };
    CHECK(who(R"("app":"local.65f1","webhook":"1/secret")") ==
          std::make_pair(std::string("app:local.65f1"), IntegrationKind::App));
    CHECK(who(R"("webhook":"1/secret")") ==
          std::make_pair(webhook_name("1/secret"), IntegrationKind::Webhook));
    CHECK(who(R"("webhook":"hook42")") ==
          std::make_pair(std::string("webhook:hook42"), IntegrationKind::Webhook));
    CHECK(who(R"("app":"","webhook":"1/secret")") ==
          std::make_pair(webhook_name("1/secret"), IntegrationKind::Webhook));
    CHECK(who(R"("app":null,"webhook":"")") ==
          std::make_pair(std::string("unknown"), IntegrationKind::Unknown));
    // Cached names stay right across lines.
    CHECK(who(R"("webhook":"1/secret")").first == webhook_name("1/secret"));
    CHECK(who(R"("webhook":"1/other")").first == webhook_name("1/other"));
    CHECK(who(R"("app":"local.65f1")").first == "app:local.65f1");
    // The webhook secret is never interned anywhere.
    for (std::size_t i = 0; i < f.symbols.size(); ++i)
        CHECK(f.symbols.name(static_cast<Sym>(i)).find("secret") == std::string_view::npos);
    CHECK(f.bad(line(R"("app":42)")) == R"(field "app": expected a string)");
    CHECK(f.bad(line(R"("webhook":{"id":1})")) == R"(field "webhook": expected a string)");
}

TEST_CASE("ndjson: ip aliases, empty ip is absent", "[ndjson]") {
    Fixture f;
    auto ip = [&](std::string_view members) { return f.name(f.ok(line(members)).ip); };
    CHECK(ip(R"("client_ip":"10.0.0.2")") == "10.0.0.2");
    CHECK(ip(R"("remote_addr":"10.0.0.3")") == "10.0.0.3");
    CHECK(ip(R"("remote_addr":"3","client_ip":"2","ip":"1")") == "1");
    CHECK(ip(R"("remote_addr":"3","client_ip":"2")") == "2");
    CHECK(ip(R"("ip":"","client_ip":"2")") == "2");
    CHECK(ip(R"("ip":"")") == "<none>");
    CHECK(ip(R"("ip":null)") == "<none>");
    CHECK(f.bad(line(R"("ip":"1","remote_addr":[1])")) ==
          R"(field "remote_addr": expected a string)");
}

TEST_CASE("ndjson: cost precedence cost > duration > time.duration", "[ndjson]") {
    Fixture f;
    auto cost = [&](std::string_view members) { return f.ok(line(members)).cost_us; };
    CHECK(cost(R"("time":{"duration":3})") == 3 * kSec);
    CHECK(cost(R"("duration":2,"time":{"duration":3})") == 2 * kSec);
    CHECK(cost(R"("time":{"duration":3},"duration":2,"cost":1)") == 1 * kSec);
    CHECK(cost(R"("cost":null,"duration":2)") == 2 * kSec);
    CHECK(cost(R"("duration":0)") == 0);
    CHECK(cost(R"("duration":-0)") == 0);
    CHECK(cost(R"("duration":0.1)") == 100'000);
    CHECK(cost(R"("duration":1.0000005)") == 1'000'001);
    CHECK(cost(R"("duration":2.5e-1)") == 250'000);
    CHECK(cost(R"("duration":1e-7)") == 0);
    CHECK(cost(R"("operating":100)") == kUnknownCost);  // operating is never a cost
    CHECK(cost(R"("time":{"operating":100})") == kUnknownCost);
}

TEST_CASE("ndjson: durations must be numbers >= 0", "[ndjson]") {
    Fixture f;
    CHECK(f.bad(line(R"("duration":-0.5)")) == R"(field "duration": expected a number >= 0)");
    CHECK(f.bad(line(R"("duration":"0.5")")) == R"(field "duration": expected a number >= 0)");
    CHECK(f.bad(line(R"("cost":true)")) == R"(field "cost": expected a number >= 0)");
    CHECK(f.bad(line(R"("cost":1,"time":{"duration":-1})")) ==
          R"(field "time.duration": expected a number >= 0)");
    CHECK(f.bad(line(R"("operating":"x")")) == R"(field "operating": expected a number >= 0)");
    CHECK(f.bad(line(R"("time":{"operating":-1})")) ==
          R"(field "time.operating": expected a number >= 0)");
    CHECK(f.bad(line(R"("duration":1e400)")) == R"(field "duration": number out of range)");
}

TEST_CASE("ndjson: status is a JSON integer", "[ndjson]") {
    Fixture f;
    CHECK(f.ok(line(R"("status":200)")).status == 200);
    CHECK(f.ok(line(R"("status":null)")).status == 0);
    CHECK(f.ok(line(R"("status":2147483647)")).status == 2147483647);
    CHECK(f.ok(line(R"("status":-2147483648)")).status == INT32_MIN);
    for (const char* v : {"200.0", "2e2", "\"200\"", "true", "[200]"})
        CHECK(f.bad(line(std::string(R"("status":)") + v)) ==
              R"(field "status": expected an integer)");
    CHECK(f.bad(line(R"("status":2147483648)")) == R"(field "status": number out of range)");
    CHECK(f.bad(line(R"("status":-2147483649)")) == R"(field "status": number out of range)");
    CHECK(f.bad(line(R"("status":99999999999999999999999)")) ==
          R"(field "status": number out of range)");
}

TEST_CASE("ndjson: error, start and plan", "[ndjson]") {
    Fixture f;
    CHECK(f.name(f.ok(line(R"("error":"OPERATION_TIME_LIMIT")")).error) == "OPERATION_TIME_LIMIT");
    CHECK(f.ok(line(R"("error":"")")).error == kNoSym);
    CHECK(f.bad(line(R"("error":503)")) == R"(field "error": expected a string)");
    f.ok(line(R"("start":50)"));
    f.ok(line(R"("start":"50")"));
    f.ok(line(R"("params":{"start":-1})"));
    CHECK(f.bad(line(R"("start":1.5)")) == R"(field "start": expected an integer or a string)");
    CHECK(f.bad(line(R"("start":1,"params":{"start":true})")) ==
          R"(field "params.start": expected an integer or a string)");
    CHECK(f.ok(line(R"("plan":"standard")")).plan == f.rules.plan_index("standard"));
    CHECK(f.ok(line(R"("plan":null)")).plan == kNoPlan);
    CHECK(f.bad(line(R"("plan":"gold")")) == R"(unknown plan "gold")");
    CHECK(f.bad(line(R"("plan":"Standard")")) == R"(unknown plan "Standard")");
    CHECK(f.bad(line(R"("plan":"")")) == R"(unknown plan "")");
    CHECK(f.bad(line(R"("plan":"x y")")) == "unknown plan");  // odd text is not quoted
    CHECK(f.bad(line(R"("plan":1)")) == R"(field "plan": expected a string)");
}

TEST_CASE("ndjson: plans from a rules file are known", "[ndjson]") {
    Fixture f;
    f.rules.plans.push_back({"gold", 100, 3});
    CHECK(f.ok(line(R"("plan":"gold")")).plan == 2);
}

TEST_CASE("ndjson: batch commands", "[ndjson]") {
    Fixture f;
    auto cmds = [&](std::string_view members) {
        const Hit& h = f.ok(R"({"ts":1,"portal":"p","method":"batch",)" + std::string(members) + "}");
        std::vector<std::string> out;
        for (const Sym s : h.cmds) out.push_back(f.name(s));
        return out;
    };
    using V = std::vector<std::string>;
    CHECK(cmds(R"("cmd":["crm.deal.list?start=0","CRM.Lead.Get.json?id=1","user.current"])") ==
          V{"crm.deal.list", "crm.lead.get", "user.current"});
    CHECK(cmds(R"("cmd":{"a":"crm.deal.list?x=1","b":"crm.deal.get.xml?id=2"})") ==
          V{"crm.deal.list", "crm.deal.get"});
    // Inside a cmd object every pair is a command, duplicates included, in order.
    CHECK(cmds(R"("cmd":{"a":"x.list","a":"y.get","b":"x.list"})") ==
          V{"x.list", "y.get", "x.list"});
    CHECK(cmds(R"("params":{"cmd":["a.b?c=d?e"]})") == V{"a.b"});
    CHECK(cmds(R"("params":{"cmd":["alias"]},"cmd":["canonical"])") == V{"canonical"});
    CHECK(cmds(R"("cmd":[])") == V{});
    CHECK(cmds(R"("cmd":{})") == V{});
    CHECK(cmds(R"("cmd":null)") == V{});
    CHECK(cmds(R"("cmd":[],"params":{"cmd":["a.b"]})") == V{"a.b"});  // empty is no cmd
    CHECK(f.ok(R"({"ts":1,"portal":"p","method":"BATCH.json","cmd":["a.b"]})").cmds.size() == 1);
    // Only a batch carries commands.
    CHECK(f.ok(R"({"ts":1,"portal":"p","method":"crm.deal.list","cmd":["a.b"]})").cmds.empty());
}

TEST_CASE("ndjson: bad batch commands", "[ndjson]") {
    Fixture f;
    const std::string pre = R"({"ts":1,"portal":"p","method":"batch",)";
    const std::string type = R"(field "cmd": expected an array or object of strings)";
    CHECK(f.bad(pre + R"("cmd":"crm.deal.list"})") == type);
    CHECK(f.bad(pre + R"("cmd":[1]})") == type);
    CHECK(f.bad(pre + R"("cmd":["a.b",null]})") == type);
    CHECK(f.bad(pre + R"("cmd":{"a":["x"]}})") == type);
    CHECK(f.bad(pre + R"("cmd":["?id=1"]})") == R"(field "cmd": a command has no method)");
    CHECK(f.bad(pre + R"("cmd":[""]})") == R"(field "cmd": a command has no method)");
    CHECK(f.bad(pre + R"("cmd":[".json?x"]})") == R"(field "cmd": a command has no method)");
    CHECK(f.bad(pre + R"("cmd":["a.b"],"params":{"cmd":5}})") ==
          R"(field "params.cmd": expected an array or object of strings)");
}

TEST_CASE("ndjson: duplicate keys, the first wins", "[ndjson]") {
    Fixture f;
    CHECK(f.ok(R"({"ts":1,"ts":2,"portal":"p","method":"m"})").t_us == 1 * kSec);
    CHECK(f.name(f.ok(R"({"ts":1,"portal":"a","portal":"b","method":"m"})").portal) == "a");
    CHECK(f.name(f.ok(line(R"("app":"first","app":"second")")).integration) == "app:first");
    CHECK(f.ok(line(R"("time":{"duration":1},"time":{"duration":2})")).cost_us == 1 * kSec);
    CHECK(f.ok(line(R"("time":{"duration":1,"duration":2})")).cost_us == 1 * kSec);
    // The first pair wins even when it is null (absent); a later duplicate is only JSON.
    CHECK(f.bad(R"({"ts":null,"ts":1,"portal":"p","method":"m"})") == R"(missing field "ts")");
    CHECK(f.ok(line(R"("status":200,"status":"later")")).status == 200);
}

TEST_CASE("ndjson: unknown fields are ignored but must be valid JSON", "[ndjson]") {
    Fixture f;
    f.ok(line(R"("x":{"a":[1,2.5e3,{"b":null}],"c":true,"d":"\u00e9\n"},"y":[],"z":-0.0)"));
    f.ok(line(R"("params":{"order":{"ID":"DESC"},"filter":[1,2]})"));
    f.ok(line(R"("time":{"finish":1764228393.5,"processing":0.1})"));
    for (const char* v : {"tru", "nul", "nullx", "1.", "01", "-", "1.5x", "[1,,2]", "[1 2]",
                          "{\"a\":}", "{\"a\" 1}", "\"\\u00\"", "\"\\x\"", "[}", "x", "+1",
                          "NaN", "{\"a\":1,}", "[1,]"}) {
        INFO(v);
        CHECK(f.bad(line(std::string(R"("x":)") + v)).rfind("not valid JSON", 0) == 0);
    }
    // Also inside the objects that hold aliases.
    CHECK(f.bad(line(R"("time":{"finish":tru})")).rfind("not valid JSON", 0) == 0);
    CHECK(f.bad(line(R"("params":{"cmd":["a"],"x":[1,,]})")).rfind("not valid JSON", 0) == 0);
    // And in a later duplicate.
    CHECK(f.bad(line(R"("app":"a","app":nope)")).rfind("not valid JSON", 0) == 0);
}

TEST_CASE("ndjson: broken and non-object lines", "[ndjson]") {
    Fixture f;
    for (const char* l : {R"({"ts":1)", R"({"ts":1,"portal":"p","method":"m")", R"({"ts")",
                          R"({"ts":1,"portal":"p","method":"m"}})", "{", "}", R"({"a":1}{"b":2})",
                          R"({"ts":1,"portal":"p","method":"m"} x)", R"({"ts":1,,"portal":"p"})",
                          R"({"ts" 1})", R"({ts:1})", R"({'ts':1})", "{\"ts\":1,\"portal\":\"p\x01\"}"}) {
        INFO(l);
        CHECK(f.bad(l).rfind("not", 0) == 0);
    }
    for (const char* l : {"[]", R"([{"ts":1,"portal":"p","method":"m"}])", "1", "\"s\"", "null",
                          "true"}) {
        INFO(l);
        CHECK(f.bad(l) == "not a JSON object");
    }
}

TEST_CASE("ndjson: broken JSON wins over a field error found before it", "[ndjson]") {
    Fixture f;
    CHECK(f.bad(line(R"("app":7,"x":tru)")) == "not valid JSON");
    CHECK(f.bad(line(R"("app":[1,,2])")) == "not valid JSON");  // the wrong value itself
    CHECK(f.bad(R"({"ts":1,"portal":"p","method":"batch","cmd":[1,nul]})") == "not valid JSON");
    // (simdjson words this one by the padding's first byte; either way it is broken JSON.)
    CHECK(f.bad(line(R"("app":7)") + "}").rfind("not valid JSON", 0) == 0);
    CHECK(f.bad(line(R"("app":7)") + "{}") == "not valid JSON: content after the object");
    // Of several field errors, the first one in the line is the reason.
    CHECK(f.bad(line(R"("app":7,"status":1.5)")) == R"(field "app": expected a string)");
}

TEST_CASE("ndjson: blank lines", "[ndjson]") {
    Fixture f;
    for (const char* l : {"", " ", "\t", "  \t \r", "\r"}) CHECK(f.parse(l) == LineKind::Blank);
    // Whitespace around an object is fine.
    CHECK(f.parse(" \t" + line() + " \r") == LineKind::Hit);
}

TEST_CASE("ndjson: invalid UTF-8 and NUL bytes", "[ndjson]") {
    Fixture f;
    CHECK(f.bad(line("\"x\":\"\xff\"")) == "not valid JSON: invalid UTF-8");
    CHECK(f.bad(line("\"x\xc3\":1")) == "not valid JSON: invalid UTF-8");
    const std::string nul_in_string = std::string("{\"ts\":1,\"portal\":\"p") + '\0' + "\"}";
    CHECK(f.bad(nul_in_string).rfind("not valid JSON", 0) == 0);
    CHECK(f.bad(line() + std::string(1, '\0')).rfind("not valid JSON", 0) == 0);
    CHECK(f.bad(std::string(1, '\0')).rfind("not", 0) == 0);
    // Escaped NUL and valid UTF-8 are fine.
    CHECK(f.name(f.ok(R"({"ts":1,"portal":"a\u0000b","method":"m"})").portal) ==
          std::string("a\0b", 3));
    CHECK(f.name(f.ok(R"({"ts":1,"portal":"пример.рф","method":"m"})").portal) == "пример.рф");
}

TEST_CASE("ndjson: escaped keys are matched after unescaping", "[ndjson]") {
    Fixture f;
    CHECK(f.ok(R"({"\u0074s":5,"portal":"p","method":"m"})").t_us == 5 * kSec);
}

TEST_CASE("ndjson: reasons never quote a value", "[ndjson]") {
    Fixture f;
    const std::string secret = "s3cr3tTOKEN";
    for (const std::string& l :
         {line(R"("webhook":7,"x":")" + secret + "\""), line(R"("duration":")" + secret + "\""),
          std::string(R"({"ts":")") + secret + R"(","portal":"p","method":"m"})",
          line(R"("cmd":{")" + secret + R"(":1},"method":"batch")"),
          line(R"("x":")" + secret + R"(" "y")")})
        CHECK(f.bad(l).find(secret) == std::string::npos);
}

TEST_CASE("ndjson: deep nesting is refused, not a crash", "[ndjson]") {
    Fixture f;
    f.ok(line(R"("x":)" + std::string(100, '[') + std::string(100, ']')));
    CHECK(f.bad(line(R"("x":)" + std::string(5000, '[') + std::string(5000, ']')))
              .rfind("not valid JSON", 0) == 0);
}

TEST_CASE("ndjson: the parser is reusable after bad lines", "[ndjson]") {
    Fixture f;
    f.bad(R"({"ts":1,"portal":"p","method":"m"} x)");
    f.bad("{");
    f.bad(line("\"x\":\"\xff\""));
    CHECK(f.parse(line()) == LineKind::Hit);
    CHECK(f.hit.t_us == kT);
    // Fields of an earlier hit do not leak into the next one.
    f.ok(line(R"("app":"a","ip":"1","duration":1,"status":500,"error":"E","plan":"enterprise")"));
    Hit& h = f.hit;
    h = Hit{};
    h.cmds = {1, 2};
    h.status = 7;
    std::string reason;
    std::string buf = line() + std::string(kLinePadding, ' ');
    REQUIRE(f.parser.parse(std::string_view(buf.data(), line().size()), h, reason) == LineKind::Hit);
    CHECK(h.cmds.empty());
    CHECK(h.status == 0);
    CHECK(h.ip == kNoSym);
    CHECK(h.cost_us == kUnknownCost);
    CHECK(h.plan == kNoPlan);
    CHECK(h.error == kNoSym);
    CHECK(h.kind == IntegrationKind::Unknown);
}

TEST_CASE("ndjson: ids are valid in the table after it is cleared", "[ndjson]") {
    // A parse worker clears its table between chunks and keeps its parser: every id the
    // parser remembers (memo of the last line, name caches, "unknown", "batch") must be
    // made again in the new generation.
    Fixture f;
    const std::string webhook = R"({"ts":1,"portal":"P.example","method":"A.B","webhook":"1/secret",)"
                                R"("ip":"10.0.0.1","error":"E"})";
    const std::string app = R"({"ts":1,"portal":"P.example","method":"batch","app":"x",)"
                            R"("ip":"10.0.0.1","cmd":["c.d?x=1"]})";
    const std::string unknown = R"({"ts":1,"portal":"q","method":"A.B"})";
    auto check = [&](const std::string& l) {
        const Hit& h = f.ok(l);
        for (const Sym s : {h.portal, h.method, h.integration})
            REQUIRE(s < f.symbols.size());
        if (h.ip != kNoSym) REQUIRE(h.ip < f.symbols.size());
        if (h.error != kNoSym) REQUIRE(h.error < f.symbols.size());
        for (const Sym s : h.cmds) REQUIRE(s < f.symbols.size());
        return h;
    };
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        for (int repeat = 0; repeat < 2; ++repeat) {  // the second time from the memos
            Hit h = check(webhook);
            CHECK(f.name(h.portal) == "p.example");
            CHECK(f.name(h.method) == "a.b");
            CHECK(f.name(h.integration) == webhook_name("1/secret"));
            CHECK(f.name(h.ip) == "10.0.0.1");
            CHECK(f.name(h.error) == "E");
            h = check(app);
            CHECK(f.name(h.integration) == "app:x");
            CHECK(f.name(h.method) == "batch");
            REQUIRE(h.cmds.size() == 1);
            CHECK(f.name(h.cmds[0]) == "c.d");
            h = check(unknown);
            CHECK(f.name(h.integration) == "unknown");
            CHECK(f.name(h.portal) == "q");
        }
        f.symbols.clear();
        REQUIRE(f.symbols.size() == 0);
    }
    // Another parser's table is never touched.
    SymbolTable other;
    other.intern("unrelated");
    f.ok(webhook);
    CHECK(other.size() == 1);
}
