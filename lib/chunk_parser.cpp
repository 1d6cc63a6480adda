#include "chunk_parser.h"

namespace b24 {

std::optional<LineFormat> detect_format(std::string_view text) {
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') continue;
        return c == '{' ? LineFormat::Ndjson : LineFormat::AccessLog;
    }
    return std::nullopt;
}

ChunkParser::ChunkParser(const ParseContext& ctx) : ctx_(ctx), ndjson_(ctx_), access_(ctx_) {}

ChunkParser::~ChunkParser() = default;

void ChunkParser::parse(std::string_view run, LineFormat format, ParsedRun& out) {
    out.hits.clear();
    out.bad.clear();
    out.lines = 0;
    out.skipped = 0;
    out.bad_count = 0;

    const char* p = run.data();
    const char* const end = p + run.size();
    while (p < end) {
        const std::uint64_t index = out.lines++;

        // Parsed in place; dropped again unless it is a hit.
        Hit& hit = out.hits.emplace_back();
        const LineKind kind = parse_next(p, end, format, hit);
        if (kind == LineKind::Hit) {
            hit.place = Place{0, index};
            continue;
        }
        out.hits.pop_back();
        if (kind == LineKind::Bad) {
            if (out.bad.size() < 10) out.bad.emplace_back(index, reason_);
            ++out.bad_count;
        } else {
            ++out.skipped;
        }
    }
    out.names_end = ctx_.symbols->size();
}

}  // namespace b24
