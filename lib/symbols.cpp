#include "symbols.h"

#include <stdexcept>

namespace b24 {

SymbolTable::SymbolTable() : chunks_(std::make_unique<std::unique_ptr<std::string[]>[]>(kChunks)) {}

SymbolTable::~SymbolTable() = default;

Sym SymbolTable::intern(std::string_view s) {
    if (auto it = ids_.find(s); it != ids_.end()) return it->second;
    const std::size_t id = size_;
    const std::size_t chunk = id >> kChunkBits;
    if (chunk >= kChunks) throw std::length_error("more than 2^28 distinct names");
    if (!chunks_[chunk]) chunks_[chunk] = std::make_unique<std::string[]>(kChunkMask + 1);
    std::string& slot = chunks_[chunk][id & kChunkMask];
    slot.assign(s);  // a slot reused after clear() is rewritten, never read before
    ++size_;
    ids_.emplace(slot, static_cast<Sym>(id));
    return static_cast<Sym>(id);
}

}  // namespace b24
