#include "chunk_parser.h"

#include <cstring>

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
        const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        std::string_view line(p, static_cast<std::size_t>((nl ? nl : end) - p));
        // A '\r' is a terminator only right before '\n' (see LineReader::next_run).
        if (nl != nullptr && !line.empty() && line.back() == '\r') line.remove_suffix(1);
        p = nl ? nl + 1 : end;
        const std::uint64_t index = out.lines++;

        // Parsed in place; dropped again unless it is a hit.
        Hit& hit = out.hits.emplace_back();
        reason_.clear();
        const LineKind kind = format == LineFormat::Ndjson ? ndjson_.parse(line, hit, reason_)
                                                           : access_.parse(line, hit, reason_);
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
