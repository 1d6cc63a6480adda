// nginx/Apache combined and vhost_combined access-log lines (SPEC §2.2).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hit.h"
#include "line_parse.h"

namespace b24 {

class AccessLogParser {
public:
    explicit AccessLogParser(const ParseContext& ctx) : ctx_(ctx) {}
    // Hit for a /rest/ request, Skipped for other requests, Bad for a line that is not an
    // access-log line or a /rest/ request that names no method. `reason` has no secrets.
    // `line` (no terminator) must be followed by kLinePadding readable bytes.
    LineKind parse(std::string_view line, Hit& out, std::string& reason);

    // The line that starts at `p` (p < end) in a run ending at `end` (followed by
    // kLinePadding readable bytes), read as parse(next_line(p, end)) reads it, with `p`
    // moved past it: a common line is read in the same pass that finds its end.
    LineKind parse_next(const char*& p, const char* end, Hit& out, std::string& reason);

private:
    friend struct AccessLogParserTesting;
    // What a line tells, as both ways of reading it find it.
    // (No initializer on t_us and status, which both ways set: filling the whole struct at
    // every line took `rep stos`, 2% of one thread's time.)
    struct Fields {
        std::string_view vhost, client;
        std::string_view path, query;  // of a /rest/ request: after "/rest/", after '?'
        std::int64_t t_us;
        std::int64_t cost_us = kUnknownCost;
        int status;
    };
    struct Memo;  // names already built for this input, see access_log_parser.cpp
    static void delete_memo(Memo* m);
    const ParseContext& ctx_;
    // Made on first use; owned by this parser alone (no copies share it).
    std::unique_ptr<Memo, void (*)(Memo*)> memo_{nullptr, &delete_memo};
    bool last_fast_ = false;  // whether parse_next() read the last line by its fast path

    Memo& memo();  // made on first use, renewed for the symbol table's generation
    Memo& renew_memo();
    LineKind hit_from(const Fields& f, Hit& out, std::string& reason);
};

// For tests only: whether the last parse_next() read its line by the fast path.
struct AccessLogParserTesting {
    static bool last_was_fast(const AccessLogParser& p) { return p.last_fast_; }
};

}  // namespace b24
