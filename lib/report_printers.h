// Printers of a Report: JSON (b24load/report/v1), text, JUnit XML, NDJSON findings.
// They write to a stream and know nothing of terminals: colour is an option.
#pragma once
#include <ostream>
#include <string>

#include "engine.h"
#include "json_writer.h"
#include "report.h"
#include "rules.h"

namespace b24 {

// SPEC §4.1 exactly; byte-identical for identical reports. Pretty, 2 spaces, final newline.
// Extra keys, after the required ones: input.error (only when not complete),
// findings[].method (POLLING), integrations[].cost_unknown.
void write_report_json(std::ostream& out, const Report& r);

struct TextOptions {
    bool color = false;            // ANSI colours; NO_COLOR and isatty are the CLI's business
    const Rules* rules = nullptr;  // when given: polling settings in reasons, bucket capacity
                                   // for "hot" buckets (else the built-in plans)
    std::size_t max_ok_rows = 20;  // per portal; more ok integrations collapse to one line
};
// The verdict table grouped by portal, reasons in plain words with numbers, the
// notification, advice per finding, then method blocks and hot buckets.
void write_report_text(std::ostream& out, const Report& r, const TextOptions& opt);

// One testsuite per portal, one testcase per integration; a testcase fails when it has a
// finding at or above `fail_on` (so a block verdict fails for every fail_on, as SPEC §4
// says; `--fail-on never` changes the exit code, not the verdicts).
void write_report_junit(std::ostream& out, const Report& r, Level fail_on);

// --format ndjson: one compact JSON line per finding as it is found (no peak: it is not
// final then) ...
void write_finding_ndjson(std::ostream& out, const FindingEvent& e);
// ... and a last line {"type":"summary","rules":{...},"input":{...},"summary":{...}}.
void write_summary_ndjson(std::ostream& out, const Report& r);

// Building blocks shared by the JSON producers (report_json.cpp).
// A finding's value/threshold/peak: seconds for cost and period, a count for hits/refused.
std::string format_metric(const std::string& metric, std::int64_t v);
void write_rules_json(JsonWriter& w, const Report& r);       // {"name","sha256"}
void write_input_json(JsonWriter& w, const InputReport& in);  // SPEC §4.1 "input"
void write_summary_json(JsonWriter& w, const Summary& s);     // SPEC §4.1 "summary"

}  // namespace b24
