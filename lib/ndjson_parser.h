// NDJSON hit lines (SPEC §2.1, §3.6): a fast path for common lines, simdjson On-Demand for
// the rest (see ndjson_parser.cpp).
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "hit.h"
#include "line_parse.h"

namespace b24 {

class NdjsonParser {
public:
    explicit NdjsonParser(const ParseContext& ctx);
    ~NdjsonParser();
    // `line` (no terminator) must be followed by kLinePadding readable bytes.
    // On Hit fills `out` (all fields but `place`); on Bad sets `reason` (no secrets in it,
    // e.g. "field \"ts\": expected a number or an RFC 3339 string").
    LineKind parse(std::string_view line, Hit& out, std::string& reason);
    // The line that starts at `p` (p < end) in a run ending at `end` (followed by
    // kLinePadding readable bytes), read as parse(next_line(p, end)) reads it, with `p`
    // moved past it: a common line is read in the same pass that finds its end.
    LineKind parse_next(const char*& p, const char* end, Hit& out, std::string& reason);

private:
    friend struct NdjsonParserTesting;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// For tests only: parse() reads common lines by a fast path and falls back to the full
// simdjson path; tests compare the two.
struct NdjsonParserTesting {
    static void set_fast_path(NdjsonParser& p, bool on);
    static bool last_was_fast(const NdjsonParser& p);
};

}  // namespace b24
