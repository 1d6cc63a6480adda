// The NDJSON parser reads common lines by a hand-written fast path and everything else by
// the full simdjson path. The fast path must never change a result: here both parse the same
// generated, mutated and fixture lines, and every outcome (kind, reason, each field) must
// be the same.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "hit_text.h"
#include "line_parse.h"
#include "ndjson_parser.h"
#include "random_text.h"
#include "two_readings.h"
#include "rules.h"
#include "symbols.h"

using namespace b24;

namespace {

struct Side {
    SymbolTable symbols;
    Rules rules = default_rules();
    ParseContext ctx;
    NdjsonParser parser;
    Hit hit;
    std::string reason;

    explicit Side(bool fast) : ctx{&symbols, &rules}, parser(ctx) {
        NdjsonParserTesting::set_fast_path(parser, fast);
    }
    // Everything a parse tells, with names instead of ids (the tables differ).
    std::string outcome(LineKind k) const {
        return test_hit::line_outcome(symbols, k, hit, reason);
    }
};

// parse_next() reads a line of a run as parse() reads the line next_line() cuts, and ends
// where next_line() does: `line` is checked as the first line of runs that go on after it
// ("\n" or "\r\n" and another line, whose first bytes the fast path may read) and as the
// last one.
struct RunDiffer {
    Side side{true};
    Side by_line{true};
    std::string run;

    void check(std::string_view line) {
        for (const char* after : {"", "\n", "\r\n", "\n{\"ts\":1}", "\r\n\n", "\n\"x\"}"}) {
            run.assign(line);
            run.append(after);
            const std::size_t size = run.size();
            run.append(kLinePadding, '"');  // junk that looks like JSON: nothing may read it
            const char* const begin = run.data();
            const auto r = test_hit::read_both(by_line, side, begin, begin + size);
            INFO("line: " << line << " then: " << after);
            CHECK(r.by_run == r.by_line);
            CHECK(r.run_next - begin == r.line_next - begin);
        }
    }
};

struct Differ {
    Side fast{true}, full{false};
    RunDiffer runs;
    std::string buffer;
    std::size_t lines = 0, taken_fast = 0, hits_fast = 0, bad_fast = 0;

