#include <catch2/catch.hpp>

#include <sstream>

#include "micros.h"
#include "report_printers.h"

using namespace b24;

namespace {

std::int64_t at(unsigned h, unsigned m, unsigned s, std::int64_t us = 0) {
    return (days_from_civil(2026, 11, 27) * 86400 + h * 3600 + m * 60 + s) * 1'000'000 + us;
}

// Every array non-empty, seconds with fractions, a count threshold with a fraction.
Report full_report() {
    Report r;
    r.rules_name = "cloud-default";
    r.rules_sha256 = "0123abcd";
    r.input.files = {"a.ndjson.zst", "b.log"};
    r.input.hits = 12345;
    r.input.skipped = 2;
    r.input.late = 1;
    r.input.cost_unknown = 3;
    r.input.bad_lines = 1;
    r.input.bad_places = {"a.ndjson.zst:17"};
    r.input.first_us = at(7, 0, 0);
    r.input.last_us = at(9, 30, 15, 123'999);  // ms are truncated, not rounded
    r.summary = {1, 2, 1, 0, 0, 1};
    IntegrationReport a;
    a.portal = "acme.bitrix24.com";
    a.integration = "app:local.65f1";
    a.kind = "app";
    a.verdict = Level::Block;
    a.hits = 12000;
    a.executed = 11500;
    a.cost_us = 1'300'250'000;
    a.refused = {40, 5, 455};
    a.cost_unknown = 2;
    a.findings.push_back({"NONCRITICAL_LOAD", Level::Warn, at(7, 20, 0), "hits", 3'600'000'000,
                          7'251'000'000, 7'250'500'000, 7'300'000'000, ""});
    a.findings.push_back({"LARGE_LOAD", Level::Block, at(7, 26, 32, 910'500), "cost",
                          600'000'000, 1'200'000'000, 1'200'000'000, 1'250'500'000, ""});
    a.findings.push_back({"POLLING", Level::Notice, at(7, 26, 32, 910'500), "period",
                          900'500'000, 300'000'001, 900'500'000, 310'000'000,
                          "crm.activity.list"});
    a.notification = "Hello!\nYour app local.65f1 has been blocked.";
    a.top_methods = {{"crm.activity.list", 9000, 1'000'000'000},
                     {"crm.deal.get", 2000, 300'250'000}};
    IntegrationReport b;
    b.portal = "acme.bitrix24.com";
    b.integration = "webhook:1/3fa9c2";
    b.kind = "webhook";
    b.hits = 345;
    b.executed = 345;
    b.cost_us = 1'500'000;
    b.top_methods = {{"user.get", 345, 1'500'000}};
    r.integrations = {a, b};
    MethodReport m;
    m.portal = "acme.bitrix24.com";
    m.method = "crm.activity.list";
    m.hits = 9000;
    m.cost_us = 1'000'000'000;
    m.refused = 5;
    m.blocks = {{at(7, 25, 0), at(7, 35, 0), 480'000'001}};
    r.methods = {m};
    r.buckets = {{"acme.bitrix24.com", "203.0.113.7", "standard", 12000, 40, 50'000'000},
                 {"acme.bitrix24.com", "webhook:1/3fa9c2", "standard", 345, 0, 1'500'000}};
    return r;
}

std::string json(const Report& r) {
    std::ostringstream o;
    write_report_json(o, r);
    return o.str();
}

}  // namespace

TEST_CASE("report json: golden output of a full report", "[report_json]") {
    const std::string expected = R"({
  "schema": "b24load/report/v1",
  "rules": {
    "name": "cloud-default",
    "sha256": "0123abcd"
  },
  "input": {
    "files": [
      "a.ndjson.zst",
      "b.log"
    ],
    "hits": 12345,
    "skipped": 2,
    "late": 1,
    "cost_unknown": 3,
    "bad_lines": 1,
    "bad_places": [
      "a.ndjson.zst:17"
    ],
    "first": "2026-11-27T07:00:00.000Z",
    "last": "2026-11-27T09:30:15.123Z",
    "complete": true
  },
  "summary": {
    "portals": 1,
    "integrations": 2,
    "ok": 1,
    "notice": 0,
    "warn": 0,
    "block": 1
  },
  "integrations": [
    {
      "portal": "acme.bitrix24.com",
      "integration": "app:local.65f1",
      "kind": "app",
      "verdict": "block",
      "hits": 12000,
      "executed": 11500,
      "cost_s": 1300.25,
      "refused": {
        "QUERY_LIMIT_EXCEEDED": 40,
        "OPERATION_TIME_LIMIT": 5,
        "OVERLOAD_LIMIT": 455
      },
      "findings": [
        {
          "code": "NONCRITICAL_LOAD",
          "level": "warn",
          "at": "2026-11-27T07:20:00.000Z",
          "metric": "hits",
          "window_s": 3600,
          "value": 7251,
          "threshold": 7250.5,
          "peak": 7300
        },
        {
          "code": "LARGE_LOAD",
          "level": "block",
          "at": "2026-11-27T07:26:32.910Z",
          "metric": "cost",
          "window_s": 600,
          "value": 1200.0,
          "threshold": 1200.0,
          "peak": 1250.5
        },
        {
          "code": "POLLING",
          "level": "notice",
          "at": "2026-11-27T07:26:32.910Z",
          "metric": "period",
          "window_s": 900.5,
          "value": 300.000001,
          "threshold": 900.5,
          "peak": 310.0,
          "method": "crm.activity.list"
        }
      ],
      "notification": "Hello!\nYour app local.65f1 has been blocked.",
      "top_methods": [
        {
          "method": "crm.activity.list",
          "hits": 9000,
          "cost_s": 1000.0
        },
        {
          "method": "crm.deal.get",
          "hits": 2000,
          "cost_s": 300.25
        }
      ],
      "cost_unknown": 2
    },
    {
      "portal": "acme.bitrix24.com",
      "integration": "webhook:1/3fa9c2",
      "kind": "webhook",
      "verdict": "ok",
      "hits": 345,
      "executed": 345,
      "cost_s": 1.5,
      "refused": {
        "QUERY_LIMIT_EXCEEDED": 0,
        "OPERATION_TIME_LIMIT": 0,
        "OVERLOAD_LIMIT": 0
      },
      "findings": [],
      "notification": "",
      "top_methods": [
        {
          "method": "user.get",
          "hits": 345,
          "cost_s": 1.5
        }
      ],
      "cost_unknown": 0
    }
  ],
  "methods": [
    {
      "portal": "acme.bitrix24.com",
      "method": "crm.activity.list",
      "hits": 9000,
      "cost_s": 1000.0,
      "refused": 5,
      "blocks": [
        {
          "from": "2026-11-27T07:25:00.000Z",
          "until": "2026-11-27T07:35:00.000Z",
          "window_cost_s": 480.000001
        }
      ]
    }
  ],
  "buckets": [
    {
      "portal": "acme.bitrix24.com",
      "key": "203.0.113.7",
      "plan": "standard",
      "hits": 12000,
      "refused": 40,
      "peak_level": 50.0
    },
    {
      "portal": "acme.bitrix24.com",
      "key": "webhook:1/3fa9c2",
      "plan": "standard",
      "hits": 345,
      "refused": 0,
      "peak_level": 1.5
    }
  ]
}
)";
    CHECK(json(full_report()) == expected);
}

TEST_CASE("report json: an empty report has every key, empty arrays and null times",
          "[report_json]") {
    const std::string expected = R"({
  "schema": "b24load/report/v1",
  "rules": {
    "name": "cloud-default",
    "sha256": ""
  },
  "input": {
    "files": [],
    "hits": 0,
    "skipped": 0,
    "late": 0,
    "cost_unknown": 0,
    "bad_lines": 0,
    "bad_places": [],
    "first": null,
    "last": null,
    "complete": true
  },
  "summary": {
    "portals": 0,
    "integrations": 0,
    "ok": 0,
    "notice": 0,
    "warn": 0,
    "block": 0
  },
  "integrations": [],
  "methods": [],
  "buckets": []
}
)";
    Report r;
    r.rules_name = "cloud-default";
    CHECK(json(r) == expected);
}

TEST_CASE("report json: input.error appears after complete only when incomplete",
          "[report_json]") {
    Report r;
    r.input.error = "stale text";  // ignored while complete
    CHECK(json(r).find("\"error\"") == std::string::npos);
    r.input.complete = false;
    r.input.error = "a.zst: byte 4096: truncated zstd frame";
    CHECK(json(r).find("    \"complete\": false,\n"
                       "    \"error\": \"a.zst: byte 4096: truncated zstd frame\"\n  },") !=
          std::string::npos);
}

TEST_CASE("report json: strings from the input are escaped", "[report_json]") {
    Report r;
    IntegrationReport i;
    i.portal = "a\"b\\c\x01";
    i.integration = "app:\xff";
    r.integrations = {i};
    const std::string s = json(r);
    CHECK(s.find(R"("portal": "a\"b\\c\u0001")") != std::string::npos);
    CHECK(s.find("\"integration\": \"app:\xEF\xBF\xBD\"") != std::string::npos);
}

TEST_CASE("report json: a metric's unit decides how its numbers print", "[report_json]") {
    CHECK(format_metric("hits", 7'250'000'000) == "7250");
    CHECK(format_metric("hits", 7'250'500'000) == "7250.5");
    CHECK(format_metric("refused", 600'000'000) == "600");
    CHECK(format_metric("refused", 1) == "0.000001");
    CHECK(format_metric("cost", 1'200'000'000) == "1200.0");
    CHECK(format_metric("period", 300'000'001) == "300.000001");
    CHECK(format_metric("cost", 0) == "0.0");
}

TEST_CASE("report json: identical reports give identical bytes", "[report_json]") {
    CHECK(json(full_report()) == json(full_report()));
    Report other = full_report();
    other.integrations[0].findings[0].peak += 1;  // one µ-hit changes the text
    CHECK(json(other) != json(full_report()));
}

TEST_CASE("report ndjson: a finding is one compact line without its peak", "[report_ndjson]") {
    const Report r = full_report();
    const IntegrationReport& i = r.integrations[0];
    std::ostringstream o;
    write_finding_ndjson(o, FindingEvent{i.portal, i.integration, i.findings[0]});
    write_finding_ndjson(o, FindingEvent{i.portal, i.integration, i.findings[2]});
    CHECK(o.str() ==
          R"({"type":"finding","portal":"acme.bitrix24.com","integration":"app:local.65f1","code":"NONCRITICAL_LOAD","level":"warn","at":"2026-11-27T07:20:00.000Z","metric":"hits","window_s":3600,"value":7251,"threshold":7250.5})"
          "\n"
          R"({"type":"finding","portal":"acme.bitrix24.com","integration":"app:local.65f1","code":"POLLING","level":"notice","at":"2026-11-27T07:26:32.910Z","metric":"period","window_s":900.5,"value":300.000001,"threshold":900.5,"method":"crm.activity.list"})"
          "\n");
}

TEST_CASE("report ndjson: the summary line carries input counts and verdict counts",
          "[report_ndjson]") {
    Report r = full_report();
    r.input.complete = false;
    r.input.error = "b.log: byte 10: truncated gzip stream";
    std::ostringstream o;
    write_summary_ndjson(o, r);
    CHECK(o.str() ==
          R"({"type":"summary","rules":{"name":"cloud-default","sha256":"0123abcd"},"input":{"files":["a.ndjson.zst","b.log"],"hits":12345,"skipped":2,"late":1,"cost_unknown":3,"bad_lines":1,"bad_places":["a.ndjson.zst:17"],"first":"2026-11-27T07:00:00.000Z","last":"2026-11-27T09:30:15.123Z","complete":false,"error":"b.log: byte 10: truncated gzip stream"},"summary":{"portals":1,"integrations":2,"ok":1,"notice":0,"warn":0,"block":1}})"
          "\n");
}
