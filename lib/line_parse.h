// What a line parser tells about one input line.
#pragma once
#include <cstring>
#include <string>
#include <string_view>

#include "rules.h"
#include "symbols.h"

namespace b24 {

enum class LineKind { Hit, Blank, Skipped, Bad };

// Shared by the parsers of one input: where names are interned and which plans exist.
struct ParseContext {
    SymbolTable* symbols = nullptr;
    const Rules* rules = nullptr;
    std::string default_portal = "default";  // access logs without a vhost: --portal
};

// Bytes a line reader guarantees readable after every line it hands out
// (simdjson needs them; equal to SIMDJSON_PADDING).
inline constexpr std::size_t kLinePadding = 64;

// The line that starts at `p` in a run ending at `end`, without its terminator ("\n", or
// "\r\n": a '\r' ends a line only right before '\n', see LineReader::next_run); `p`
// moves past it. p < end.
inline std::string_view next_line(const char*& p, const char* end) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    std::string_view line(p, static_cast<std::size_t>((nl ? nl : end) - p));
    if (nl != nullptr && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    p = nl ? nl + 1 : end;
    return line;
}

}  // namespace b24
