// What a line parser tells about one input line.
#pragma once
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

}  // namespace b24
