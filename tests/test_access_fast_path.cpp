// AccessLogParser::parse_next() reads common lines in one pass of its own and leaves every
// other line to parse() as next_line() cuts it. It must never change a result: here both
// read the same generated, mutated, edge and fixture lines, as the first line of runs that
// go on after it and as the last one, and every outcome (kind, reason, each field) and the
// place the line ends must be the same.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "access_log_parser.h"
#include "hit_text.h"
#include "line_parse.h"
#include "random_text.h"
#include "two_readings.h"
#include "rules.h"
#include "symbols.h"

using namespace b24;

namespace {

struct Side {
    SymbolTable symbols;
    Rules rules = default_rules();
    ParseContext ctx{&symbols, &rules};
    AccessLogParser parser{ctx};
    Hit hit;
    std::string reason;

    std::string outcome(LineKind k) const {
        return test_hit::line_outcome(symbols, k, hit, reason);
    }
};

struct Differ {
    Side by_run, by_line;
    Side fresh;  // its table is cleared before every line, so it remembers no names
    std::string run;
    std::size_t lines = 0, taken_fast = 0, hits_fast = 0, bad_fast = 0, skipped_fast = 0;

    void check(std::string_view line) {
        ++lines;
        check_memo(line);
        for (const char* after : {"", "\n", "\r\n", "\n1.2.3.4 - - [x] \"GET / \" 200 1",
                                  "\r\n\n", "\n\"\\ \n"}) {
            run.assign(line);
            run.append(after);
            const std::size_t size = run.size();
            // Junk with every byte the fast path looks for, digits too: nothing past `end`
            // may count.
            while (run.size() < size + kLinePadding) run += "0\n \"]\\\r";
            const char* const begin = run.data();
            const auto r = test_hit::read_both(by_line, by_run, begin, begin + size);
            if (*after == '\0' && AccessLogParserTesting::last_was_fast(by_run.parser)) {
                ++taken_fast;
                hits_fast += r.kind == LineKind::Hit;
                bad_fast += r.kind == LineKind::Bad;
                skipped_fast += r.kind == LineKind::Skipped;
            }
            if (r.by_run != r.by_line || r.run_next != r.line_next) {
                INFO("line: " << line << " then: " << after);
                CHECK(r.by_run == r.by_line);
                CHECK(r.run_next - begin == r.line_next - begin);
            }
        }
    }

    // What the parser remembers of earlier lines never changes what a line gives.
    void check_memo(std::string_view line) {
        run.assign(line);
        run.append(kLinePadding, ' ');
        const std::string_view view(run.data(), line.size());
        by_line.reason.clear();
        by_line.hit = Hit{};
        const LineKind b = by_line.parser.parse(view, by_line.hit, by_line.reason);
        fresh.symbols.clear();
        fresh.reason.clear();
        fresh.hit = Hit{};
        const LineKind a = fresh.parser.parse(view, fresh.hit, fresh.reason);
        if (fresh.outcome(a) != by_line.outcome(b)) {
            INFO("line: " << line);
            CHECK(fresh.outcome(a) == by_line.outcome(b));
        }
    }
};

class Gen : public test_text::RandomText {
public:
    using RandomText::RandomText;

    const std::string& pick(const std::vector<std::string>& v) { return RandomText::pick(v); }

    // Mostly one space; sometimes what parse() takes and the fast path leaves to it.
    std::string sep() { return chance(95) ? " " : pick({"  ", "\t", " \t", ""}); }

