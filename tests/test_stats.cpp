#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <sstream>

#include "error.h"
#include "micros.h"
#include "stats.h"

using namespace b24;

namespace {

constexpr std::int64_t kDay = 86'400'000'000;
constexpr std::int64_t kSec = 1'000'000;
// 2026-11-27T00:00:00Z
constexpr std::int64_t kT0 = days_from_civil(2026, 11, 27) * kDay;

struct HitMaker {
    SymbolTable sym;
    Hit operator()(std::int64_t t_us, const char* portal, const char* integration,
                   const char* method, std::int64_t cost_us = 0, std::int32_t status = 200,
                   const char* error = nullptr) {
        Hit h;
        h.t_us = t_us;
        h.portal = sym.intern(portal);
        h.integration = sym.intern(integration);
        h.method = sym.intern(method);
        h.cost_us = cost_us;
        h.status = status;
        if (error) h.error = sym.intern(error);
        return h;
    }
};

std::string error_of(const std::string& spec) {
    try {
        parse_grouping(spec);
    } catch (const Error& e) {
        CHECK(e.where == "--by");
        return e.message;
    }
    return "(no error)";
}

bool same(StatsGrouping a, StatsGrouping b) {
    return a.portal == b.portal && a.integration == b.integration && a.method == b.method &&
           a.day == b.day;
}

StatsGrouping from_mask(unsigned m) {
    return StatsGrouping{(m & 1) != 0, (m & 2) != 0, (m & 4) != 0, (m & 8) != 0};
}

}  // namespace

TEST_CASE("stats: --by takes any non-empty subset in any order", "[stats]") {
    CHECK(same(parse_grouping("portal,integration,method,day"), {true, true, true, true}));
    CHECK(same(parse_grouping("day"), {false, false, false, true}));
    CHECK(same(parse_grouping("method,portal"), {true, false, true, false}));
    CHECK(same(parse_grouping(" integration ,\tday "), {false, true, false, true}));
    CHECK(same(parse_grouping("method,method"), {false, false, true, false}));
}

TEST_CASE("stats: --by refuses unknown and empty names", "[stats]") {
    CHECK(error_of("portal,x") ==
          "unknown grouping \"x\"; expected portal, integration, method, day");
    CHECK(error_of("Portal") ==
          "unknown grouping \"Portal\"; expected portal, integration, method, day");
    CHECK(error_of("days") ==
          "unknown grouping \"days\"; expected portal, integration, method, day");
    CHECK(error_of("").rfind("empty grouping name", 0) == 0);
    CHECK(error_of("  ").rfind("empty grouping name", 0) == 0);
    CHECK(error_of("portal,").rfind("empty grouping name", 0) == 0);
    CHECK(error_of("portal,,day").rfind("empty grouping name", 0) == 0);
}

