// A hit as text, every field with names instead of ids: hits parsed into different symbol
// tables (two parsers, a parse worker's and the calling thread's) compare as strings.
// Shared by the tests and the fuzz targets (tests/fuzz/).
#pragma once
#include <sstream>
#include <string>

#include "hit.h"
#include "line_parse.h"
#include "symbols.h"

namespace b24::test_hit {

// Every field but `place`, which the parsers do not set.
inline std::string hit_text(const SymbolTable& symbols, const Hit& h) {
    auto name = [&](Sym s) { return s == kNoSym ? std::string("-") : std::string(symbols.name(s)); };
    std::ostringstream o;
    o << "t=" << h.t_us << "|p=" << name(h.portal) << "|i=" << name(h.integration)
      << "|k=" << static_cast<int>(h.kind) << "|ip=" << name(h.ip) << "|m=" << name(h.method)
      << "|c=" << h.cost_us << "|plan=" << h.plan << "|s=" << h.status << "|e=" << name(h.error)
      << "|cmds=";
    for (const Sym c : h.cmds) o << name(c) << ',';
    return o.str();
}

// Everything one parse of a line tells: its kind, the reason, and the hit when it is one.
inline std::string line_outcome(const SymbolTable& symbols, LineKind kind, const Hit& h,
                                const std::string& reason) {
    std::string out = std::to_string(static_cast<int>(kind)) + '|' + reason;
    if (kind == LineKind::Hit) out += '|' + hit_text(symbols, h);
    return out;
}

}  // namespace b24::test_hit