    std::string line() {
        static const std::vector<std::string> kVhosts = {
            "acme.bitrix24.com:443", "Shop77.Bitrix24.DE:443", "[2001:db8::1]:443",
            "2001:db8::1", "-", "acme.example:", "x"};
        static const std::vector<std::string> kClients = {
            "203.0.113.7", "198.51.100.40", "2001:db8::7", "[x]", "", "-"};
        static const std::vector<std::string> kTimes = {
            "[27/Nov/2026:07:26:32 +0000]", "[27/Nov/2026:07:26:33 +0000]",
            "[27/Nov/2026:07:27:00 +0100]", "[27/nov/2026:07:26:59 -0530]",
            "[27/Nov/2026:07:26:32.123 +0000]", "[27/Nov/2026:07:26:61 +0000]",
            "[31/Feb/2026:07:26:32 +0000]", "[27/Nov/2026:07:26:32 +0000", "[27/Nov/2026]",
            "[27/Nov/2026:07:26:3] +0000]", "[27/Nov/2026:07:26:32 +000]]", "[]",
            "[27/Nov/2026:07:26:32  +000]"};
        static const std::vector<std::string> kTargets = {
            "/rest/crm.deal.list.json?auth=8d8fffdc7bd88d7c956b0e4df8846b9e&start=0",
            "/rest/3/f9c9796b2f4ac26f/crm.deal.update.json?id=96174",
            "/rest/15/996a9ec531e32b46/im.notify.system.add.json", "/rest/user.current",
            "/rest/batch.json?auth=t&cmd[a]=crm.deal.get%3Fid%3D1&cmd[b]=user.current",
            "/rest/CRM.Lead.Get.XML", "/rest/", "/rest//x/m", "/rest/x/y/m", "/rest/1//m",
            "/rest/1/s/a/b", "/index.php", "/", "/crm/deal/details/8108", "/online/?IM_DIALOG=c1",
            "/rest", "/rest/m%2Ex?x=\\\"y", "/rest/a\\\"b"};
        static const std::vector<std::string> kTrails = {
            " \"-\" \"curl/8.0\"", " \"-\" \"axios/1.6.8\" 19.319", " \"-\" \"a \\\" b\" 0.084",
            " \"https://x/\" \"UA\" \"1.2.3.4\" 0.5", " \"-\" \"x\" -", " \"-\" \"x\" 1e3",
            " \"-\" \"x\" 0.1 0.2", " \"-\" \"x\" -1", "", " \"-\"", " \"unterminated",
            " \"-\"\"x\"", " 0.3", " \"\\\\\" 0.2"};
        std::string s;
        if (chance(5)) s += pick({" ", "\t", "\r"});
        if (chance(70)) s += pick(kVhosts) + sep();
        s += pick(kClients) + sep() + (chance(90) ? "- -" : pick({"-", "- u - v", "-  -"}));
        s += sep() + (chance(80) ? kTimes[below(2)] : pick(kTimes));
        const std::string method = chance(80) ? "GET" : pick({"POST", "-", "", "GET  "});
        if (chance(95)) {
            s += sep() + "\"" + method + " " + (chance(70) ? kTargets[below(3)] : pick(kTargets)) +
                 (chance(90) ? " HTTP/1.1" : pick({"", " ", " HTTP/1.1 x"})) + "\"";
        } else {
            s += sep() + pick({"\"-\"", "\"\"", "\"GET /rest/m", "-", "\"\\\"\""});
        }
        s += chance(90) ? " " + std::string(pick({"200", "503", "429"})) + " " +
                              pick({"512", "-", "25352"})
                        : pick({" 20 1", " 200", " 2000 1", " 200 x", " 200 -1", ""});
        s += chance(70) ? kTrails[below(2)] : pick(kTrails);
        if (chance(30)) s += " \"-\" \"x\" " + seconds();
        if (chance(5)) s += pick({" ", "\t", "\r", " \r"});
        return s;
    }

    // A request time of every length around the fast path's limits (8 integer digits, 6
    // decimals) and decimal_to_micros's (12), sometimes with a leading zero or no digits.
    std::string seconds() {
        std::string t;
        const std::size_t n_int = below(15);
        for (std::size_t i = 0; i < n_int; ++i)
            t += static_cast<char>('0' + (i == 0 && !chance(10) ? 1 + below(9) : below(10)));
        if (chance(80)) {
            t += '.';
            const std::size_t n_frac = below(9);
            for (std::size_t i = 0; i < n_frac; ++i) t += static_cast<char>('0' + below(10));
        }
        return t;
    }

    // Small damage anywhere: the fast path must then agree or step aside.
    std::string mutate(std::string s) {
        static const std::string kBytes = std::string(" \"[]\\/?:&=.-\t\r\n0123456789aZ%") + '\0';
        const std::size_t n = 1 + below(3);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t at = place(s);
            damage(s, at, below(5), kBytes);
        }
        return s;
    }
};

