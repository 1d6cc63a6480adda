#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "access_log_parser.h"
#include "identity.h"
#include "micros.h"

using namespace b24;

namespace {

// sha256("secret") begins 2bb80d. 27/Nov/2026:07:26:32 +0000 is 1795764392 s.
constexpr std::int64_t kT = 1795764392000000;

struct Fixture {
    SymbolTable symbols;
    Rules rules;
    ParseContext ctx;
    AccessLogParser parser;
    Hit hit;
    std::string reason;

    explicit Fixture(std::string portal = "default")
        : ctx{&symbols, &rules, std::move(portal)}, parser(ctx) {}

    // The line, then padding the parser may read but must not see: every byte it
    // searches for, so a search that looks past the end finds something there.
    std::string buffer;

    LineKind parse(std::string_view line) {
        reason.clear();
        buffer.assign(line);
        while (buffer.size() < line.size() + kLinePadding) buffer += " \"[]/?:&=\r\n";
        return parser.parse(std::string_view(buffer).substr(0, line.size()), hit, reason);
    }
    std::string_view name(Sym s) const { return s == kNoSym ? "<none>" : symbols.name(s); }
    std::vector<std::string> cmds() const {
        std::vector<std::string> v;
        for (const Sym s : hit.cmds) v.emplace_back(symbols.name(s));
        return v;
    }
};

std::string line(std::string_view target, std::string_view prefix = "",
                 std::string_view suffix = "", std::string_view client = "203.0.113.7") {
    return std::string(prefix) + std::string(client) +
           " - - [27/Nov/2026:07:26:32 +0000] \"GET " + std::string(target) +
           " HTTP/1.1\" 200 512 \"-\" \"curl/8.0\"" + std::string(suffix);
}

}  // namespace

TEST_CASE("access log: nginx combined app hit without request time", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/crm.deal.list?auth=tok123&start=0")) == LineKind::Hit);
    CHECK(f.hit.t_us == kT);
    CHECK(f.name(f.hit.portal) == "default");
    CHECK(f.name(f.hit.integration) == "app:@203.0.113.7");
    CHECK(f.hit.kind == IntegrationKind::App);
    CHECK(f.name(f.hit.ip) == "203.0.113.7");
    CHECK(f.name(f.hit.method) == "crm.deal.list");
    CHECK(f.hit.cost_us == kUnknownCost);
    CHECK(f.hit.status == 200);
    CHECK(f.hit.plan == kNoPlan);
    CHECK(f.hit.error == kNoSym);
    CHECK(f.hit.cmds.empty());
}

TEST_CASE("access log: a /rest/METHOD without auth= is an app hit too", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/crm.deal.add.json")) == LineKind::Hit);  // POST, auth in body
    CHECK(f.name(f.hit.integration) == "app:@203.0.113.7");
    CHECK(f.name(f.hit.method) == "crm.deal.add");
}

TEST_CASE("access log: trailing request time", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/user.get", "", " 0.123")) == LineKind::Hit);
    CHECK(f.hit.cost_us == 123000);
    REQUIRE(f.parse(line("/rest/user.get", "", " 1.0000005")) == LineKind::Hit);
    CHECK(f.hit.cost_us == 1000001);  // exact decimal, rounded half away from zero
    REQUIRE(f.parse(line("/rest/user.get", "", " 0.000")) == LineKind::Hit);
    CHECK(f.hit.cost_us == 0);
    // nginx writes "-" for a variable without value; further fields are ignored
    REQUIRE(f.parse(line("/rest/user.get", "", " -")) == LineKind::Hit);
    CHECK(f.hit.cost_us == kUnknownCost);
    REQUIRE(f.parse(line("/rest/user.get", "", " 0.250 0.249")) == LineKind::Hit);
    CHECK(f.hit.cost_us == 250000);
    // nginx's "main" format ends with "$http_x_forwarded_for"
    REQUIRE(f.parse(line("/rest/user.get", "", " \"10.0.0.1\" 2.5")) == LineKind::Hit);
    CHECK(f.hit.cost_us == 2500000);
    // trailing CR (a file written on Windows)
    REQUIRE(f.parse(line("/rest/user.get", "", " 0.5\r")) == LineKind::Hit);
    CHECK(f.hit.cost_us == 500000);
    CHECK(f.parse(line("/rest/user.get", "", " fast")) == LineKind::Bad);
    CHECK(f.parse(line("/rest/user.get", "", " -0.5")) == LineKind::Bad);
}