    void check(std::string_view line) {
        // The padding after the line is junk that looks like JSON: nothing may read it.
        buffer.assign(line);
        buffer.append(kLinePadding, '"');
        const std::string_view view(buffer.data(), line.size());
        fast.reason.clear();
        full.reason.clear();
        fast.hit = Hit{};
        full.hit = Hit{};
        const LineKind a = fast.parser.parse(view, fast.hit, fast.reason);
        const LineKind b = full.parser.parse(view, full.hit, full.reason);
        ++lines;
        if (NdjsonParserTesting::last_was_fast(fast.parser)) {
            ++taken_fast;
            hits_fast += a == LineKind::Hit;
            bad_fast += a == LineKind::Bad;
        }
        const std::string oa = fast.outcome(a), ob = full.outcome(b);
        if (oa != ob) {
            INFO("line: " << line);
            CHECK(oa == ob);
        }
        if (!line.empty()) runs.check(line);
    }
};

// Pieces of lines, valid and not, weighted toward what loggers write.
const std::vector<std::string> kKeys = {
    "ts", "time", "timestamp", "@timestamp", "portal", "domain", "host", "method", "app",
    "webhook", "ip", "client_ip", "remote_addr", "cost", "duration", "operating", "status",
    "error", "cmd", "start", "params", "plan", "x", "agent", "time.start", "", "TS", "t\xc5\x9b",
    "\\u0074s", "t\\\"s", "po\\/rtal", "\\ud83d\\ude00", "durations", "ts ", "stat"};
const std::vector<std::string> kNested = {"start", "duration", "operating", "cmd", "finish",
                                          "x", "\\u0073tart", "Start"};
const std::vector<std::string> kNumbers = {
    "0", "-0", "1795000000.123456", "1795000002.5", "1764228392", "0.084468", "19.31980728",
    "1e5", "1.5E-3", "2.5e+1", "2E2", "-2e2", "200E0", "0e0", "-1", "-0.5", "200", "503",
    "2147483647", "2147483648",
    "-2147483649", "99999999999999999999999", "0.0000005", "1e400", "-9223372036855", "1e-7",
    "1.0000005", "123456789012.1234567", "-0.000001", "-0.0000005", "-0.00000049", "01", "1.",
    "-", "+1", ".5", "1e", "NaN", "1.5x",
    "0x10", "1e+", "--1", "1.2.3"};
const std::vector<std::string> kStrings = {
    "\"acme.bitrix24.com\"", "\"Acme.Bitrix24.COM\"", "\"\"", "\"crm.deal.list\"",
    "\"CRM.Deal.List.json\"", "\".json\"", "\".XML\"", "\"batch\"", "\"BATCH.json\"",
    "\"1/f9c9796b2f4ac26f\"", "\"app.insight.reports\"", "\"203.0.113.50\"",
    "\"enterprise\"", "\"standard\"", "\"gold\"", "\"x y\"", "\"QUERY_LIMIT_EXCEEDED\"",
    "\"2026-11-18T14:06:47.809+03:00\"", "\"2026-11-18T11:08:27.111Z\"", "\"2026-02-29T00:00:00Z\"",
    "\"2025-11-27T07:26:32\\u005a\"", "\"2016-12-31T23:59:60Z\"", "\"1764228392\"",
    "\"a\\\"b\"", "\"a\\\\b\"", "\"a\\/b\"", "\"tab\\there\"", "\"\\b\\f\\n\\r\\t\"",
    "\"\\u0041\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00\"",
    "\"\\ud800\\u0041\"", "\"\\u00\"", "\"\\x\"", "\"\\\"", "\"пример.рф\"",
    "\"caf\xc3\xa9\"",
    "\"\xf0\x9f\x98\x80\"", "\"\xef\xbf\xbf\"", "\"\xf4\x8f\xbf\xbf\"", "\"\xf4\x90\x80\x80\"",
    "\"\xff\"", "\"\xc0\x80\"", "\"\xc3\"", "\"\xe0\x80\x80\"", "\"\xed\xa0\x80\"",
    "\"\xed\x9f\xbf\"", "\"\xf0\x8f\xbf\xbf\"", "\"\x80\"", "\"a\x01\"", "\"a\tb\"",
    "\"a\x7f\"", "\"a\x1f\"", "\"\x1f\x20\"", "\"crm.deal.list?start=0\"", "\"?id=1\"",
    "\"unterminated"};
const std::vector<std::string> kLiterals = {"true", "false", "null", "tru", "nul", "nullx",
                                            "True", "NULL"};

class Gen : public test_text::RandomText {
public:
    using RandomText::RandomText;

    std::string ws() {
        if (!chance(4)) return "";
        static const std::vector<std::string> kWs = {" ", "  ", "\t", "\r", "\n", " \t "};
        if (chance(5)) return chance(50) ? "\f" : "\v";  // not JSON whitespace
        return pick(kWs);
    }
    std::string key(const std::vector<std::string>& names) { return "\"" + pick(names) + "\""; }

    // A cmd array, or an object of commands (its keys are free).
    std::string cmd_array() {
        const bool object = chance(40);
        std::string s = (object ? "{" : "[") + ws();
        const std::size_t n = below(5);
        for (std::size_t i = 0; i < n; ++i) {
            if (i) s += ws() + "," + ws();
            static const std::vector<std::string> kCmdKeys = {"\"c0\"", "\"c0\"", "\"\"",
                                                              "\"a\\nb\"", "\"\\u0061\"", "1"};
            if (object) s += pick(kCmdKeys) + ws() + ":" + ws();
            static const std::vector<std::string> kCmds = {
                "\"crm.deal.list?start=0\"", "\"CRM.Lead.Get.json?id=1\"", "\"user.current\"",
                "\"?id=1\"", "\"\"", "\".json?x\"", "1", "null", "\"a\\u0062\"", "\"x\\/y\"",
                "[\"x\"]", "\"a.b?c=d?e\"", "\"crm.deal.list?start=0\""};
            s += pick(kCmds);
        }
        return s + ws() + (object ? "}" : "]");
    }

    std::string object(const std::vector<std::string>& names, int depth, std::size_t max_members) {
        std::string s = "{" + ws();
        const std::size_t n = below(max_members + 1);
        for (std::size_t i = 0; i < n; ++i) {
            if (i) s += ws() + "," + ws();
            s += key(names) + ws() + ":" + ws() + value(depth + 1);
        }
        return s + ws() + "}";
    }

