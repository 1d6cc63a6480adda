#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "micros.h"
#include "report_printers.h"

using namespace b24;

namespace {

constexpr std::int64_t kT0 = days_from_civil(2026, 11, 27) * 86'400'000'000;

Finding finding(const char* code, Level l, const char* metric) {
    return Finding{code, l, kT0, metric, 600'000'000, 1'250'000'000, 1'200'000'000,
                   1'300'000'000, metric == std::string("period") ? "crm.activity.list" : ""};
}

IntegrationReport integration(const char* portal, const char* name, Level verdict,
                              std::vector<Finding> findings) {
    IntegrationReport i;
    i.portal = portal;
    i.integration = name;
    i.kind = "app";
    i.verdict = verdict;
    i.hits = 10;
    i.findings = std::move(findings);
    return i;
}

// Two portals (given out of order: suites are sorted), one integration per level.
Report report() {
    Report r;
    r.integrations = {
        integration("b.bitrix24.com", "app:ok", Level::Ok, {}),
        integration("a.bitrix24.com", "app:block", Level::Block,
                    {finding("LARGE_LOAD", Level::Block, "cost")}),
        integration("a.bitrix24.com", "app:notice", Level::Notice,
                    {finding("POLLING", Level::Notice, "period")}),
        integration("a.bitrix24.com", "app:warn", Level::Warn,
                    {finding("NONCRITICAL_LOAD", Level::Warn, "cost")}),
    };
    return r;
}

std::string junit(const Report& r, Level fail_on) {
    std::ostringstream o;
    write_report_junit(o, r, fail_on);
    return o.str();
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

// The testcase element of one integration.
std::string testcase(const std::string& xml, const std::string& name) {
    const auto b = xml.find("name=\"" + name + "\">");
    REQUIRE(b != std::string::npos);
    const auto e = xml.find("</testcase>", b);
    REQUIRE(e != std::string::npos);
    return xml.substr(b, e - b);
}

}  // namespace

TEST_CASE("junit: one suite per portal, sorted, with counts", "[report_junit]") {
    const std::string x = junit(report(), Level::Block);
    CHECK(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<testsuites name=\"b24load\" tests=\"4\" failures=\"1\">\n"
                  "  <testsuite name=\"a.bitrix24.com\" tests=\"3\" failures=\"1\" errors=\"0\">\n"
                  "    <testcase classname=\"a.bitrix24.com\" name=\"app:block\">\n"
                  "      <failure message=\"LARGE_LOAD at 2026-11-27 00:00:00Z: ",
                  0) == 0);
    CHECK(x.find("  <testsuite name=\"b.bitrix24.com\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
                 "    <testcase classname=\"b.bitrix24.com\" name=\"app:ok\">\n") !=
          std::string::npos);
    const std::string end = "</testsuites>\n";
    REQUIRE(x.size() >= end.size());
    CHECK(x.substr(x.size() - end.size()) == end);
}

TEST_CASE("junit: fail_on decides which findings fail, a block always does", "[report_junit]") {
    const Report r = report();
    SECTION("block (default): only the block") {
        const std::string x = junit(r, Level::Block);
        CHECK(count(x, "<failure ") == 1);
        CHECK(testcase(x, "app:block").find("type=\"LARGE_LOAD\"") != std::string::npos);
        CHECK(testcase(x, "app:warn").find("<failure") == std::string::npos);
    }
    SECTION("warn: block and warn") {
        const std::string x = junit(r, Level::Warn);
        CHECK(count(x, "<failure ") == 2);
        CHECK(testcase(x, "app:warn").find("type=\"NONCRITICAL_LOAD\"") != std::string::npos);
        CHECK(testcase(x, "app:notice").find("<failure") == std::string::npos);
        CHECK(x.find("tests=\"3\" failures=\"2\"") != std::string::npos);
    }
    SECTION("notice: block, warn and notice, never ok") {
        const std::string x = junit(r, Level::Notice);
        CHECK(count(x, "<failure ") == 3);
        CHECK(testcase(x, "app:notice").find("type=\"POLLING\"") != std::string::npos);
        CHECK(testcase(x, "app:ok").find("<failure") == std::string::npos);
    }
}

TEST_CASE("junit: a failure names the worst finding and its body gives reasons and advice",
          "[report_junit]") {
    Report r;
    r.integrations = {integration("a.bitrix24.com", "app:x", Level::Block,
                                  {finding("NONCRITICAL_LOAD", Level::Warn, "cost"),
                                   finding("LARGE_LOAD", Level::Block, "cost")})};
    r.integrations[0].notification = "Hello!\nYour app x has been blocked";
    const std::string x = junit(r, Level::Warn);
    CHECK(count(x, "<failure ") == 1);  // one per testcase
    const std::string c = testcase(x, "app:x");
    CHECK(c.find("type=\"LARGE_LOAD\"") != std::string::npos);
    CHECK(c.find("message=\"LARGE_LOAD at 2026-11-27 00:00:00Z: spent 1 250 s of server time in "
                 "10 minutes; the block threshold is 1 200 s (peak 1 300 s)\"") !=
          std::string::npos);
    CHECK(c.find("\nNONCRITICAL_LOAD at ") != std::string::npos);  // newlines literal in bodies
    CHECK(c.find("Bitrix24 would send:\nHello!\nYour app x has been blocked") != std::string::npos);
    CHECK(c.find("What to do:\n- ") != std::string::npos);
}

TEST_CASE("junit: attributes and text are escaped, control bytes and bad UTF-8 replaced",
          "[report_junit]") {
    Report r;
    r.integrations = {integration("a&b<c>\"d'", "app:\x01\xff\n\t\r\x7f\xC3\xA9", Level::Block,
                                  {finding("LARGE_LOAD", Level::Block, "cost")})};
    const std::string x = junit(r, Level::Block);
    CHECK(x.find("<testsuite name=\"a&amp;b&lt;c&gt;&quot;d&apos;\"") != std::string::npos);
    CHECK(x.find("classname=\"a&amp;b&lt;c&gt;&quot;d&apos;\" "
                 "name=\"app:\xEF\xBF\xBD\xEF\xBF\xBD&#10;&#9;&#13;&#127;\xC3\xA9\">") !=
          std::string::npos);
    const bool clean = std::all_of(x.begin(), x.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 0x20 || u == '\n') && u != 0x7f;  // the name's tab and CR became references
    });
    CHECK(clean);
}

TEST_CASE("junit: an empty report is a valid empty document", "[report_junit]") {
    CHECK(junit(Report{}, Level::Block) ==
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<testsuites name=\"b24load\" tests=\"0\" failures=\"0\">\n"
          "</testsuites>\n");
}