TEST_CASE("stats: every subset of dimensions sums the same hits", "[stats]") {
    HitMaker mk;
    // Alternating groups (so the aggregator's one-entry cache is exercised), two days,
    // two portals, unknown cost, refusals and a batch.
    std::vector<Hit> hits = {
        mk(kT0 + 1, "a.bitrix24.com", "app:x", "crm.deal.list", 2 * kSec),
        mk(kT0 + 2, "a.bitrix24.com", "app:y", "crm.deal.list", kUnknownCost, 503),
        mk(kT0 + 3, "a.bitrix24.com", "app:x", "crm.deal.list", 500'000),
        mk(kT0 + 4, "b.bitrix24.com", "app:x", "batch", 7, 429),
        mk(kT0 + kDay, "a.bitrix24.com", "app:x", "crm.deal.list", 1, 200, "ACCESS_DENIED"),
        mk(kT0 + kDay + 5, "b.bitrix24.com", "webhook:1/abcdef", "user.get", kUnknownCost),
        mk(kT0 - 1, "a.bitrix24.com", "app:x", "crm.deal.list", 3),
        mk(kT0 + 6, "a.bitrix24.com", "app:x", "crm.deal.list", 0),
    };
    hits[3].cmds = {mk.sym.intern("crm.deal.get"), mk.sym.intern("user.get")};

    for (unsigned m = 1; m < 16; ++m) {
        const StatsGrouping g = from_mask(m);
        CAPTURE(m);
        StatsAggregator agg(g, mk.sym);
        // Expected, computed the slow way: by names.
        using Names = std::array<std::string, 4>;
        std::map<Names, std::array<std::int64_t, 4>> want;
        for (const Hit& h : hits) {
            agg.add(h);
            const Names k{g.portal ? std::string(mk.sym.name(h.portal)) : "",
                          g.integration ? std::string(mk.sym.name(h.integration)) : "",
                          g.method ? std::string(mk.sym.name(h.method)) : "",
                          g.day ? format_day(h.t_us) : ""};
            auto& w = want[k];
            w[0] += 1;
            w[1] += h.cost_us == kUnknownCost ? 0 : h.cost_us;
            w[2] += h.cost_us == kUnknownCost ? 1 : 0;
            w[3] += (h.status == 503 || h.status == 429 || h.error != kNoSym) ? 1 : 0;
        }
        const auto rows = agg.rows();
        REQUIRE(rows.size() == want.size());
        for (const auto& r : rows) {
            const auto it = want.find(Names{r.portal, r.integration, r.method, r.day});
            REQUIRE(it != want.end());
            CHECK(r.hits == it->second[0]);
            CHECK(r.cost_us == it->second[1]);
            CHECK(r.cost_unknown == it->second[2]);
            CHECK(r.refused == it->second[3]);
        }
        CHECK(same(agg.grouping(), g));
    }
}

TEST_CASE("stats: unknown cost is counted apart, a zero cost is known", "[stats]") {
    HitMaker mk;
    StatsAggregator agg({true, false, false, false}, mk.sym);
    agg.add(mk(kT0, "p", "app:x", "m", kUnknownCost));
    agg.add(mk(kT0, "p", "app:x", "m", 0));
    agg.add(mk(kT0, "p", "app:x", "m", 1'234'567));
    const auto rows = agg.rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].hits == 3);
    CHECK(rows[0].cost_us == 1'234'567);
    CHECK(rows[0].cost_unknown == 1);
}

TEST_CASE("stats: refused means 503, 429 or an error code in the log", "[stats]") {
    HitMaker mk;
    StatsAggregator agg({false, false, true, false}, mk.sym);
    agg.add(mk(kT0, "p", "i", "s503", 0, 503));
    agg.add(mk(kT0, "p", "i", "s429", 0, 429));
    agg.add(mk(kT0, "p", "i", "err", 0, 200, "OPERATION_TIME_LIMIT"));
    agg.add(mk(kT0, "p", "i", "err_nostatus", 0, 0, "QUERY_LIMIT_EXCEEDED"));
    agg.add(mk(kT0, "p", "i", "both", 0, 503, "QUERY_LIMIT_EXCEEDED"));  // once, not twice
    agg.add(mk(kT0, "p", "i", "s500", 0, 500));
    agg.add(mk(kT0, "p", "i", "s200", 0, 200));
    agg.add(mk(kT0, "p", "i", "s0", 0, 0));
    std::map<std::string, std::int64_t> refused;
    for (const auto& r : agg.rows()) refused[r.method] = r.refused;
    CHECK(refused == std::map<std::string, std::int64_t>{
                         {"s503", 1}, {"s429", 1}, {"err", 1}, {"err_nostatus", 1},
                         {"both", 1}, {"s500", 0}, {"s200", 0}, {"s0", 0}});
}

TEST_CASE("stats: a batch hit counts once, under batch, with its whole cost", "[stats]") {
    HitMaker mk;
    StatsAggregator agg({false, false, true, false}, mk.sym);
    Hit b = mk(kT0, "p", "app:x", "batch", 900'000, 503);
    b.cmds = {mk.sym.intern("crm.deal.list"), mk.sym.intern("crm.deal.list"),
              mk.sym.intern("user.get")};
    agg.add(b);
    const auto rows = agg.rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].method == "batch");
    CHECK(rows[0].hits == 1);
    CHECK(rows[0].cost_us == 900'000);
    CHECK(rows[0].refused == 1);
}