TEST_CASE("access log: vhost_combined prefix gives the portal", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/user.get", "Acme.Bitrix24.com:443 ")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "acme.bitrix24.com");
    CHECK(f.name(f.hit.ip) == "203.0.113.7");
    REQUIRE(f.parse(line("/rest/user.get", "acme.bitrix24.com ", " 0.2")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "acme.bitrix24.com");
    CHECK(f.hit.cost_us == 200000);
    REQUIRE(f.parse(line("/rest/user.get", "[2001:db8::1]:443 ")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "[2001:db8::1]");
    REQUIRE(f.parse(line("/rest/user.get", "- ")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "default");
}

TEST_CASE("access log: IPv6 clients are not mistaken for a vhost", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/user.get", "", "", "2001:db8::7")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "default");
    CHECK(f.name(f.hit.ip) == "2001:db8::7");
    CHECK(f.name(f.hit.integration) == "app:@2001:db8::7");
    REQUIRE(f.parse(line("/rest/user.get", "acme.bitrix24.com:443 ", "", "2001:db8::7")) ==
            LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "acme.bitrix24.com");
    CHECK(f.name(f.hit.ip) == "2001:db8::7");
}

TEST_CASE("access log: --portal is the default portal, lower-cased", "[access_log]") {
    Fixture f("Acme.Bitrix24.COM");
    REQUIRE(f.parse(line("/rest/user.get")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "acme.bitrix24.com");
    REQUIRE(f.parse(line("/rest/user.get", "other.bitrix24.com:80 ")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "other.bitrix24.com");  // the vhost wins
}

TEST_CASE("access log: an empty --portal still names a portal", "[access_log]") {
    Fixture f("");
    REQUIRE(f.parse(line("/rest/user.get")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "default");
}

TEST_CASE("access log: webhook hits are named by FP6", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/1/secret/crm.deal.list.json?start=50")) == LineKind::Hit);
    CHECK(f.name(f.hit.integration) == "webhook:1/2bb80d");
    CHECK(f.hit.kind == IntegrationKind::Webhook);
    CHECK(f.name(f.hit.method) == "crm.deal.list");
    CHECK(f.name(f.hit.ip) == "203.0.113.7");
    REQUIRE(f.parse(line("/rest/1/secret/CRM.Deal.List.XML")) == LineKind::Hit);
    CHECK(f.name(f.hit.method) == "crm.deal.list");
    // no symbol anywhere holds the secret
    for (std::size_t i = 0; i < f.symbols.size(); ++i) {
        CHECK(f.symbols.name(static_cast<Sym>(i)).find("secret") == std::string_view::npos);
    }
}

TEST_CASE("access log: method names are decoded, lower-cased, suffix dropped", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/crm.deal.list.json")) == LineKind::Hit);
    CHECK(f.name(f.hit.method) == "crm.deal.list");
    REQUIRE(f.parse(line("/rest/crm.deal.list.xml")) == LineKind::Hit);
    CHECK(f.name(f.hit.method) == "crm.deal.list");
    REQUIRE(f.parse(line("/rest/crm%2Edeal%2elist")) == LineKind::Hit);
    CHECK(f.name(f.hit.method) == "crm.deal.list");
    REQUIRE(f.parse(line("/rest/profile?")) == LineKind::Hit);
    CHECK(f.name(f.hit.method) == "profile");
    REQUIRE(f.parse(line("/rest/bad%zzname")) == LineKind::Hit);  // kept as written
    CHECK(f.name(f.hit.method) == "bad%zzname");
}

TEST_CASE("access log: batch commands from the query string", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/batch.json?halt=0&cmd%5Bd%5D=crm.deal.list%3Fstart%3D0"
                         "&cmd[u]=User.Get.json&auth=tok&cmd%5Bc%5D=crm.contact.get%3Fid%3D7")) ==
            LineKind::Hit);
    CHECK(f.name(f.hit.method) == "batch");
    CHECK(f.cmds() == std::vector<std::string>{"crm.deal.list", "user.get", "crm.contact.get"});
    // webhook batch
    REQUIRE(f.parse(line("/rest/1/secret/batch?cmd%5Ba%5D=tasks.task.list")) == LineKind::Hit);
    CHECK(f.cmds() == std::vector<std::string>{"tasks.task.list"});
    // without cmd: a batch of unknown commands
    REQUIRE(f.parse(line("/rest/batch?auth=tok")) == LineKind::Hit);
    CHECK(f.hit.cmds.empty());
    // a command's own query may be long; only its method must be a sane length
    const std::string long_filter(2000, 'x');
    REQUIRE(f.parse(line("/rest/batch?cmd%5Ba%5D=crm.deal.list%3Ffilter%3D" + long_filter)) ==
            LineKind::Hit);
    CHECK(f.cmds() == std::vector<std::string>{"crm.deal.list"});
    CHECK(f.parse(line("/rest/batch?cmd%5Ba%5D=" + long_filter)) == LineKind::Bad);
    // cmd params of another method mean nothing
    REQUIRE(f.parse(line("/rest/user.get?cmd%5Ba%5D=x")) == LineKind::Hit);
    CHECK(f.hit.cmds.empty());
    // a command without a method makes the line bad
    CHECK(f.parse(line("/rest/batch?cmd%5Ba%5D=%3Fstart%3D0")) == LineKind::Bad);
    CHECK(f.parse(line("/rest/batch?cmd[a]=")) == LineKind::Bad);
}

TEST_CASE("access log: quoted fields may contain escaped quotes", "[access_log]") {
    Fixture f;
    const std::string l =
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/user.get HTTP/1.1\" 200 5 "
        "\"http://x/?q=\\\"a\\\"\" \"Mozilla \\\"quoted\\\" 5.0\" 0.7";
    REQUIRE(f.parse(l) == LineKind::Hit);
    CHECK(f.hit.cost_us == 700000);
}

TEST_CASE("access log: other requests are skipped", "[access_log]") {
    Fixture f;
    CHECK(f.parse(line("/index.php")) == LineKind::Skipped);
    CHECK(f.parse(line("/restore/1/2/3")) == LineKind::Skipped);
    CHECK(f.parse(line("/rest")) == LineKind::Skipped);
    CHECK(f.parse(line("http://a/rest/user.get")) == LineKind::Skipped);
    // a request nginx could not parse is logged as "-" or as raw bytes, with status 400
    CHECK(f.parse("203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"-\" 400 0 \"-\" \"-\"") ==
          LineKind::Skipped);
    CHECK(f.parse("203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"\\x16\\x03\" 400 0 \"-\" "
                  "\"-\"") == LineKind::Skipped);
    // the common log format (no referer, no user agent) is well-formed too
    CHECK(f.parse("203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET / HTTP/1.1\" 200 -") ==
          LineKind::Skipped);
    CHECK(f.parse("") == LineKind::Blank);
    CHECK(f.parse("   \r") == LineKind::Blank);
}

TEST_CASE("access log: garbage and broken lines are bad, with a reason", "[access_log]") {
    Fixture f;
    const std::string bad[] = {
        "hello world",
        "{\"ts\":1}",
        "203.0.113.7 - - 27/Nov/2026:07:26:32 +0000 \"GET /rest/x HTTP/1.1\" 200 5",
        "a b c d e [27/Nov/2026:07:26:32 +0000] \"GET /rest/x HTTP/1.1\" 200 5",
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000 \"GET /rest/x HTTP/1.1\" 200 5",
        "203.0.113.7 - - [32/Nov/2026:07:26:32 +0000] \"GET /rest/x HTTP/1.1\" 200 5",
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] GET /rest/x HTTP/1.1 200 5",
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/x HTTP/1.1 200 5",
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/x HTTP/1.1\" 20 5",
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/x HTTP/1.1\" 2000 5",
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/x HTTP/1.1\" 200",
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/x HTTP/1.1\" 200 5x",
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/x HTTP/1.1\" 200 5 \"-",
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/x HTTP/1.1\" 200 5 \"-\"x",
        "203.0.113.7 - - [27/Nov/2026:07:26:32",
    };
    for (const auto& l : bad) {
        INFO(l);
        CHECK(f.parse(l) == LineKind::Bad);
        CHECK_FALSE(f.reason.empty());
    }
}

TEST_CASE("access log: /rest/ requests that name no method are bad", "[access_log]") {
    Fixture f;
    CHECK(f.parse(line("/rest/")) == LineKind::Bad);
    CHECK(f.parse(line("/rest/?auth=tok")) == LineKind::Bad);
    CHECK(f.parse(line("/rest/.xml")) == LineKind::Bad);  // the suffix is the whole name
    CHECK(f.parse(line("/rest/.JSON")) == LineKind::Bad);
    CHECK(f.parse(line("/rest/1/secret")) == LineKind::Bad);
    CHECK(f.parse(line("/rest/1/secret/")) == LineKind::Bad);
    CHECK(f.parse(line("/rest/1//user.get")) == LineKind::Bad);
    CHECK(f.parse(line("/rest/1/secret/crm/deal")) == LineKind::Bad);
    CHECK(f.parse(line("/rest/api/v2/x")) == LineKind::Bad);
}

TEST_CASE("access log: no reason ever holds a secret or a token", "[access_log]") {
    Fixture f;
    const std::string lines[] = {
        line("/rest/1/zqsecret"),
        line("/rest/1/zqsecret/"),
        line("/rest/1/zqsecret/a/b"),
        line("/rest/zqsecret/x/y"),
        line("/rest/1/zqsecret/batch?cmd%5Ba%5D="),
        line("/rest/?auth=zqtoken"),
        line("/rest/1/zqsecret/m", "", " zqbad"),
        "203.0.113.7 - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/1/zqsecret/m HTTP/1.1\" 2x",
        "zqsecret - - [99/Nov/2026:07:26:32 +0000] \"GET /rest/1/zqsecret/m\"",
    };
    for (const auto& l : lines) {
        INFO(l);
        REQUIRE(f.parse(l) == LineKind::Bad);
        CHECK(f.reason.find("zq") == std::string::npos);
    }
}

TEST_CASE("access log: names stay exact when the memo of recent names overflows",
          "[access_log]") {
    // More distinct webhooks, addresses, hosts and methods than the memo holds, twice over:
    // evicted names must be rebuilt, never confused with a neighbour.
    Fixture f;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 6000; ++i) {
            const std::string id = std::to_string(i % 97 + 1) + "/s" + std::to_string(i);
            const std::string ip =
                "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250);
            const std::string host = "p" + std::to_string(i % 300) + ".bitrix24.com:443 ";
            const std::string m = "m" + std::to_string(i % 1500);
            REQUIRE(f.parse(line("/rest/" + id + "/" + m, host, "", ip)) == LineKind::Hit);
            CHECK(f.name(f.hit.integration) == webhook_name(id));
            CHECK(f.name(f.hit.ip) == ip);
            CHECK(f.name(f.hit.portal) == host.substr(0, host.find(':')));
            CHECK(f.name(f.hit.method) == m);
            REQUIRE(f.parse(line("/rest/" + m, "", "", ip)) == LineKind::Hit);
            CHECK(f.name(f.hit.integration) == "app:@" + ip);
        }
    }
}

