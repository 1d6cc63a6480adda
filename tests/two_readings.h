// The first line of a run read the two ways a parser offers: parse() of the line that
// next_line() cuts, and parse_next() on the run. Shared by the fast-path tests of both
// parsers, which hold the two to the same outcome and the same end.
#pragma once
#include <string>

#include "line_parse.h"

namespace b24::test_hit {

struct TwoReadings {
    LineKind kind;               // parse_next()'s
    std::string by_line, by_run;  // the outcomes (Side::outcome)
    const char* line_next;       // where next_line() left the run
    const char* run_next;        // where parse_next() did
};

// `Side` holds a parser, its hit and reason, and outcome(kind).
template <class Side>
TwoReadings read_both(Side& by_line, Side& by_run, const char* begin, const char* end) {
    TwoReadings r;
    r.line_next = begin;
    const std::string_view line = next_line(r.line_next, end);
    by_line.reason.clear();
    by_line.hit = Hit{};
    r.by_line = by_line.outcome(by_line.parser.parse(line, by_line.hit, by_line.reason));
    r.run_next = begin;
    by_run.reason.clear();
    by_run.hit = Hit{};
    r.kind = by_run.parser.parse_next(r.run_next, end, by_run.hit, by_run.reason);
    r.by_run = by_run.outcome(r.kind);
    return r;
}

}  // namespace b24::test_hit