TEST_CASE("stats: a day starts at exactly midnight UTC", "[stats]") {
    CHECK(utc_day(0) == 0);
    CHECK(utc_day(-1) == -1);
    CHECK(utc_day(kDay - 1) == 0);
    CHECK(utc_day(kDay) == 1);
    CHECK(utc_day(-kDay) == -1);
    CHECK(utc_day(-kDay - 1) == -2);

    HitMaker mk;
    StatsAggregator agg({false, false, false, true}, mk.sym);
    const std::int64_t new_year = days_from_civil(2027, 1, 1) * kDay;
    agg.add(mk(new_year - 1, "p", "i", "m"));
    agg.add(mk(new_year, "p", "i", "m"));
    agg.add(mk(new_year, "p", "i", "m"));
    agg.add(mk(-1, "p", "i", "m"));
    agg.add(mk(0, "p", "i", "m"));
    std::map<std::string, std::int64_t> by_day;
    for (const auto& r : agg.rows()) by_day[r.day] = r.hits;
    CHECK(by_day == std::map<std::string, std::int64_t>{{"1969-12-31", 1},
                                                        {"1970-01-01", 1},
                                                        {"2026-12-31", 1},
                                                        {"2027-01-01", 2}});
}

TEST_CASE("stats: rows by hits descending, ties by names byte-wise", "[stats]") {
    HitMaker mk;
    StatsAggregator agg({true, true, true, true}, mk.sym);
    const auto add = [&](int n, std::int64_t t, const char* p, const char* i, const char* m) {
        for (int k = 0; k < n; ++k) agg.add(mk(t, p, i, m));
    };
    add(1, kT0 + kDay, "p", "i", "m");
    add(1, kT0, "p", "i", "m");           // same but earlier day: before
    add(1, kT0, "p", "i", "M");           // 'M' < 'm' byte-wise
    add(1, kT0, "p", "I", "z");           // integration decides before method
    add(1, kT0, "P", "z", "z");           // portal decides before integration
    add(1, kT0, "\xc3\xa9", "a", "a");    // UTF-8 bytes sort after ASCII
    add(3, kT0, "z", "z", "z");           // most hits first, whatever the names
    add(2, kT0, "y", "y", "y");
    std::vector<std::string> got;
    for (const auto& r : agg.rows())
        got.push_back(std::to_string(r.hits) + " " + r.portal + " " + r.integration + " " +
                      r.method + " " + r.day);
    CHECK(got == std::vector<std::string>{
                     "3 z z z 2026-11-27", "2 y y y 2026-11-27", "1 P z z 2026-11-27",
                     "1 p I z 2026-11-27", "1 p i M 2026-11-27", "1 p i m 2026-11-27",
                     "1 p i m 2026-11-28", "1 \xc3\xa9 a a 2026-11-27"});
}

