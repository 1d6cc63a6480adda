#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

#include "advice.h"
#include "micros.h"
#include "notification.h"
#include "report_printers.h"

using namespace b24;

namespace {

constexpr std::int64_t kS = 1'000'000;

std::int64_t at(unsigned h, unsigned m, unsigned s) {
    return (days_from_civil(2026, 11, 27) * 86400 + h * 3600 + m * 60 + s) * kS;
}

IntegrationReport integration(const char* name, Level verdict, std::int64_t cost_us,
                              std::int64_t hits) {
    IntegrationReport i;
    i.portal = "acme.bitrix24.com";
    i.integration = name;
    i.kind = std::string(name).rfind("webhook:", 0) == 0 ? "webhook" : "app";
    i.verdict = verdict;
    i.cost_us = cost_us;
    i.hits = hits;
    i.executed = hits;
    return i;
}

void summarise(Report& r) {
    r.summary = {};
    r.summary.integrations = static_cast<std::int64_t>(r.integrations.size());
    for (const auto& i : r.integrations) {
        if (i.verdict == Level::Ok) ++r.summary.ok;
        if (i.verdict == Level::Notice) ++r.summary.notice;
        if (i.verdict == Level::Warn) ++r.summary.warn;
        if (i.verdict == Level::Block) ++r.summary.block;
    }
}

Report sample() {
    Report r;
    r.rules_name = "cloud-default";
    r.input.files = {"a.ndjson.zst"};
    r.input.hits = 12345;
    r.input.bad_lines = 3;
    r.input.bad_places = {"a.ndjson.zst:17", "a.ndjson.zst:20", "a.ndjson.zst:99"};
    r.input.first_us = at(7, 0, 0);
    r.input.last_us = at(9, 0, 0);

    IntegrationReport big = integration("app:local.65f1", Level::Block, 1'300 * kS, 9'000);
    big.refused = {40, 5, 455};
    big.findings = {
        {"NONCRITICAL_LOAD", Level::Warn, at(7, 20, 0), "hits", 3600 * kS, 7'300 * kS,
         7'250 * kS, 7'400 * kS, ""},
        {"LARGE_LOAD", Level::Block, at(7, 26, 32), "cost", 600 * kS, 1'250 * kS, 1'200 * kS,
         1'300 * kS, ""},
    };
    big.top_methods = {{"crm.activity.list", 8000, 1'000 * kS}};
    big.notification = render_notification(big);

    IntegrationReport poller = integration("webhook:1/3fa9c2", Level::Notice, 20 * kS, 800);
    poller.findings = {{"POLLING", Level::Notice, at(8, 0, 0), "period", 900 * kS, 300 * kS,
                        900 * kS, 300 * kS, "crm.activity.list"}};

    IntegrationReport refusing = integration("app:retry.loop", Level::Block, 50 * kS, 5'000);
    refusing.refused = {600, 0, 10};
    refusing.findings = {{"LARGE_LOAD", Level::Block, at(8, 10, 0), "refused", 600 * kS,
                          600 * kS, 600 * kS, 640 * kS, ""}};

    // Sorts first by name and costs the most: must still come after the findings.
    IntegrationReport quiet = integration("app:aaa", Level::Ok, 2'000 * kS, 100);

    r.integrations = {quiet, big, refusing, poller};
    r.summary.portals = 1;
    summarise(r);

    MethodReport m;
    m.portal = "acme.bitrix24.com";
    m.method = "crm.activity.list";
    m.blocks = {{at(7, 25, 0), at(7, 35, 0), 481 * kS}};
    r.methods = {m};
    r.buckets = {
        {"acme.bitrix24.com", "198.51.100.1", "standard", 10, 0, 39'999'999},  // under 80 %
        {"acme.bitrix24.com", "198.51.100.2", "standard", 10, 0, 40'000'000},  // exactly 80 %
        {"acme.bitrix24.com", "203.0.113.7", "standard", 9000, 640, 50'000'000},
    };
    return r;
}

std::string text(const Report& r, TextOptions opt = {}) {
    std::ostringstream o;
    write_report_text(o, r, opt);
    return o.str();
}

bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// Prose is wrapped at 100 columns with a hanging indent; join it back for matching.
std::string unwrapped(const std::string& s) {
    const std::string hang = "\n      ";
    std::string o;
    std::size_t from = 0;
    for (auto p = s.find(hang); p != std::string::npos; p = s.find(hang, from)) {
        o.append(s, from, p - from);
        o += ' ';
        from = p + hang.size();
    }
    o.append(s, from, std::string::npos);
    return o;
}

// The table row that starts with `start`, its cells split on runs of 2+ spaces.
std::vector<std::string> row_cells(const std::string& t, const std::string& start) {
    const auto b = t.find("\n" + start);
    REQUIRE(b != std::string::npos);
    const std::string line = t.substr(b + 1, t.find('\n', b + 1) - b - 1);
    std::vector<std::string> cells;
    std::string cur;
    for (std::size_t k = 0; k < line.size(); ++k) {
        if (line[k] == ' ' && k + 1 < line.size() && line[k + 1] == ' ') {
            if (!cur.empty()) cells.push_back(cur);
            cur.clear();
            while (k + 1 < line.size() && line[k + 1] == ' ') ++k;
        } else {
            cur += line[k];
        }
    }
    if (!cur.empty()) cells.push_back(cur);
    return cells;
}

}  // namespace

TEST_CASE("text: numbers are grouped by thousands", "[report_text]") {
    CHECK(group_digits(0) == "0");
    CHECK(group_digits(999) == "999");
    CHECK(group_digits(1000) == "1 000");
    CHECK(group_digits(-1234567) == "-1 234 567");
    CHECK(human_micros(7'250'500'000) == "7 250.5");
    CHECK(human_micros(1) == "0.000001");
    CHECK(human_micros(-1'500'000) == "-1.5");
    CHECK(human_seconds(1'250 * kS) == "1 250 s");
}

TEST_CASE("text: measured numbers are rounded for reading", "[report_text]") {
    CHECK(approx_seconds(1'211'016'352) == "1 211 s");
    CHECK(approx_seconds(312'317'510) == "312 s");
    CHECK(approx_seconds(27'730'000) == "27.7 s");
    CHECK(approx_seconds(28 * kS) == "28 s");           // exact: no ".0"
    CHECK(approx_seconds(28'040'000) == "28.0 s");      // rounded: the zero says so
    CHECK(approx_seconds(250'000) == "0.25 s");
    CHECK(approx_seconds(4'000) == "0.004 s");          // never "0 s" for some time
    CHECK(approx_seconds(0) == "0 s");
    CHECK(round_micros(299'716'642, 1) == "299.7");
    CHECK(round_micros(-1'500'000, 0) == "-2");         // half away from zero
    CHECK(round_micros(-400'000, 0) == "0");            // no "-0"
    CHECK(round_micros(40 * kS, 1, 50 * kS) == "40");
}

TEST_CASE("text: rounding never moves a value onto or across its threshold", "[report_text]") {
    const std::int64_t t = 1'200 * kS;
    CHECK(approx_seconds(t, t) == "1 200 s");                      // at it: reads at it
    CHECK(approx_seconds(t + 400'000, t) == "1 200.4 s");           // not "1 200 s"
    CHECK(approx_seconds(t + 40'000, t) == "1 200.04 s");
    CHECK(approx_seconds(t + 1, t) == "1 200.000001 s");            // to the last µs
    CHECK(approx_seconds(t - 400'000, t) == "1 199.6 s");           // not "1 200 s"
    CHECK(approx_seconds(t + 600'000, t) == "1 201 s");             // already above: whole
    CHECK(approx_seconds(480'058'840, 480 * kS) == "480.1 s");
    CHECK(approx_seconds(479'960'000, 480 * kS) == "479.96 s");     // not "480.0 s"
    CHECK(round_micros(49'994'390, 1, 50 * kS) == "49.99");         // a bucket not quite full
    CHECK(round_micros(50 * kS, 1, 50 * kS) == "50");
    CHECK(round_micros(-t - 400'000, 0, -t) == "-1 200.4");
    // a threshold with more places than the value is shown with
    CHECK(round_micros(7'250'500'000, 0, 7'250'500'000) == "7 250.5");  // not "7 251"
    CHECK(round_micros(7'250'450'000, 0, 7'250'400'000) == "7 250.5");  // not "7 250"
    CHECK(round_micros(7'250'600'000, 0, 7'250'400'000) == "7 251");    // above either way
}

TEST_CASE("text: durations read as minutes and hours", "[report_text]") {
    CHECK(human_duration(600 * kS) == "10 minutes");
    CHECK(human_duration(60 * kS) == "1 minute");
    CHECK(human_duration(3600 * kS) == "1 hour");
    CHECK(human_duration(86400 * kS) == "24 hours");
    CHECK(human_duration(90 * kS) == "90 seconds");
    CHECK(human_duration(kS) == "1 second");
    CHECK(human_duration(1'500'000) == "1.5 seconds");
    CHECK(human_elapsed(86400 * kS) == "24 hours");
    CHECK(human_elapsed(86400 * kS + 5 * 60 * kS + 59 * kS) == "24 hours 5 minutes");
    CHECK(human_elapsed(59 * kS) == "59 seconds");
    CHECK(human_time(at(7, 26, 32) + 910'000) == "2026-11-27 07:26:32Z");
}

TEST_CASE("text: each finding is explained with its numbers", "[report_text]") {
    const std::string t = unwrapped(text(sample()));
    CHECK(has(t, "LARGE_LOAD at 2026-11-27 07:26:32Z: spent 1 250 s of server time in 10 "
                 "minutes; the block threshold is 1 200 s (peak 1 300 s)"));
    CHECK(has(t, "NONCRITICAL_LOAD at 2026-11-27 07:20:00Z: made 7 300 hits in 1 hour; one "
                 "client IP can get at most about 7 250 through a bucket in that time (peak "
                 "7 400 hits)"));
    CHECK(has(t, "kept being refused: 600 refusals in 10 minutes"));
    CHECK(has(t, "polls crm.activity.list every 5 minutes"));
}

TEST_CASE("text: reasons round measured numbers, not thresholds", "[report_text]") {
    const IntegrationReport i = integration("app:x", Level::Block, 0, 0);
    Finding f{"LARGE_LOAD", Level::Block, at(7, 0, 0), "cost", 600 * kS, 1'211'016'352,
              1'200 * kS, 1'211'016'352, ""};
    CHECK(finding_reason(f, i) == "LARGE_LOAD at 2026-11-27 07:00:00Z: spent 1 211 s of server "
                                  "time in 10 minutes; the block threshold is 1 200 s");
    f.value = 1'200 * kS + 400'000;  // just over: must not read as the threshold
    f.peak = 1'300'400'000;
    CHECK(finding_reason(f, i) == "LARGE_LOAD at 2026-11-27 07:00:00Z: spent 1 200.4 s of server "
                                  "time in 10 minutes; the block threshold is 1 200 s (peak "
                                  "1 300 s)");
    const Finding poll{"POLLING", Level::Notice, at(8, 0, 0), "period", 900 * kS, 299'716'642,
                       900 * kS, 300'416'762, "crm.activity.list"};
    const Rules rules = default_rules();
    CHECK(finding_reason(poll, i, &rules) ==
          "POLLING at 2026-11-27 08:00:00Z: polls crm.activity.list every 5 minutes (299.7 s): "
          "8 bursts of calls in a row, each period within ±10% of that; a steady period up to 15 "
          "minutes counts as polling; later periods up to 300.4 s");
    Finding fast = poll;
    fast.value = fast.peak = 45'260'000;
    CHECK(has(finding_reason(fast, i), "every 45.3 seconds: bursts of calls at a steady period"));
    Finding edge = poll;  // just under the longest period that counts
    edge.value = edge.peak = 899'960'000;
    CHECK(has(finding_reason(edge, i), "every 15 minutes (899.96 s)"));
}

TEST_CASE("text: the heading says what was read", "[report_text]") {
    Report r = sample();
    std::string t = text(r);
    CHECK(t.rfind("b24load: 12 345 REST hits from a.ndjson.zst, rules cloud-default\n"
                  "  2026-11-27 07:00:00Z to 2026-11-27 09:00:00Z (2 hours)\n",
                  0) == 0);
    CHECK(has(t, "3 bad lines ignored (a.ndjson.zst:17, a.ndjson.zst:20, a.ndjson.zst:99)"));
    CHECK_FALSE(has(t, "INCOMPLETE"));
    r.input.complete = false;
    r.input.error = "a.ndjson.zst: byte 4096: truncated zstd frame";
    t = text(r);
    CHECK(has(t, "INCOMPLETE: a.ndjson.zst: byte 4096: truncated zstd frame."));
    r.input.last_us = r.input.first_us;  // one instant: no "to", no "(0 seconds)"
    CHECK(has(text(r), "rules cloud-default\n  all at 2026-11-27 07:00:00Z\n"));
    r.input.skipped = 1;
    CHECK(has(text(r), "\n  1 line skipped: blank, or not a request to /rest/\n"));
    r.input.skipped = 1'400;
    CHECK(has(text(r), "\n  1 400 lines skipped: blank, or not a request to /rest/\n"));
}

TEST_CASE("text: worst verdict first, then the heaviest", "[report_text]") {
    const std::string t = text(sample());
    const auto big = t.find("  BLOCK    app:local.65f1");
    const auto refusing = t.find("  BLOCK    app:retry.loop");
    const auto poller = t.find("  NOTICE   webhook:1/3fa9c2");
    const auto quiet = t.find("  OK       app:aaa");
    REQUIRE(big != std::string::npos);
    REQUIRE(refusing != std::string::npos);
    REQUIRE(poller != std::string::npos);
    REQUIRE(quiet != std::string::npos);
    CHECK(big < refusing);  // same verdict: more cost first
    CHECK(refusing < poller);
    CHECK(poller < quiet);  // ok last although it costs the most
    // the table row: verdict, name, hits, cost, refusals, first warn/block time
    CHECK(row_cells(t, "  BLOCK    app:local.65f1") ==
          std::vector<std::string>{"BLOCK", "app:local.65f1", "9 000", "1 300.0 s", "40/5/455",
                                   "2026-11-27 07:20:00Z"});
    CHECK(row_cells(t, "  OK       app:aaa").back() == "-");
    // the cost column always has tenths, so it lines up on the point
    CHECK(row_cells(t, "  NOTICE   webhook:1/3fa9c2")[3] == "20.0 s");
    CHECK(has(t, "REFUSED counts the hits Bitrix24 would refuse"));  // the legend, once
    CHECK(t.find("REFUSED counts") == t.rfind("REFUSED counts"));
}

TEST_CASE("text: notification and concrete advice per finding", "[report_text]") {
    const std::string t = text(sample());
    CHECK(has(t, "  Bitrix24 would send:\n    | Hello!\n    | Your app local.65f1 has been "
                 "blocked"));
    CHECK(has(t, "`batch` (up to 50 commands per call)"));
    CHECK(has(t, "`start=-1`"));
    CHECK(has(t, "`select`"));
    CHECK(has(t, "`event.bind`"));
    CHECK(has(t, "503 QUERY_LIMIT_EXCEEDED and 429 OPERATION_TIME_LIMIT"));
    CHECK(has(t, "exponential backoff"));
    CHECK(has(t, "Most server time went to crm.activity.list (1 000 s)"));
    // the ok integration has no section of its own
    CHECK_FALSE(has(t, "app:aaa on "));
}

TEST_CASE("text: advice follows the finding", "[report_text]") {
    const IntegrationReport poll = sample().integrations[3];
    REQUIRE(poll.findings.at(0).code == "POLLING");
    const auto a = advice_for(poll);
    REQUIRE_FALSE(a.empty());
    CHECK(has(a[0], "event.bind"));
    for (const std::string& s : a) CHECK_FALSE(has(s, "`batch`"));
    const IntegrationReport refusing = sample().integrations[2];
    const auto b = advice_for(refusing);
    REQUIRE_FALSE(b.empty());
    CHECK(has(b[0], "exponential backoff"));
    CHECK(has(b.back(), "contact Bitrix24 support"));  // blocked: how to get unblocked, last
}

TEST_CASE("text: warning ignored and polling settings in plain words", "[report_text]") {
    IntegrationReport i = integration("app:x", Level::Block, 0, 0);
    i.findings = {{"NONCRITICAL_LOAD", Level::Warn, at(7, 0, 0), "cost", 3600 * kS, 3600 * kS,
                   3600 * kS, 3700 * kS, ""},
                  {"WARNING_IGNORED", Level::Block, at(7, 0, 0) + 86400 * kS, "cost", 3600 * kS,
                   3650 * kS, 3600 * kS, 3650 * kS, ""}};
    CHECK(finding_reason(i.findings[1], i) ==
          "WARNING_IGNORED at 2026-11-28 07:00:00Z: warned at 2026-11-27 07:00:00Z and still "
          "over the limit 24 hours later: spent 3 650 s of server time in 1 hour; the warning "
          "threshold is 3 600 s");  // no "(peak 3 650 s)": it is the value
    const Finding poll{"POLLING", Level::Notice, at(8, 0, 0), "period", 900 * kS, 301 * kS,
                       900 * kS, 301 * kS, "crm.deal.list"};
    const Rules rules = default_rules();
    CHECK(finding_reason(poll, i, &rules) ==
          "POLLING at 2026-11-27 08:00:00Z: polls crm.deal.list every 5 minutes (301 s): 8 bursts "
          "of calls in a row, each period within ±10% of that; a steady period up to 15 minutes "
          "counts as polling");
}

TEST_CASE("text: method blocks and hot buckets", "[report_text]") {
    const std::string t = text(sample());
    CHECK(has(t, "Methods blocked for 10 minutes (429 OPERATION_TIME_LIMIT): over 480 s of server "
                 "time in 10 minutes\n"));
    CHECK(row_cells(t, "  acme.bitrix24.com  crm.activity.list") ==
          std::vector<std::string>{"acme.bitrix24.com", "crm.activity.list",
                                   "2026-11-27 07:25:00Z", "2026-11-27 07:35:00Z", "481 s"});
    CHECK(has(t, "203.0.113.7"));
    CHECK(has(t, "198.51.100.2"));        // 40 of 50: 80 % is hot
    CHECK_FALSE(has(t, "198.51.100.1"));  // just under
    CHECK(t.find("203.0.113.7") < t.find("198.51.100.2"));  // refusals first
    CHECK(has(t, "640  50 of 50"));
    CHECK(row_cells(t, "  acme.bitrix24.com  198.51.100.2").back() == "40 of 50");  // no ".0"
    Report r = sample();
    r.buckets[2].peak_level = 49'994'390;  // not quite full: not "50.0 of 50"
    r.methods[0].blocks[0].window_cost_us = 480'040'000;  // just over the limit
    const std::string u = text(r);
    CHECK(has(u, "640  49.99 of 50\n"));
    CHECK(has(u, "  480.04 s\n"));
}

TEST_CASE("text: colour only when asked", "[report_text]") {
    const std::string plain = text(sample());
    CHECK_FALSE(has(plain, "\x1b["));
    const std::string colour = text(sample(), TextOptions{true, nullptr, 20});
    CHECK(has(colour, "  \x1b[31mBLOCK\x1b[0m    app:local.65f1"));  // padding uncoloured
    CHECK(has(colour, "  \x1b[36mNOTICE\x1b[0m   webhook:1/3fa9c2"));
    CHECK(has(colour, "  \x1b[32mOK\x1b[0m       app:aaa"));
    CHECK(has(colour, "\x1b[1mVERDICT  INTEGRATION"));
    CHECK(has(colour, "\x1b[31m2 integrations would be blocked"));
}

TEST_CASE("text: the last line is the verdict", "[report_text]") {
    Report r = sample();
    std::string t = text(r);
    CHECK(t.size() > 60);
    CHECK(t.substr(t.rfind('\n', t.size() - 2) + 1) ==
          "2 integrations would be blocked, 1 with a notice, 1 ok.\n");
    r.integrations = {integration("app:a", Level::Warn, 0, 1), integration("app:b", Level::Ok, 0, 1)};
    summarise(r);
    t = text(r);
    CHECK(t.substr(t.rfind('\n', t.size() - 2) + 1) ==
          "No integration would be blocked, 1 warned, 1 ok.\n");
    t = text(Report{});
    CHECK(t.substr(t.rfind('\n', t.size() - 2) + 1) == "No integrations to judge.\n");
}

TEST_CASE("text: many ok integrations collapse to a count", "[report_text]") {
    Report r;
    for (int k = 0; k < 25; ++k)
        r.integrations.push_back(integration(("app:n" + std::to_string(100 + k)).c_str(),
                                             Level::Ok, kS * k, 10));
    summarise(r);
    const std::string t = text(r, TextOptions{false, nullptr, 20});
    CHECK(has(t, "app:n124"));        // the heaviest are shown
    CHECK_FALSE(has(t, "app:n104"));  // the lightest are counted
    CHECK(has(t, "... and 5 more ok integrations (50 hits, 10.0 s of server time)"));
    const std::string all = text(r, TextOptions{false, nullptr, 25});
    CHECK(has(all, "app:n100"));
    CHECK_FALSE(has(all, "more ok"));
}
