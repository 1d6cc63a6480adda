// A small 2-way set-associative memo from text as written in a log to the Sym it stands for
// (or to a pair of them, see PairCache), shared by the line parsers. Logs repeat a few
// addresses, hosts, methods and integrations on every line; a hit here costs a short hash
// and a compare, where interning costs a full hash-table lookup (and a webhook name a
// SHA-256). A miss only costs recomputing; the memo never grows.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "symbols.h"

namespace b24 {

// n <= 8 bytes at p as the low bytes of a word.
inline std::uint64_t load_bytes(const char* p, std::size_t n) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    return w;
}

// Equal bytes: names are short (a vhost and client together some 40 bytes), so up to 64
// bytes are compared in 16-byte (else 8-byte) steps, the last one overlapping, with no call.
inline bool same_bytes(const char* a, const char* b, std::size_t n) {
    if (n > 64) return std::memcmp(a, b, n) == 0;
#if defined(__SSE2__)
    if (n >= 16) {
        auto load = [](const char* p) {
            return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        };
        __m128i same = _mm_cmpeq_epi8(load(a + n - 16), load(b + n - 16));
        for (std::size_t i = 0; i + 16 < n; i += 16)
            same = _mm_and_si128(same, _mm_cmpeq_epi8(load(a + i), load(b + i)));
        return _mm_movemask_epi8(same) == 0xffff;
    }
#endif
    if (n >= 8) {
        std::uint64_t diff = load_bytes(a + n - 8, 8) ^ load_bytes(b + n - 8, 8);
        for (std::size_t i = 0; i + 8 < n; i += 8)
            diff |= load_bytes(a + i, 8) ^ load_bytes(b + i, 8);
        return diff == 0;
    }
    if (n >= 4)
        return ((load_bytes(a, 4) ^ load_bytes(b, 4)) |
                (load_bytes(a + n - 4, 4) ^ load_bytes(b + n - 4, 4))) == 0;
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// `kNone` is the value no entry holds: what a lookup that misses returns.
template <class Value, Value kNone>
class BasicSlotCache {
public:
    explicit BasicSlotCache(std::size_t slots_pow2) : slots_(slots_pow2) {}

    std::size_t set_of(std::string_view key) const {
        return static_cast<std::size_t>(hash(key)) & (slots_.size() - 2);
    }
    // The entry found or made last, when `key` is its key: no hash at all. A log repeats a
    // portal, an address or an integration on consecutive lines more often than not.
    Value find_last(std::string_view key) const {
        return holds(slots_[last_], key) ? slots_[last_].value : kNone;
    }
    Value find(std::size_t set, std::string_view key) {
        if (holds(slots_[set], key)) return slots_[last_ = set].value;
        if (holds(slots_[set + 1], key)) return slots_[last_ = set + 1].value;
        return kNone;
    }
    // find_last(), else find() in key's set: the value, or kNone, and then `set` is where
    // put() makes the entry (on a hit `set` is left as it was).
    Value lookup(std::string_view key, std::size_t& set) {
        if (const Value v = find_last(key); v != kNone) return v;
        set = set_of(key);
        return find(set, key);
    }
    // The newest entry of a set goes first; the older one moves to second place. `name`,
    // when given, is kept so the id can be made again after clear() without rebuilding it.
    Value put(std::size_t set, std::string_view key, Value value, std::string_view name = {}) {
        std::swap(slots_[set], slots_[set + 1]);
        slots_[set].key.assign(key);
        slots_[set].value = value;
        slots_[set].name.assign(name);
        last_ = set;
        return value;
    }
    // The id of `key`, made by `make(key)` (which interns) on a miss.
    template <class Make>
    Value get(std::string_view key, Make&& make) {
        std::size_t set = 0;
        if (const Value v = lookup(key, set); v != kNone) return v;
        return put(set, key, make(key));
    }
    // Forgets every id (the symbol table was cleared); keys and names stay.
    void clear() {
        for (Slot& s : slots_) s.value = kNone;
    }
    // Interns again the kept name of `key` whose id clear() forgot; kNoSym when there is none.
    Sym revive(std::size_t set, std::string_view key, SymbolTable& symbols) {
        for (Slot* s : {&slots_[set], &slots_[set + 1]}) {
            if (s->value == kNone && !s->name.empty() && std::string_view(s->key) == key) {
                last_ = static_cast<std::size_t>(s - slots_.data());
                return s->value = symbols.intern(s->name);
            }
        }
        return kNone;
    }

private:
    static std::uint64_t hash(std::string_view s) {
        // Word-at-a-time multiply-xorshift. Short tails are read as overlapping fixed-size
        // loads.
        const char* const p = s.data();
        const std::size_t n = s.size();
        std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
        std::uint64_t tail;
        if (n >= 8) {
            for (std::size_t i = 0; i + 8 < n; i += 8) {
                h = (h ^ load_bytes(p + i, 8)) * 0xff51afd7ed558ccdULL;
                h ^= h >> 32;
            }
            tail = load_bytes(p + n - 8, 8);
        } else if (n >= 4) {
            tail = load_bytes(p, 4) | load_bytes(p + n - 4, 4) << 32;
        } else {
            const auto byte = [&](std::size_t i) {
                return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i]));
            };
            tail = n == 0 ? 0 : byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16;
        }
        // A product's low bits only see the factors' low bits: fold the high half down
        // before the last multiply, so every byte reaches the low bits that pick the set.
        h ^= tail;
        h = (h ^ (h >> 32)) * 0xc4ceb9fe1a85ec53ULL;
        return h ^ (h >> 29);
    }
    struct Slot {
        std::string key;
        Value value = kNone;
        std::string name;  // see put()
    };
    static bool holds(const Slot& s, std::string_view key) {
        return s.value != kNone && s.key.size() == key.size() &&
               same_bytes(s.key.data(), key.data(), key.size());
    }
    std::vector<Slot> slots_;
    std::size_t last_ = 0;  // see find_last()
};

using SlotCache = BasicSlotCache<Sym, kNoSym>;

// Two Syms to a text (sym_pair(), symbols.h). No pair of ids is kNoPair (that would take
// kNoSym twice).
inline constexpr std::uint64_t kNoPair = ~std::uint64_t{0};
using PairCache = BasicSlotCache<std::uint64_t, kNoPair>;

}  // namespace b24