TEST_CASE("access log: consecutive lines with the same or another time", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/a")) == LineKind::Hit);
    CHECK(f.hit.t_us == kT);
    REQUIRE(f.parse(line("/rest/a")) == LineKind::Hit);
    CHECK(f.hit.t_us == kT);
    const std::string later =
        "203.0.113.7 - - [27/Nov/2026:07:26:33 +0000] \"GET /rest/a HTTP/1.1\" 200 5";
    REQUIRE(f.parse(later) == LineKind::Hit);
    CHECK(f.hit.t_us == kT + 1000000);
    const std::string invalid =
        "203.0.113.7 - - [27/Nov/2026:07:26:99 +0000] \"GET /rest/a HTTP/1.1\" 200 5";
    CHECK(f.parse(invalid) == LineKind::Bad);
    CHECK(f.parse(invalid) == LineKind::Bad);  // a refused time is never remembered as valid
}

TEST_CASE("access log: ids are valid in the table after it is cleared", "[access_log]") {
    // A parse worker clears its table between chunks and keeps its parser: every id the
    // parser remembers (addresses, hosts, methods, webhooks, app names) must be made again.
    Fixture f;
    const std::string hook = line("/rest/1/secret/CRM.Deal.Get.json", "Acme.Bitrix24.com:443 ");
    const std::string app = line("/rest/batch?cmd[a]=user.get%3Fid%3D1", "acme.bitrix24.com ");
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        for (int repeat = 0; repeat < 2; ++repeat) {  // the second time from the memo
            REQUIRE(f.parse(hook) == LineKind::Hit);
            for (const Sym s : {f.hit.portal, f.hit.method, f.hit.integration, f.hit.ip})
                REQUIRE(s < f.symbols.size());
            CHECK(f.name(f.hit.portal) == "acme.bitrix24.com");
            CHECK(f.name(f.hit.method) == "crm.deal.get");
            CHECK(f.name(f.hit.integration) == webhook_name("1/secret"));
            CHECK(f.name(f.hit.ip) == "203.0.113.7");
            REQUIRE(f.parse(app) == LineKind::Hit);
            for (const Sym s : {f.hit.portal, f.hit.method, f.hit.integration, f.hit.ip})
                REQUIRE(s < f.symbols.size());
            CHECK(f.name(f.hit.integration) == "app:@203.0.113.7");
            CHECK(f.name(f.hit.method) == "batch");
            CHECK(f.cmds() == std::vector<std::string>{"user.get"});
        }
        f.symbols.clear();
        REQUIRE(f.symbols.size() == 0);
    }
}