TEST_CASE("stats: CSV quotes names with commas, quotes and line breaks", "[stats]") {
    std::vector<StatsRow> rows(4);
    rows[0] = {"a,b.bitrix24.com", "app:x", "", "", 3, 1'500'000, 1, 2};
    rows[1] = {"p", "app:\"q\"", "", "", 2, 0, 0, 0};
    rows[2] = {"p", "multi\nline", "", "", 1, 1, 0, 0};
    rows[3] = {"p", "cr\rx", "", "", 1, 250'000, 0, 1};
    std::ostringstream out;
    write_stats_csv(out, rows, {true, true, false, false});
    CHECK(out.str() ==
          "portal,integration,hits,cost_s,cost_unknown,refused\n"
          "\"a,b.bitrix24.com\",app:x,3,1.5,1,2\n"
          "p,\"app:\"\"q\"\"\",2,0.0,0,0\n"
          "p,\"multi\nline\",1,0.000001,0,0\n"
          "p,\"cr\rx\",1,0.25,0,1\n");
}

TEST_CASE("stats: CSV has only the grouped columns, in canonical order", "[stats]") {
    std::vector<StatsRow> rows{{"", "", "crm.deal.list", "2026-11-27", 1, 0, 1, 0}};
    std::ostringstream out;
    write_stats_csv(out, rows, parse_grouping("day,method"));
    CHECK(out.str() ==
          "method,day,hits,cost_s,cost_unknown,refused\n"
          "crm.deal.list,2026-11-27,1,0.0,1,0\n");
}

TEST_CASE("stats: JSON golden for a tiny case", "[stats]") {
    HitMaker mk;
    StatsAggregator agg(parse_grouping("method, portal"), mk.sym);
    agg.add(mk(kT0 + 1'500, "acme.bitrix24.com", "app:a", "crm.deal.list", 1'500'000));
    agg.add(mk(kT0 + kSec, "acme.bitrix24.com", "app:b", "crm.deal.list", kUnknownCost, 503));
    agg.add(mk(kT0 + 2 * kSec, "beta.bitrix24.com", "webhook:1/abcdef", "batch", 250'000, 200,
               "QUERY_LIMIT_EXCEEDED"));
    InputReport in;
    in.files = {"a.ndjson"};
    in.hits = 3;
    in.skipped = 1;
    in.cost_unknown = 1;
    in.bad_lines = 1;
    in.bad_places = {"a.ndjson:2"};
    in.first_us = kT0 + 1'500;
    in.last_us = kT0 + 2 * kSec;
    std::ostringstream out;
    write_stats_json(out, agg.rows(), agg.grouping(), in);
    CHECK(out.str() == R"({
  "schema": "b24load/stats/v1",
  "group_by": [
    "portal",
    "method"
  ],
  "input": {
    "files": [
      "a.ndjson"
    ],
    "hits": 3,
    "skipped": 1,
    "late": 0,
    "cost_unknown": 1,
    "bad_lines": 1,
    "bad_places": [
      "a.ndjson:2"
    ],
    "first": "2026-11-27T00:00:00.001Z",
    "last": "2026-11-27T00:00:02.000Z",
    "complete": true
  },
  "rows": [
    {
      "portal": "acme.bitrix24.com",
      "method": "crm.deal.list",
      "hits": 2,
      "cost_s": 1.5,
      "cost_unknown": 1,
      "refused": 1
    },
    {
      "portal": "beta.bitrix24.com",
      "method": "batch",
      "hits": 1,
      "cost_s": 0.25,
      "cost_unknown": 0,
      "refused": 1
    }
  ],
  "totals": {
    "hits": 3,
    "cost_s": 1.75,
    "cost_unknown": 1,
    "refused": 2
  }
}
)");
}

TEST_CASE("stats: JSON of an empty input has null times and zero totals", "[stats]") {
    InputReport in;
    in.complete = false;
    std::ostringstream out;
    write_stats_json(out, {}, parse_grouping("day"), in);
    const std::string s = out.str();
    CHECK(s.find("\"group_by\": [\n    \"day\"\n  ]") != std::string::npos);
    CHECK(s.find("\"first\": null,\n    \"last\": null,\n    \"complete\": false") !=
          std::string::npos);
    CHECK(s.find("\"rows\": [],") != std::string::npos);
    CHECK(s.find("\"totals\": {\n    \"hits\": 0,\n    \"cost_s\": 0.0,") != std::string::npos);
    CHECK(s.back() == '\n');
}

TEST_CASE("stats: text is a table of the grouped columns with a TOTAL line", "[stats]") {
    std::vector<StatsRow> rows{
        {"acme.bitrix24.com", "", "crm.deal.list", "", 12, 3'500'400, 0, 1},
        {"b.bitrix24.com", "", "user.get", "", 3, 999'500, 2, 0},
    };
    InputReport in;
    in.files = {"a.log", "b.log"};
    in.hits = 15;
    in.bad_lines = 11;
    in.bad_places = {"a.log:3"};
    std::ostringstream out;
    write_stats_text(out, rows, {true, false, true, false}, in);
    CHECK(out.str() ==
          "15 hits from 2 files; 11 bad lines (a.log:3, ...)\n"
          "\n"
          "PORTAL             METHOD         HITS  COST S  UNKNOWN COST  REFUSED\n"
          "acme.bitrix24.com  crm.deal.list    12   3.500             0        1\n"
          "b.bitrix24.com     user.get          3   1.000             2        0\n"
          "TOTAL                               15   4.500             2        1\n");
}

TEST_CASE("stats: text says when the input was incomplete", "[stats]") {
    InputReport in;
    in.files = {"a.zst"};
    in.hits = 1;
    in.first_us = kT0;
    in.last_us = kT0;
    in.complete = false;
    in.error = "a.zst: byte 812: corrupt zstd frame";
    std::vector<StatsRow> rows{{"", "", "", "2026-11-27", 1, 0, 1, 0}};
    std::ostringstream out;
    write_stats_text(out, rows, parse_grouping("day"), in);
    CHECK(out.str() ==
          "1 hit from 1 file, 2026-11-27T00:00:00.000Z to 2026-11-27T00:00:00.000Z; "
          "0 bad lines\n"
          "INCOMPLETE: the input ended early: a.zst: byte 812: corrupt zstd frame; the numbers "
          "cover the hits read before that\n"
          "\n"
          "DAY         HITS  COST S  UNKNOWN COST  REFUSED\n"
          "2026-11-27     1   0.000             1        0\n"
          "TOTAL          1   0.000             1        0\n");
}
