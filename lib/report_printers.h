// Printers of a Report: JSON (b24load/report/v1), text, JUnit XML, NDJSON findings.
// They write to a stream and know nothing of terminals: colour is an option.
#pragma once
#include <ostream>

#include "engine.h"
#include "report.h"

namespace b24 {

// SPEC §4.1 exactly; byte-identical for identical reports. Pretty, 2 spaces, final newline.
void write_report_json(std::ostream& out, const Report& r);

struct TextOptions {
    bool color = false;
};
// The verdict table grouped by portal, reasons in plain words with numbers, the
// notification, advice per finding, then method blocks and hot buckets.
void write_report_text(std::ostream& out, const Report& r, const TextOptions& opt);

// One testsuite per portal, one testcase per integration; block is a failure, and
// so is any finding at or above `fail_on`.
void write_report_junit(std::ostream& out, const Report& r, Level fail_on);

// --format ndjson: one compact JSON line per finding as it is found ...
void write_finding_ndjson(std::ostream& out, const FindingEvent& e);
// ... and a last line {"type":"summary",...} with the input counts and summary.
void write_summary_ndjson(std::ostream& out, const Report& r);

}  // namespace b24