    // Decimals of every length around the fast conversion's limits (12 integer digits, 18
    // in all), some with an exponent or a broken shape.
    std::string number() {
        std::string s = chance(15) ? "-" : "";
        const std::size_t n_int = 1 + below(14);
        for (std::size_t i = 0; i < n_int; ++i) {
            const bool lead = i == 0 && n_int > 1 && !chance(3);  // mostly no leading zero
            s += static_cast<char>('0' + (lead ? 1 + below(9) : below(10)));
        }
        if (chance(80)) {
            s += '.';
            const std::size_t n_frac = below(chance(90) ? 12 : 22);
            for (std::size_t i = 0; i < n_frac; ++i)
                s += static_cast<char>('0' + (chance(30) ? 5 : below(10)));
        }
        if (chance(5))
            s += (chance(50) ? "e" : "E") + std::string(chance(50) ? "-" : "") +
                 std::to_string(below(25));
        return s;
    }

    std::string value(int depth) {
        const std::size_t k = below(100);
        if (k < 15) return number();
        if (k < 35) return pick(kNumbers);
        if (k < 75) return pick(kStrings);
        if (k < 82) return pick(kLiterals);
        if (depth > 3) return "null";
        if (k < 88) return object(kNested, depth, 4);
        if (k < 94) return cmd_array();
        if (k < 97) return "[" + value(depth + 1) + "," + value(depth + 1) + "]";
        return "[]";
    }

    // A line shaped like a logger's, with random fields; sometimes of odd types.
    std::string line() {
        std::string s = ws() + "{" + ws();
        bool first = true;
        auto member = [&](const std::string& k, const std::string& v) {
            if (!first) s += ws() + "," + ws();
            first = false;
            s += "\"" + k + "\"" + ws() + ":" + ws() + v;
        };
        if (chance(85)) {  // the usual core, in a usual order
            static const std::vector<std::string> kTs = {"ts", "timestamp", "@timestamp"};
            if (chance(15)) {
                member("time", "{\"start\":" + pick(kNumbers) + ",\"duration\":" + pick(kNumbers) +
                                   ",\"operating\":" + pick(kNumbers) + "}");
            } else {
                member(pick(kTs), chance(70)   ? "1795000002.504385"
                                 : chance(50) ? number()
                                              : pick(chance(50) ? kNumbers : kStrings));
            }
            static const std::vector<std::string> kPortalKeys = {"portal", "domain", "host"};
            member(pick(kPortalKeys), chance(85) ? "\"acme.bitrix24.com\"" : pick(kStrings));
            const bool batch = chance(15);
            member("method",
                   batch ? "\"batch\"" : chance(85) ? "\"crm.deal.list\"" : pick(kStrings));
            static const std::vector<std::string> kWho = {"app", "webhook"};
            if (chance(80))
                member(pick(kWho), chance(85) ? "\"3/f9c9796b2f4ac26f\"" : pick(kStrings));
            static const std::vector<std::string> kIp = {"ip", "client_ip", "remote_addr"};
            if (chance(80)) member(pick(kIp), chance(85) ? "\"198.51.100.40\"" : pick(kStrings));
            if (chance(80))
                member("duration",
                       chance(70) ? "0.084468" : chance(50) ? number() : pick(kNumbers));
            if (chance(80)) member("status", chance(85) ? "200" : pick(kNumbers));
            if (chance(15)) member("error", pick(kStrings));
            if (chance(15)) member("plan", chance(50) ? "\"enterprise\"" : pick(kStrings));
            if (chance(10)) member("start", chance(50) ? "0" : value(1));
            if (batch || chance(10)) member("cmd", chance(80) ? cmd_array() : value(1));
            if (chance(batch ? 30 : 5)) member("params", object(kNested, 1, 3));
        }
        const std::size_t extra = chance(60) ? 0 : below(3);
        for (std::size_t i = 0; i < extra; ++i) member(pick(kKeys), value(1));
        return s + ws() + "}" + ws();
    }

