// nginx/Apache combined and vhost_combined access-log lines (SPEC §2.2).
#pragma once
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

private:
    struct Memo;  // names already built for this input, see access_log_parser.cpp
    static void delete_memo(Memo* m);
    const ParseContext& ctx_;
    // Made on first use; owned by this parser alone (no copies share it).
    std::unique_ptr<Memo, void (*)(Memo*)> memo_{nullptr, &delete_memo};
};

}  // namespace b24
