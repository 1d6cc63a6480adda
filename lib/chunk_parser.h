// Parses a run of whole lines (LineReader::next_run, FileFeed's pieces) into hits. On a
// worker thread the names go to the worker's own symbol table, and the consuming thread
// maps them to its table afterwards (ParsePool::names).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access_log_parser.h"
#include "hit.h"
#include "line_parse.h"
#include "ndjson_parser.h"
#include "symbols.h"

namespace b24 {

enum class LineFormat : std::uint8_t { Ndjson, AccessLog };

// The format of a file is decided by its first non-blank byte: '{' is NDJSON, anything
// else an access log. nullopt while `text` holds only blanks.
std::optional<LineFormat> detect_format(std::string_view text);

// The result of one run. place.line is the line's index in the run (0-based), place.file
// is not set. Syms are ids of the parser's table, which held `names_end` names after it.
struct ParsedRun {
    std::vector<Hit> hits;
    int worker = -1;  // the ParsePool worker that parsed it, -1 on the calling thread
    std::size_t names_end = 0;
    std::uint64_t lines = 0;
    std::int64_t skipped = 0;
    std::int64_t bad_count = 0;
    std::vector<std::pair<std::uint64_t, std::string>> bad;  // the first 10: line index, reason
};

class ChunkParser {
public:
    // Names are interned into ctx.symbols.
    explicit ChunkParser(const ParseContext& ctx);
    ~ChunkParser();
    // `run` must be followed by kLinePadding readable bytes.
    void parse(std::string_view run, LineFormat format, ParsedRun& out);
    // The line at `p` (p < end) in a run ending at `end`, followed by kLinePadding
    // readable bytes, as next_line() cuts it; `p` moves past it. On Hit, `out` holds it
    // (place not set); on Bad, reason() says why.
    LineKind parse_next(const char*& p, const char* end, LineFormat format, Hit& out) {
        reason_.clear();
        return format == LineFormat::Ndjson ? ndjson_.parse_next(p, end, out, reason_)
                                            : access_.parse_next(p, end, out, reason_);
    }
    const std::string& reason() const { return reason_; }

private:
    const ParseContext& ctx_;
    NdjsonParser ndjson_;
    AccessLogParser access_;
    std::string reason_;
};

}  // namespace b24