    // Small damage anywhere: the fast path must then agree or step aside.
    std::string mutate(std::string s) {
        static const std::string kBytes = std::string("{}[]\",:\\ 0123456789.eE-+aeflnrstu\t\r") +
                                          '\0' + "\x1f\x7f\xff\xc3\x80\xa9";
        const std::size_t n = 1 + below(3);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t at = place(s);
            if (const std::size_t kind = below(6); kind < 5) {
                damage(s, at, kind, kBytes);
            } else {
                static const std::vector<std::string> kTails = {"x", "{}", "}", " 1", ",",
                                                                "\"\"", "]"};
                s += pick(kTails);
            }
        }
        return s;
    }
};

}  // namespace

TEST_CASE("ndjson fast path: the same outcome as the full path on generated lines",
          "[ndjson][fast]") {
    Differ d;
    Gen g(20261127);
    test_text::check_generated(d, g, 60000);
    // Both paths are really exercised: many lines are taken fast, hits and bad ones, and
    // many are left to the full path.
    INFO(d.taken_fast << " of " << d.lines << " lines taken fast");
    CHECK(d.hits_fast > d.lines / 10);
    CHECK(d.bad_fast > d.lines / 100);
    CHECK(d.lines - d.taken_fast > d.lines / 4);
}

TEST_CASE("ndjson fast path: the same outcome on edge lines", "[ndjson][fast]") {
    Differ d;
    const std::string base =
        R"("ts":1795000002.504385,"portal":"acme.bitrix24.com","method":"crm.deal.list")";
    for (const std::string& l : std::vector<std::string>{
             "{" + base + "}", " {" + base + "} ", "\t{" + base + "}\r", "\f{" + base + "}",
             "{" + base + "}\v", "{" + base + "}\n", "{" + base + "}x", "{" + base + "}{}",
             "{" + base + ",}", "{," + base + "}", "{" + base, "{}", "{ }", "[]", "1", "\"x\"",
             "{" + base + ",\"x\":" + std::string(40, '[') + std::string(40, ']') + "}",
             "{" + base + ",\"x\":" + std::string(2000, '[') + std::string(2000, ']') + "}",
             "{" + base + ",\"status\":200,\"status\":\"later\"}",
             "{" + base + ",\"ts\":null}", "{\"ts\":null," + base + "}",
             "{" + base + ",\"time\":{\"start\":1,\"start\":2}}",
             "{" + base + ",\"time\":5}", "{" + base + ",\"time\":[1]}",
             "{" + base + ",\"params\":{\"cmd\":[\"a.b\"]},\"method\":\"batch\"}",
             R"({"ts":1,"portal":"p","method":"batch","cmd":["a.b","c.d?x"],)"
             R"("params":{"cmd":["e.f"]}})",
             R"({"ts":1,"portal":"p","method":"batch","cmd":[],"params":{"cmd":["e.f"]}})",
             R"({"ts":1,"portal":"p","method":"batch","cmd":{"a":"x.y"}})",
             R"({"ts":1,"portal":"p","method":"m","plan":""})",
             R"({"ts":1,"portal":"p","method":"m","plan":"gold"})",
             R"({"ts":1,"portal":"","method":"m"})", R"({"ts":1,"portal":"p","method":".json"})",
             R"({"ts":-9223372036854.775808,"portal":"p","method":"m"})",
             R"({"ts":9223372036854.775807,"portal":"p","method":"m"})",
             R"({"ts":9223372036854.775808,"portal":"p","method":"m"})",
             R"({"ts":1,"portal":"p","method":"m","status":-0})",
             R"({"ts":1,"portal":"p","method":"m","status":00})",
             R"({"ts":1,"portal":"p","method":"m","start":"a\u0041"})",
             R"({"ts":1,"portal":"p","method":"m","start":"a\/"})",
             std::string("{") + base + ",\"x\":\"" + std::string(1, '\0') + "\"}",
             std::string("{") + base + "}" + std::string(1, '\0')}) {
        d.check(l);
        for (std::size_t cut = 0; cut < l.size(); ++cut) d.check(l.substr(0, cut));
    }
}

TEST_CASE("ndjson fast path: the same outcome on the fixture logs", "[ndjson][fast]") {
    Differ d;
    for (const char* name : {"/acme.ndjson", "/big.ndjson"}) {
        std::ifstream in(std::string(B24_FIXTURES) + name, std::ios::binary);
        REQUIRE(in);
        std::string line;
        while (std::getline(in, line)) d.check(line);
    }
    CHECK(d.taken_fast > d.lines / 2);
}
