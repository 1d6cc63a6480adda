#include "symbols.h"

namespace b24 {

Sym SymbolTable::intern(std::string_view s) {
    if (auto it = ids_.find(s); it != ids_.end()) return it->second;
    const Sym id = static_cast<Sym>(names_.size());
    names_.emplace_back(s);
    ids_.emplace(names_.back(), id);
    return id;
}

}  // namespace b24