std::string common_line(std::string_view agent) {
    return "acme.bitrix24.com:443 203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET "
           "/rest/crm.deal.list.json?auth=8d8fffdc7bd88d7c956b0e4df8846b9e&start=0 HTTP/1.1\" "
           "200 512 \"-\" \"" +
           std::string(agent) + "\" 0.084";
}

}  // namespace

TEST_CASE("access fast path: the same outcome as parse() on generated lines",
          "[access_log][fast]") {
    Differ d;
    Gen g(20261130);
    test_text::check_generated(d, g, 40000);
    // Both ways are really exercised: many lines are read fast, hits, bad and skipped ones,
    // and many are left to parse().
    INFO(d.taken_fast << " of " << d.lines << " lines taken fast");
    CHECK(d.hits_fast > d.lines / 10);
    CHECK(d.bad_fast > d.lines / 100);
    CHECK(d.skipped_fast > d.lines / 100);
    CHECK(d.lines - d.taken_fast > d.lines / 4);
}

TEST_CASE("access fast path: fields that end anywhere in a 16-byte read",
          "[access_log][fast]") {
    // The line's end, its last field's, its last quote at every offset of the 16-byte
    // reads, and lines of every length up to a few hundred bytes.
    Differ d;
    const std::size_t base = common_line("").size();
    for (std::size_t n = 0; base + n <= 600; ++n) {
        const std::string agent(n, 'a');
        d.check(common_line(agent));
        d.check(common_line(agent + "\""));
        d.check(common_line(std::string(n, ' ')));
    }
    for (std::size_t n = 0; n <= 600; ++n) d.check(std::string(n, 'x'));
    for (std::size_t n = 0; n < 40; ++n) {
        const std::string l =
            "h" + std::string(n, 'o') + ".example:443 10.0.0." + std::string(n, '1') +
            " - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/" + std::string(n + 1, 'm') + "?x=" +
            std::string(n, 'q') + " HTTP/1.1\" 200 5 \"-\" \"" + std::string(n, 'a') + "\" 0." +
            std::string(n % 8 + 1, '7');
        d.check(l);
        d.check(l.substr(l.find(' ') + 1));  // no vhost
    }
    CHECK(d.taken_fast > 0);
}

TEST_CASE("access fast path: the same outcome on edge lines", "[access_log][fast]") {
    Differ d;
    const std::string l = common_line("curl/8.0");
    for (const std::string& e : std::vector<std::string>{
             l, " " + l, "\t" + l, "\r" + l, l + " ", l + "\t", l + "\r", l + "\r\r", l + "\r ",
             "", " ", "\r", "x", "x y z [",
             "a b c d e [27/Nov/2026:07:26:32 +0000] \"GET /rest/m\"",
             "a b c [27/Nov/2026:07:26:32 +0000] \"GET /rest/m\" 200 1",
             "a b c [27/Nov/2026:07:26:32 +0000] \"GET /rest/m\\\"\" 200 1",
             "a b c [27/Nov/2026:07:26:32 +0000] \"GET /rest/m\\\\\" 200 1",
             "a b c [27/Nov/2026:07:26:32 +0000] \"\" 200 1",
             "a b c [27/Nov/2026:07:26:32 +0000]\"GET /rest/m\" 200 1",
             "a b c [27/Nov/2026:07:26:32 +0000] \"GET /rest/m",
             "a b c [27/Nov/2026:07:26:32 +0000] \"GET /rest/m\"",
             "[a b c [27/Nov/2026:07:26:32 +0000] \"GET /rest/m\" 200 1",
             "a [b c [27/Nov/2026:07:26:32 +0000] \"GET /rest/m\" 200 1",
             "a b c d [27/Nov/2026:07:26:32 +0000] \"GET /rest/m\" 200 1"}) {
        d.check(e);
        for (std::size_t cut = 0; cut < e.size(); ++cut) d.check(e.substr(0, cut));
    }
    CHECK(d.taken_fast > 0);
}

TEST_CASE("access fast path: the same outcome on the fixture log", "[access_log][fast]") {
    Differ d;
    std::ifstream in(std::string(B24_FIXTURES) + "/shop.access.log", std::ios::binary);
    REQUIRE(in);
    std::string line;
    while (std::getline(in, line)) d.check(line);
    CHECK(d.lines > 10);
    CHECK(d.taken_fast > d.lines / 2);
}