TEST_CASE("access log: a time that differs from the last only in its seconds", "[access_log]") {
    // The parser moves the last time by whole seconds when only they change; it must agree
    // with a full conversion, and refuse what that refuses.
    Fixture f;
    auto at = [](std::string_view time) {
        return "203.0.113.7 - - [" + std::string(time) + "] \"GET /rest/a HTTP/1.1\" 200 5";
    };
    const char* times[] = {
        "27/Nov/2026:07:26:32 +0000", "27/Nov/2026:07:26:33 +0000", "27/Nov/2026:07:26:00 +0000",
        "27/Nov/2026:07:26:59 +0000", "27/Nov/2026:07:26:60 +0000", "27/Nov/2026:07:26:61 +0000",
        "27/Nov/2026:07:26:05 +0000", "27/Nov/2026:07:26:6x +0000", "27/Nov/2026:07:26:x6 +0000",
        "27/Nov/2026:07:26:: +0000",  "27/Nov/2026:07:26:99 +0000", "27/Nov/2026:07:26:09 +0000",
        "27/Nov/2026:07:26:09 +0300", "27/Nov/2026:07:26:10 +0300", "27/Nov/2026:07:26:10.5 +0300",
        "27/Nov/2026:07:26:11.5 +0300", "27/Nov/2026:07:26:70.5 +0300",
        "27/Nov/2026:07:26:12.5 +0300", "27/Nov/2026:07:26:12 +0300",
    };
    for (const char* t : times) {
        INFO(t);
        const auto expected = clf_time_to_micros(t);
        const LineKind k = f.parse(at(t));
        CHECK(k == (expected ? LineKind::Hit : LineKind::Bad));
        if (expected && k == LineKind::Hit) CHECK(f.hit.t_us == *expected);
    }
}

