// Interned strings: every name the replay compares (portal, method, ip, integration)
// is stored once and handled as a small integer id from then on.
//
// One thread interns. Other threads may read name(id) meanwhile, for ids handed to them
// through a lock after they were interned (the replay shards): names live in chunks that
// never move, found through a table of chunks that never grows.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace b24 {

using Sym = std::uint32_t;
inline constexpr Sym kNoSym = 0xffffffffu;  // "absent"

// Two ids (or 32-bit indices) in one word, the first in the high half: the key of the
// replay's maps by (portal, method) and the like. pair_first() and pair_second() undo it.
inline constexpr std::uint64_t sym_pair(Sym a, Sym b) { return std::uint64_t{a} << 32 | b; }
inline constexpr Sym pair_first(std::uint64_t p) { return static_cast<Sym>(p >> 32); }
inline constexpr Sym pair_second(std::uint64_t p) { return static_cast<Sym>(p); }

class SymbolTable {
public:
    SymbolTable();
    ~SymbolTable();
    SymbolTable(const SymbolTable&) = delete;
    SymbolTable& operator=(const SymbolTable&) = delete;

    // Throws std::length_error past 2^28 names.
    Sym intern(std::string_view s);
    std::string_view name(Sym id) const { return chunks_[id >> kChunkBits][id & kChunkMask]; }
    std::size_t size() const { return size_; }
    // Forgets every name; ids start again at 0. Parsers that cache ids check generation().
    void clear() {
        ids_.clear();
        size_ = 0;
        ++generation_;
    }
    std::uint64_t generation() const { return generation_; }

private:
    static constexpr unsigned kChunkBits = 12;  // 4096 names per chunk
    static constexpr std::size_t kChunkMask = (std::size_t{1} << kChunkBits) - 1;
    static constexpr std::size_t kChunks = std::size_t{1} << 16;

    std::unique_ptr<std::unique_ptr<std::string[]>[]> chunks_;  // kChunks slots
    std::size_t size_ = 0;
    std::unordered_map<std::string_view, Sym> ids_;  // views of the names in chunks_
    std::uint64_t generation_ = 0;
};

}  // namespace b24
