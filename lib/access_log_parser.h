// nginx/Apache combined and vhost_combined access-log lines (SPEC §2.2).
#pragma once
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
    LineKind parse(std::string_view line, Hit& out, std::string& reason);

private:
    const ParseContext& ctx_;
};

}  // namespace b24
