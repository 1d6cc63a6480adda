// A flat hash map from packed integer ids (e.g. (portal << 32) | method) to dense values:
// open addressing with linear probing over a compact slot array, values in one vector in
// insertion order. The replay looks up several such keys per hit; a lookup here touches
// one slot and one value instead of std::unordered_map's bucket, chain and node.
// Value references are invalidated by inserting into the same map.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

namespace b24 {

template <class V>
class IdMap {
public:
    struct Entry {
        V& value;
        std::uint32_t index;  // dense, in insertion order
        bool fresh;           // inserted by this call (value-initialised)
    };
    // The entry of `key`, inserted on first use.
    Entry try_emplace(std::uint64_t key) {
        if ((values_.size() + 1) * 2 > slots_.size()) grow();
        std::size_t i = home(key);
        while (slots_[i].index != kEmpty) {
            if (slots_[i].key == key) return {values_[slots_[i].index], slots_[i].index, false};
            i = (i + 1) & mask_;
        }
        const auto index = static_cast<std::uint32_t>(values_.size());
        slots_[i] = Slot{key, index};
        keys_.push_back(key);
        values_.emplace_back();
        return {values_.back(), index, true};
    }
    V& operator[](std::uint64_t key) { return try_emplace(key).value; }

    std::size_t size() const { return values_.size(); }
    // Entries in insertion order.
    std::uint64_t key_at(std::size_t i) const { return keys_[i]; }
    const V& value_at(std::size_t i) const { return values_[i]; }
    V& value_at(std::size_t i) { return values_[i]; }

private:
    static constexpr std::uint32_t kEmpty = 0xffffffffu;
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t index = kEmpty;
    };
    std::size_t home(std::uint64_t key) const {
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
    }
    void grow() {
        const std::size_t cap = slots_.empty() ? 16 : slots_.size() * 2;
        slots_.assign(cap, Slot{});
        mask_ = cap - 1;
        shift_ = 64;
        for (std::size_t c = cap; c > 1; c >>= 1) --shift_;
        for (std::size_t v = 0; v < keys_.size(); ++v) {
            std::size_t i = home(keys_[v]);
            while (slots_[i].index != kEmpty) i = (i + 1) & mask_;
            slots_[i] = Slot{keys_[v], static_cast<std::uint32_t>(v)};
        }
    }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    unsigned shift_ = 64;
    std::vector<std::uint64_t> keys_;
    std::vector<V> values_;
};

}  // namespace b24