TEST_CASE("access log: times of consecutive lines agree with a full conversion",
          "[access_log]") {
    // Random small edits of the time text, line after line, in several zones taking turns
    // (servers in several countries write one log): the memo of recent minutes must never
    // change a result.
    Fixture f;
    std::mt19937 rng(7);
    std::string times[] = {"27/Nov/2026:07:26:32 +0000", "27/Nov/2026:08:26:32 +0100",
                           "27/Nov/2026:12:56:32 +0530", "27/Nov/2026:02:26:32 -0500",
                           "27/Nov/2026:07:26:32 -0000"};
    const std::string bytes = "0123456789:/+- .x";
    for (int i = 0; i < 40000; ++i) {
        std::string& time = times[rng() % std::size(times)];
        std::string t = time;
        const auto pos = static_cast<std::size_t>(rng() % t.size());
        if (rng() % 3 != 0) {
            t[pos] = bytes[rng() % bytes.size()];
        } else {  // mostly the seconds, as a live log writes them
            t[18] = static_cast<char>('0' + rng() % 7);
            t[19] = static_cast<char>('0' + rng() % 10);
        }
        const auto expected = clf_time_to_micros(t);
        const std::string l = "203.0.113.7 - - [" + t + "] \"GET /rest/a HTTP/1.1\" 200 5";
        const LineKind k = f.parse(l);
        if (k != (expected ? LineKind::Hit : LineKind::Bad) ||
            (expected && f.hit.t_us != *expected)) {
            INFO(t);
            FAIL("the time disagrees with clf_time_to_micros");
        }
        if (expected && rng() % 2 == 0) time = t;  // walk on from a valid time
    }
}

