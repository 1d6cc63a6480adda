// Interned strings: every name the replay compares (portal, method, ip, integration)
// is stored once and handled as a small integer id from then on.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace b24 {

using Sym = std::uint32_t;
inline constexpr Sym kNoSym = 0xffffffffu;  // "absent"

class SymbolTable {
public:
    Sym intern(std::string_view s);
    std::string_view name(Sym id) const { return names_[id]; }
    std::size_t size() const { return names_.size(); }
    // Forgets every name; ids start again at 0. Parsers that cache ids check generation().
    void clear() {
        ids_.clear();
        names_.clear();
        ++generation_;
    }
    std::uint64_t generation() const { return generation_; }

private:
    std::deque<std::string> names_;  // deque: stable addresses for the views below
    std::unordered_map<std::string_view, Sym> ids_;
    std::uint64_t generation_ = 0;
};

}  // namespace b24