TEST_CASE("access log: fields are found wherever they fall in the line", "[access_log]") {
    // Searches go 16 bytes at a time: quotes, escaped quotes and spaces at every offset.
    Fixture f;
    for (std::size_t n = 0; n < 40; ++n) {
        for (const std::size_t escape_at : {std::size_t{0}, n / 2, n}) {
            std::string agent(n, 'a');
            if (escape_at < n) agent.replace(escape_at, 1, "\\\"");
            const std::string l = std::string(n % 7, ' ') + "h" + std::string(n, 'o') +
                                  ".example:443 10.0.0." + std::to_string(n) +
                                  " - - [27/Nov/2026:07:26:32 +0000] \"GET /rest/" +
                                  std::string(n + 1, 'm') + "?x=" + std::string(n, 'q') +
                                  " HTTP/1.1\" 200 5 \"-\" \"" + agent + "\" 0." +
                                  std::to_string(n + 1);
            INFO(l);
            REQUIRE(f.parse(l) == LineKind::Hit);
            CHECK(f.name(f.hit.portal) == "h" + std::string(n, 'o') + ".example");
            CHECK(f.name(f.hit.ip) == "10.0.0." + std::to_string(n));
            CHECK(f.name(f.hit.method) == std::string(n + 1, 'm'));
            CHECK(f.hit.cost_us == *decimal_to_micros("0." + std::to_string(n + 1)));
        }
    }
}

TEST_CASE("access log: a vhost with several colons is a bare IPv6 host", "[access_log]") {
    Fixture f;
    REQUIRE(f.parse(line("/rest/user.get", "2001:db8::1 ")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "2001:db8::1");
    REQUIRE(f.parse(line("/rest/user.get", "acme.example:8443 ")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "acme.example");
    REQUIRE(f.parse(line("/rest/user.get", "acme.example: ")) == LineKind::Hit);
    CHECK(f.name(f.hit.portal) == "acme.example");
}
