// NDJSON hit lines (SPEC §2.1, §3.6) with simdjson On-Demand.
//
// One pass over the object in document order: each key is mapped to a slot (a canonical
// name or an alias), the first pair of a key wins, every occurrence that is taken is
// type-checked (so an overridden alias of the wrong type still makes the line bad), and
// everything else is walked only to prove it is valid JSON (On-Demand would otherwise skip
// it unchecked). Precedence between a name and its aliases is resolved after the pass.
// Numbers are read from their JSON text, never through double.
//
// Two readers fill the same per-line state: a hand-written fast path (fast_line) for the
// shapes loggers write, and the simdjson walk for everything else. The fast path gives up
// on anything unusual, so every bad line is judged by the simdjson walk; the names of a hit
// then go through small caches of the raw text (slot_cache.h), renewed when the symbol
// table is cleared.
#include "ndjson_parser.h"

#include <simdjson.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "identity.h"
#include "micros.h"
#include "slot_cache.h"

namespace b24 {
namespace {

namespace od = simdjson::ondemand;

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING, "line padding too small for simdjson");

// Slots: every name the parser reads. Order inside a group is the precedence order.
enum Slot : int {
    kTs, kTimeStart, kTimestamp, kAtTimestamp,
    kPortal, kDomain, kHost,
    kMethod, kApp, kWebhook,
    kIp, kClientIp, kRemoteAddr,
    kCost, kDuration, kTimeDuration,
    kOperating, kTimeOperating,
    kStatus, kError,
    kCmd, kParamsCmd,
    kStart, kParamsStart,
    kPlan,
    kTime, kParams,  // the containers of the nested aliases
    kSlotCount,
    kNone = -1,
};
static_assert(kSlotCount <= 32, "slot sets are 32-bit masks");

constexpr std::array<std::string_view, kSlotCount> kSlotName = {
    "ts", "time.start", "timestamp", "@timestamp",
    "portal", "domain", "host",
    "method", "app", "webhook",
    "ip", "client_ip", "remote_addr",
    "cost", "duration", "time.duration",
    "operating", "time.operating",
    "status", "error",
    "cmd", "params.cmd",
    "start", "params.start",
    "plan",
    "time", "params",
};

// Length of each key as it stands in its object ("start" for time.start).
constexpr std::array<std::size_t, kSlotCount> kKeyLength = [] {
    std::array<std::size_t, kSlotCount> n{};
    for (int s = 0; s < kSlotCount; ++s) {
        const std::string_view name = kSlotName[s];
        const std::size_t dot = name.find('.');
        n[s] = dot == std::string_view::npos ? name.size() : name.size() - dot - 1;
    }
    return n;
}();

// Each key as it stands in the line with its closing quote ("ts\""), as two little-endian
// words and masks: a guessed key is checked with two loads and compares.
struct KeyPattern {
    std::uint64_t word[2] = {0, 0};
    std::uint64_t mask[2] = {0, 0};
};
constexpr std::array<KeyPattern, kSlotCount> kKeyPattern = [] {
    std::array<KeyPattern, kSlotCount> patterns{};
    for (int s = 0; s < kSlotCount; ++s) {
        const std::string_view name = kSlotName[s].substr(kSlotName[s].size() - kKeyLength[s]);
        for (std::size_t i = 0; i <= name.size(); ++i) {  // 16 bytes hold the longest
            const auto byte = static_cast<unsigned char>(i < name.size() ? name[i] : '"');
            patterns[s].word[i / 8] |= std::uint64_t{byte} << (8 * (i % 8));
            patterns[s].mask[i / 8] |= std::uint64_t{0xff} << (8 * (i % 8));
        }
    }
    return patterns;
}();
static_assert(std::string_view("remote_addr").size() < 16, "a key and its quote fit 16 bytes");

constexpr std::uint32_t bit(int s) { return std::uint32_t{1} << s; }

Slot top_slot(std::string_view k) {
    switch (k.size()) {
        case 2:
            if (k == "ts") return kTs;
            if (k == "ip") return kIp;
            break;
        case 3:
            if (k == "app") return kApp;
            if (k == "cmd") return kCmd;
            break;
        case 4:
            if (k == "host") return kHost;
            if (k == "time") return kTime;
            if (k == "cost") return kCost;
            if (k == "plan") return kPlan;
            break;
        case 5:
            if (k == "start") return kStart;
            if (k == "error") return kError;
            break;
        case 6:
            if (k == "method") return kMethod;
            if (k == "portal") return kPortal;
            if (k == "domain") return kDomain;
            if (k == "status") return kStatus;
            if (k == "params") return kParams;
            break;
        case 7:
            if (k == "webhook") return kWebhook;
            break;
        case 8:
            if (k == "duration") return kDuration;
            break;
        case 9:
            if (k == "client_ip") return kClientIp;
            if (k == "timestamp") return kTimestamp;
            if (k == "operating") return kOperating;
            break;
        case 10:
            if (k == "@timestamp") return kAtTimestamp;
            break;
        case 11:
            if (k == "remote_addr") return kRemoteAddr;
            break;
        default:
            break;
    }
    return kNone;
}

Slot nested_slot(Slot parent, std::string_view k) {
    if (parent == kTime) {
        if (k == "start") return kTimeStart;
        if (k == "duration") return kTimeDuration;
        if (k == "operating") return kTimeOperating;
    } else {
        if (k == "cmd") return kParamsCmd;
        if (k == "start") return kParamsStart;
    }
    return kNone;
}

// The same maps on a key as it stands in the line (the bytes after its opening quote, no
// escapes): the hot path, no copy and no scan for the key's end. The line's padding makes
// the few bytes read past a short key readable.
template <std::size_t N>
bool raw_is(const char* k, const char (&name)[N]) {
    return std::memcmp(k, name, N - 1) == 0 && k[N - 1] == '"';
}

Slot top_slot_raw(const char* k) {
    switch (k[0]) {
        case 't':
            if (raw_is(k, "ts")) return kTs;
            if (raw_is(k, "time")) return kTime;
            if (raw_is(k, "timestamp")) return kTimestamp;
            break;
        case 'p':
            if (raw_is(k, "portal")) return kPortal;
            if (raw_is(k, "params")) return kParams;
            if (raw_is(k, "plan")) return kPlan;
            break;
        case 'm':
            if (raw_is(k, "method")) return kMethod;
            break;
        case 'a':
            if (raw_is(k, "app")) return kApp;
            break;
        case 'w':
            if (raw_is(k, "webhook")) return kWebhook;
            break;
        case 'i':
            if (raw_is(k, "ip")) return kIp;
            break;
        case 'c':
            if (raw_is(k, "cost")) return kCost;
            if (raw_is(k, "cmd")) return kCmd;
            if (raw_is(k, "client_ip")) return kClientIp;
            break;
        case 'd':
            if (raw_is(k, "duration")) return kDuration;
            if (raw_is(k, "domain")) return kDomain;
            break;
        case 'h':
            if (raw_is(k, "host")) return kHost;
            break;
        case 'r':
            if (raw_is(k, "remote_addr")) return kRemoteAddr;
            break;
        case 'o':
            if (raw_is(k, "operating")) return kOperating;
            break;
        case 's':
            if (raw_is(k, "status")) return kStatus;
            if (raw_is(k, "start")) return kStart;
            break;
        case 'e':
            if (raw_is(k, "error")) return kError;
            break;
        case '@':
            if (raw_is(k, "@timestamp")) return kAtTimestamp;
            break;
        default:
            break;
    }
    return kNone;
}

Slot nested_slot_raw(Slot parent, const char* k) {
    if (parent == kTime) {
        if (raw_is(k, "start")) return kTimeStart;
        if (raw_is(k, "duration")) return kTimeDuration;
        if (raw_is(k, "operating")) return kTimeOperating;
    } else {
        if (raw_is(k, "cmd")) return kParamsCmd;
        if (raw_is(k, "start")) return kParamsStart;
    }
    return kNone;
}

// Deeper than this is refused rather than risking the stack on hostile input.
constexpr int kMaxDepth = 1024;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// raw_json_token() includes the whitespace up to the next token.
std::string_view trim_token(std::string_view t) {
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\n' ||
                          t.back() == '\r'))
        t.remove_suffix(1);
    return t;
}

// -?(0|[1-9][0-9]*); returns the end of the integer part (or 0 when there is none).
std::size_t integer_prefix(std::string_view s) {
    std::size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
    if (i >= s.size() || !is_digit(s[i])) return 0;
    if (s[i] == '0') return i + 1;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i;
}

bool is_json_integer(std::string_view s) {
    const std::size_t n = integer_prefix(s);
    return n != 0 && n == s.size();
}

bool is_json_number(std::string_view s) {
    std::size_t i = integer_prefix(s);
    if (i == 0) return false;
    if (i < s.size() && s[i] == '.') {
        const std::size_t begin = ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
        if (i == begin) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        const std::size_t begin = i;
        while (i < s.size() && is_digit(s[i])) ++i;
        if (i == begin) return false;
    }
    return i == s.size();
}

// Proves a value (and everything inside it) is valid JSON, consuming it.
bool valid_json(od::value& v, int depth) {
    od::json_type t;
    if (v.type().get(t)) return false;
    switch (t) {
        case od::json_type::array: {
            if (depth >= kMaxDepth) return false;
            od::array a;
            if (v.get_array().get(a)) return false;
            for (auto el : a) {
                od::value ev;
                if (el.get(ev) || !valid_json(ev, depth + 1)) return false;
            }
            return true;
        }
        case od::json_type::object: {
            if (depth >= kMaxDepth) return false;
            od::object o;
            if (v.get_object().get(o)) return false;
            for (auto f : o) {
                od::field fv;
                std::string_view key;
                if (std::move(f).get(fv) || fv.unescaped_key().get(key) || !valid_json(fv.value(), depth + 1))
                    return false;
            }
            return true;
        }
        case od::json_type::number:
            return is_json_number(trim_token(v.raw_json_token()));
        case od::json_type::string: {
            std::string_view s;
            return !v.get_string().get(s);
        }
        case od::json_type::boolean: {
            bool b;
            return !v.get_bool().get(b);
        }
        case od::json_type::null: {
            bool n = false;
            return !v.is_null().get(n) && n;
        }
    }
    return false;
}

void ascii_lower_into(std::string_view s, std::string& out) {
    out.resize(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
    }
}

// Lower-cased method with one trailing ".json"/".xml" dropped, into `out`.
void normalize_method(std::string_view s, std::string& out) {
    ascii_lower_into(s, out);
    std::string_view v = out;
    if (v.size() >= 5 && v.substr(v.size() - 5) == ".json")
        out.resize(v.size() - 5);
    else if (v.size() >= 4 && v.substr(v.size() - 4) == ".xml")
        out.resize(v.size() - 4);
}

std::string_view command_method(std::string_view command) {
    return command.substr(0, command.find('?'));
}

// Is the normalized method of `s` empty? (Without building it.)
bool method_is_empty(std::string_view s) {
    if (s.empty()) return true;
    auto ieq = [](std::string_view a, std::string_view lower) {
        if (a.size() != lower.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const char c = a[i];
            if (((c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c) != lower[i])
                return false;
        }
        return true;
    };
    return ieq(s, ".json") || ieq(s, ".xml");
}

// A plan name is quoted in the reason only when it looks like one (it is free text).
bool quotable_plan(std::string_view s) {
    if (s.size() > 64) return false;
    for (const char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
              c == '_' || c == '.'))
            return false;
    return true;
}

// ---- Scanners of the fast path (see NdjsonParser::Impl::fast_line) ----
// Each accepts a strict subset of JSON and says no (nullptr / false) to anything else, valid
// or not: the full path then decides. The line's padding makes reads up to 16 bytes past
// the end of the line safe; nothing found there is taken.

// JSON whitespace but '\n', which ends a line: parse_next() reads a line in the pass that
// finds its end, and stops there. (Inside a line, found by next_line(), there is none.)
bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// p <= end always, and *end is padding: a byte above ' ' is no whitespace wherever it is.
const char* skip_ws(const char* p, const char* end) {
    if (static_cast<unsigned char>(*p) > ' ') return p;
    while (p < end && is_ws(*p)) ++p;
    return p;
}

// Length of the valid UTF-8 sequence (2 to 4 bytes, no overlong form, no surrogate, at most
// U+10FFFF) at p, or 0.
std::size_t utf8_sequence(const char* p, const char* end) {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(p[i]); };
    const auto cont = [&](std::size_t i) { return p + i < end && (b(i) & 0xC0) == 0x80; };
    const unsigned c = b(0);
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F)) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if ((c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) > 0x8F)) return 0;
        return 4;
    }
    return 0;
}

// Is the key at k (after its opening quote) the name of slot s? Reads 16 bytes (padding).
bool key_is(const char* k, Slot s) {
    if constexpr (std::endian::native != std::endian::little) return false;
    std::uint64_t w[2];
    std::memcpy(w, k, 16);
    const KeyPattern& kp = kKeyPattern[s];
    return (((w[0] ^ kp.word[0]) & kp.mask[0]) | ((w[1] ^ kp.word[1]) & kp.mask[1])) == 0;
}

// Offset of the first byte of the 16 at p that stops the plain scan of a string ('"', '\\',
// a control or a non-ASCII byte), or 16 when there is none.
unsigned first_special(const char* p) {
#if defined(__SSE2__)
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: below 0x20 are the controls and (negative) every non-ASCII byte.
    const __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
        _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(m));
    return mask ? static_cast<unsigned>(std::countr_zero(mask)) : 16;
#else
    for (unsigned i = 0; i < 16; ++i) {
        const auto c = static_cast<unsigned char>(p[i]);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return i;
    }
    return 16;
#endif
}

// A string's body from p (after the opening quote): returns its closing quote, or nullptr
// for what the fast path leaves alone (an unterminated string, a control byte, invalid
// UTF-8, a \u escape). `escaped` tells whether it had a (simple) escape, so its text is not
// its value. Reads in blocks of 16 bytes: the padding covers the last one.
const char* scan_string(const char* p, const char* end, bool& escaped) {
    static_assert(kLinePadding >= 16);
    escaped = false;
    while (p < end) {
        const unsigned i = first_special(p);
        p += i;
        if (i == 16) continue;
        if (p >= end) return nullptr;
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"') return p;
        if (c == '\\') {
            if (p + 1 >= end) return nullptr;
            switch (p[1]) {
                case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                    escaped = true;
                    p += 2;
                    continue;
                default:
                    return nullptr;  // \u (surrogates are the full path's business) or invalid
            }
        }
        if (c < 0x20) return nullptr;
        const std::size_t n = utf8_sequence(p, end);
        if (n == 0) return nullptr;
        p += n;
    }
    return nullptr;
}

// A JSON number from p: returns its end, or nullptr. The byte after it is not checked here
// (the caller wants ',', '}', ']' or whitespace next, so "1.5x" and "01" are refused there).
const char* scan_number(const char* p, const char* end) {
    if (p < end && *p == '-') ++p;
    if (p >= end || !is_digit(*p)) return nullptr;
    if (*p == '0') {
        ++p;
    } else {
        while (p < end && is_digit(*p)) ++p;
    }
    if (p < end && *p == '.') {
        ++p;
        if (p >= end || !is_digit(*p)) return nullptr;
        while (p < end && is_digit(*p)) ++p;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p < end && (*p == '+' || *p == '-')) ++p;
        if (p >= end || !is_digit(*p)) return nullptr;
        while (p < end && is_digit(*p)) ++p;
    }
    return p;
}

// The run of decimal digits from p appended to v (v * 10^n + digits; it wraps past 19
// digits, which callers refuse by count); returns the run's end. Eight bytes at a time:
// the padding covers the read past the end.
const char* digits(const char* p, const char* end, std::uint64_t& v) {
    static_assert(kLinePadding >= 8);
    static constexpr std::uint64_t kPow10[9] = {1, 10, 100, 1000, 10'000, 100'000,
                                                1'000'000, 10'000'000, 100'000'000};
    if constexpr (std::endian::native != std::endian::little) {
        while (p < end && is_digit(*p)) v = v * 10 + static_cast<unsigned>(*p++ - '0');
        return p;
    }
    while (p < end) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        // A byte is a digit iff its high nibble is 3 and adding 6 keeps it so.
        const std::uint64_t not_digit =
            ((w & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL) |
            (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL);
        auto n = static_cast<std::size_t>(not_digit ? std::countr_zero(not_digit) / 8 : 8);
        if (static_cast<std::size_t>(end - p) < n) n = static_cast<std::size_t>(end - p);
        if (n == 0) break;
        // The n digits to the top bytes (zero bytes above are leading zeros), then the
        // classic SWAR sum of eight digits, most significant first.
        std::uint64_t d = (w & 0x0F0F0F0F0F0F0F0FULL) << (8 * (8 - n));
        d = (d * 10 + (d >> 8)) & 0x00FF00FF00FF00FFULL;
        d = (d * 100 + (d >> 16)) & 0x0000FFFF0000FFFFULL;
        d = (d * 10000 + (d >> 32)) & 0xFFFFFFFFULL;
        v = v * kPow10[n] + d;
        p += n;
        if (n < 8) break;
    }
    return p;
}

// A JSON number from p as decimal_to_micros reads its text: returns its end, or nullptr when
// it is not a JSON number or out of range. A plain decimal of at most 12 integer and 18
// digits in all (every timestamp and duration a logger writes) is converted on the way.
const char* scan_micros(const char* p, const char* end, std::int64_t& us) {
    const char* const begin = p;
    const bool negative = *p == '-';
    p += negative;
    std::uint64_t v = 0;
    const char* const int_begin = p;
    if (p < end && *p == '0') {
        ++p;
    } else {
        p = digits(p, end, v);
    }
    const auto n_int = p - int_begin;
    std::ptrdiff_t n_frac = -1;  // no fraction
    if (p < end && *p == '.') {
        const char* const frac_begin = ++p;
        p = digits(p, end, v);
        n_frac = p - frac_begin;
    }
    const bool exponent = p < end && (*p == 'e' || *p == 'E');
    if (n_int >= 1 && n_int <= 12 && n_frac != 0 && n_int + n_frac <= 18 && !exponent) {
        static constexpr std::uint64_t kPow10[13] = {
            1, 10, 100, 1000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000,
            1'000'000'000, 10'000'000'000, 100'000'000'000, 1'000'000'000'000};
        if (n_frac <= 6) {
            v *= kPow10[6 - (n_frac < 0 ? 0 : n_frac)];
        } else {  // half away from zero: up iff the first dropped digit is >= 5
            const std::uint64_t d = kPow10[n_frac - 6];
            v = v / d + (v % d >= d / 2);
        }
        us = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
        return p;
    }
    p = scan_number(begin, end);
    if (!p) return nullptr;
    const auto r = decimal_to_micros(std::string_view(begin, static_cast<std::size_t>(p - begin)));
    if (!r) return nullptr;
    us = *r;
    return p;
}

// true, false or null from p: returns its end, or nullptr.
const char* scan_literal(const char* p, const char* end) {
    for (const std::string_view lit : {std::string_view("true"), std::string_view("false"),
                                       std::string_view("null")}) {
        if (static_cast<std::size_t>(end - p) >= lit.size() &&
            std::memcmp(p, lit.data(), lit.size()) == 0)
            return p + lit.size();
    }
    return nullptr;
}

// Nesting the fast path follows; deeper values go to the full path.
constexpr int kFastMaxDepth = 32;

// Any JSON value from p (only checked, as valid_json does): returns its end, or nullptr.
const char* skip_value(const char* p, const char* end, int depth) {
    if (p >= end) return nullptr;
    const char c = *p;
    if (c == '"') {
        bool escaped;
        const char* q = scan_string(p + 1, end, escaped);
        return q ? q + 1 : nullptr;
    }
    if (c == '-' || is_digit(c)) return scan_number(p, end);
    if (c == '[' || c == '{') {
        if (depth >= kFastMaxDepth) return nullptr;
        const char close = c == '[' ? ']' : '}';
        p = skip_ws(p + 1, end);
        if (p < end && *p == close) return p + 1;
        while (true) {
            if (c == '{') {
                if (p >= end || *p != '"') return nullptr;
                bool escaped;
                p = scan_string(p + 1, end, escaped);
                if (!p) return nullptr;
                p = skip_ws(p + 1, end);
                if (p >= end || *p != ':') return nullptr;
                p = skip_ws(p + 1, end);
            }
            p = skip_value(p, end, depth + 1);
            if (!p) return nullptr;
            p = skip_ws(p, end);
            if (p >= end) return nullptr;
            if (*p == close) return p + 1;
            if (*p != ',') return nullptr;
            p = skip_ws(p + 1, end);
        }
    }
    return scan_literal(p, end);
}

}  // namespace

struct NdjsonParser::Impl {
    explicit Impl(const ParseContext& c) : ctx(c) {
        scratch.reserve(256);
        renew_symbols();
    }

    const ParseContext& ctx;
    od::parser parser;
    // Every cached id below belongs to this table in this generation (a parse worker
    // clears its table between chunks); renew_symbols() forgets them when either changes.
    const SymbolTable* table = nullptr;
    std::uint64_t generation = 0;
    std::uint64_t epoch = 0;  // counts renewals: stamps the ids in the name caches
    Sym unknown = kNoSym, batch = kNoSym;
    std::string scratch;  // lower-cased names before interning
    const char* line_end = nullptr;
    // Field text as written -> id. Integrations keep their built name across renewals (a
    // webhook's costs a SHA-256 of its secret).
    SlotCache portals{256}, methods{1024}, ips{1024}, errors{256}, apps{512}, webhooks{1024};

    // Per line. String views point into the parser's string buffer, valid until the next
    // iterate().
    std::uint32_t seen = 0;     // keys met (the first pair wins)
    std::uint32_t present = 0;  // slots holding a usable value
    std::uint32_t empty = 0;    // string slots that held ""
    std::array<std::int64_t, kSlotCount> num{};
    std::array<std::string_view, kSlotCount> str{};
    std::array<std::vector<std::string_view>, 2> cmds;  // cmd, params.cmd
    bool field_bad = false;
    std::string* reason = nullptr;
    // The top-level key that followed each key (index: its slot, kSlotCount for an unknown
    // key, kSlotCount + 1 for the start) on the last line: the fast path's first guess.
    std::array<Slot, kSlotCount + 2> next_key = [] {
        std::array<Slot, kSlotCount + 2> a{};
        a.fill(kNone);
        return a;
    }();
    bool fast_enabled = true;  // tests turn it off to compare with the full path
    bool last_fast = false;    // the last line was read by the fast path

    void renew_symbols() {
        table = ctx.symbols;
        generation = table->generation();
        ++epoch;
        for (SlotCache* c : {&portals, &methods, &ips, &errors, &apps, &webhooks}) c->clear();
        unknown = ctx.symbols->intern("unknown");
        batch = ctx.symbols->intern("batch");
    }

    // `fast`: try the fast path first (parse_next() already did, on this very line).
    LineKind parse(std::string_view line, Hit& out, std::string& why, bool fast);
    LineKind parse_next(const char*& p, const char* end, Hit& out, std::string& why);
    // Before a line: where its reason goes, and ids that are still this table's.
    void begin(std::string& why) {
        reason = &why;
        if (ctx.symbols != table || table->generation() != generation) renew_symbols();
    }
    void begin_line();
    // The line's fields into the per-line state above; false (reason set) on a bad line.
    bool full_line(std::string_view line);
    // The same for the common shape of a line without simdjson; false when the line has
    // anything it does not handle (the full path then decides). See fast_line().
    bool fast_line(const char* p, const char* end);
    const char* fast_object(const char* p, const char* end, Slot parent);
    const char* fast_take(Slot s, const char* p, const char* end);
    const char* fast_cmd(Slot s, const char* p, const char* end);
    // Hit or Bad from the per-line state.
    LineKind finish(Hit& out);
    bool walk_object(od::object& obj, Slot parent, int depth);
    bool take(Slot s, od::value& v, int depth);
    bool take_cmd(Slot s, od::value& v, od::json_type t, int depth);

    // Two kinds of fault. Broken JSON stops the walk at once (false) and is the reason
    // whatever was found before. A field fault is recorded (the first one is the reason)
    // and the walk goes on (true), so a line that is also broken JSON further on is
    // reported as such.
    bool bad(std::string_view msg) {
        reason->assign(msg);
        return false;
    }
    bool bad_json() { return bad("not valid JSON"); }
    bool bad_field(Slot s, std::string_view what, std::string_view prefix = "") {
        if (!field_bad) {
            field_bad = true;
            reason->assign("field \"").append(kSlotName[s]).append("\": ").append(prefix).append(what);
        }
        return true;
    }
    bool bad_type(Slot s, std::string_view expected) { return bad_field(s, expected, "expected "); }
    // A value of the wrong type, not read yet: recorded, then still checked as JSON.
    bool wrong_type(Slot s, std::string_view expected, od::value& v, int depth) {
        bad_type(s, expected);
        return valid_json(v, depth) || bad_json();
    }
    int first_present(std::initializer_list<Slot> group) const {
        for (const Slot s : group)
            if (present & bit(s)) return s;
        return kNone;
    }
    Sym intern_lower(std::string_view s) {
        ascii_lower_into(s, scratch);
        return ctx.symbols->intern(scratch);
    }
    // The slot of a field's key. Raw bytes first; a key the raw match does not know is
    // decoded only when it has an escape ("\u0074s" is "ts"). False on a bad escape.
    bool slot_of(od::field& f, Slot parent, Slot& slot) {
        const char* const raw = f.key().raw();
        slot = parent == kNone ? top_slot_raw(raw) : nested_slot_raw(parent, raw);
        if (slot != kNone) return true;
        const char* p = raw;
        while (p < line_end && *p != '"' && *p != '\\') ++p;
        if (p < line_end && *p == '"') return true;  // no escape: an unknown key
        std::string_view key;
        if (f.unescaped_key().get(key)) return false;
        slot = parent == kNone ? top_slot(key) : nested_slot(parent, key);
        return true;
    }
    Sym intern_method(std::string_view s) {
        normalize_method(s, scratch);
        return ctx.symbols->intern(scratch);
    }
    // Integration name of a raw app id or webhook, built once per id (kept across renewals).
    Sym integration(SlotCache& cache, std::string_view raw, std::string (*make)(std::string_view)) {
        std::size_t set = 0;
        if (const Sym sym = cache.lookup(raw, set); sym != kNoSym) return sym;
        if (const Sym sym = cache.revive(set, raw, *ctx.symbols); sym != kNoSym) return sym;
        const std::string name = make(raw);
        return cache.put(set, raw, ctx.symbols->intern(name), name);
    }
    Sym method(std::string_view raw) {
        return methods.get(raw, [&](std::string_view v) { return intern_method(v); });
    }
};

bool NdjsonParser::Impl::walk_object(od::object& obj, Slot parent, int depth) {
    for (auto fr : obj) {
        od::field field;
        Slot s = kNone;
        if (std::move(fr).get(field) || !slot_of(field, parent, s)) return bad_json();
        od::value& v = field.value();
        if (s == kNone || (seen & bit(s))) {  // unknown, or a later duplicate: JSON only
            if (!valid_json(v, depth + 1)) return bad_json();
            continue;
        }
        seen |= bit(s);
        if (s == kTime || s == kParams) {
            od::json_type t;
            if (v.type().get(t)) return bad_json();
            if (t != od::json_type::object) {  // no nested aliases in it: an ordinary value
                if (!valid_json(v, depth + 1)) return bad_json();
                continue;
            }
            od::object inner;
            if (v.get_object().get(inner) || !walk_object(inner, s, depth + 1)) return false;
            continue;
        }
        if (!take(s, v, depth + 1)) return false;
    }
    return true;
}

bool NdjsonParser::Impl::take(Slot s, od::value& v, int depth) {
    od::json_type t;
    if (v.type().get(t)) return bad_json();
    if (t == od::json_type::null) {  // null is absent
        bool n = false;
        return (!v.is_null().get(n) && n) || bad_json();
    }
    switch (s) {
        case kTs: case kTimeStart: case kTimestamp: case kAtTimestamp: {
            if (t == od::json_type::number) {
                const std::string_view text = trim_token(v.raw_json_token());
                const auto us = decimal_to_micros(text);
                if (!us) return is_json_number(text) ? bad_field(s, "number out of range") : bad_json();
                num[s] = *us;
            } else if (t == od::json_type::string) {
                std::string_view text;
                if (v.get_string().get(text)) return bad_json();
                const auto us = rfc3339_to_micros(text);
                if (!us) return bad_type(s, "a number or an RFC 3339 string");
                num[s] = *us;
            } else {
                return wrong_type(s, "a number or an RFC 3339 string", v, depth);
            }
            present |= bit(s);
            return true;
        }
        case kCost: case kDuration: case kTimeDuration: case kOperating: case kTimeOperating: {
            if (t != od::json_type::number) return wrong_type(s, "a number >= 0", v, depth);
            const std::string_view text = trim_token(v.raw_json_token());
            const auto us = decimal_to_micros(text);
            if (!us) return is_json_number(text) ? bad_field(s, "number out of range") : bad_json();
            if (*us < 0) return bad_type(s, "a number >= 0");
            num[s] = *us;
            present |= bit(s);
            return true;
        }
        case kStatus: {
            if (t != od::json_type::number) return wrong_type(s, "an integer", v, depth);
            const std::string_view text = trim_token(v.raw_json_token());
            if (!is_json_integer(text)) return is_json_number(text) ? bad_type(s, "an integer") : bad_json();
            // An HTTP status: anything longer than 10 characters is out of int32 range anyway.
            std::int64_t value = 0;
            const bool neg = text[0] == '-';
            if (text.size() > 11) return bad_field(s, "number out of range");
            for (std::size_t i = neg ? 1 : 0; i < text.size(); ++i) value = value * 10 + (text[i] - '0');
            if (neg) value = -value;
            if (value < INT32_MIN || value > INT32_MAX) return bad_field(s, "number out of range");
            num[s] = value;
            present |= bit(s);
            return true;
        }
        case kStart: case kParamsStart: {
            if (t == od::json_type::number) {
                const std::string_view text = trim_token(v.raw_json_token());
                if (!is_json_integer(text))
                    return is_json_number(text) ? bad_type(s, "an integer or a string") : bad_json();
            } else if (t == od::json_type::string) {
                std::string_view text;
                if (v.get_string().get(text)) return bad_json();
            } else {
                return wrong_type(s, "an integer or a string", v, depth);
            }
            present |= bit(s);  // read for validity only: paging does not change the replay
            return true;
        }
        case kCmd: case kParamsCmd:
            return take_cmd(s, v, t, depth);
        default: {  // the string fields
            if (t != od::json_type::string) return wrong_type(s, "a string", v, depth);
            std::string_view text;
            if (v.get_string().get(text)) return bad_json();
            if (text.empty()) {
                empty |= bit(s);
                return true;
            }
            str[s] = text;
            present |= bit(s);
            return true;
        }
    }
}

bool NdjsonParser::Impl::take_cmd(Slot s, od::value& v, od::json_type t, int depth) {
    auto& list = cmds[s == kCmd ? 0 : 1];
    auto add = [&](od::value& el) {
        std::string_view text;
        od::json_type et;
        if (el.type().get(et)) return bad_json();
        if (et != od::json_type::string)
            return wrong_type(s, "an array or object of strings", el, depth + 1);
        if (el.get_string().get(text)) return bad_json();
        if (method_is_empty(command_method(text))) return bad_field(s, "a command has no method");
        list.push_back(text);
        return true;
    };
    if (t == od::json_type::array) {
        od::array a;
        if (v.get_array().get(a)) return bad_json();
        for (auto er : a) {
            od::value el;
            if (er.get(el)) return bad_json();
            if (!add(el)) return false;
        }
    } else if (t == od::json_type::object) {
        od::object o;
        if (v.get_object().get(o)) return bad_json();
        for (auto fr : o) {  // every pair is a command, duplicates included
            od::field f;
            std::string_view key;
            if (std::move(fr).get(f) || f.unescaped_key().get(key)) return bad_json();
            if (!add(f.value())) return false;
        }
    } else {
        return wrong_type(s, "an array or object of strings", v, depth);
    }
    if (!list.empty()) present |= bit(s);  // an empty cmd is no cmd
    return true;
}

// The fast path: one hand-written pass for lines whose every part it knows: an object of
// keys without escapes, values that are strings, numbers, literals, a nested "time" or
// "params" object, a "cmd" array or object of strings, or (for keys it does not read) any
// JSON value without \u escapes. It fills exactly the per-line state the full walk would,
// and gives up (false) on anything else, including every line the full path would call bad
// for a field or for its JSON; the full path then reads the line from scratch. So the two
// paths can only disagree on a line the fast path takes, which tests compare over many
// generated and mutated lines.
bool NdjsonParser::Impl::fast_line(const char* p, const char* end) {
    p = skip_ws(p, end);
    if (p >= end || *p != '{') return false;
    p = fast_object(p + 1, end, kNone);
    return p && skip_ws(p, end) == end;
}

// The scanners below take the position and return the one after what they read, or nullptr
// to give up (a position in a local, not behind a reference, stays in a register).

// Members of an object from p (after its '{'); returns the position after its '}'.
const char* NdjsonParser::Impl::fast_object(const char* p, const char* end, Slot parent) {
    int prev = kSlotCount + 1;  // the key before (kSlotCount: an unknown one; + 1: none)
    p = skip_ws(p, end);
    if (p < end && *p == '}') return p + 1;
    while (true) {
        if (p >= end || *p != '"') return nullptr;
        // A name we read is matched on the raw bytes, with no scan for the key's end. At the
        // top, the key that followed the previous one last time is tried first: a logger
        // writes its keys in one order.
        Slot s;
        if (parent == kNone) {
            const Slot guess = next_key[prev];
            s = guess != kNone && key_is(p + 1, guess) ? guess : top_slot_raw(p + 1);
            next_key[prev] = s;
            prev = s == kNone ? kSlotCount : s;
        } else {
            s = nested_slot_raw(parent, p + 1);
        }
        const char* key_end;
        if (s != kNone) {
            key_end = p + 1 + kKeyLength[s];
            if (key_end >= end) return nullptr;  // the match ran into the padding
        } else {
            bool escaped;
            key_end = scan_string(p + 1, end, escaped);
            if (!key_end || escaped) return nullptr;  // an escaped key may spell a name we read
        }
        p = skip_ws(key_end + 1, end);
        if (p >= end || *p != ':') return nullptr;
        p = skip_ws(p + 1, end);
        if (s == kNone || (seen & bit(s))) {  // unknown, or a later duplicate: JSON only
            p = skip_value(p, end, 1);
        } else {
            seen |= bit(s);
            if (s == kTime || s == kParams) {
                if (p < end && *p == '{')
                    p = fast_object(p + 1, end, s);
                else
                    p = skip_value(p, end, 1);  // no nested aliases in it: an ordinary value
            } else {
                p = fast_take(s, p, end);
            }
        }
        if (!p) return nullptr;
        p = skip_ws(p, end);
        if (p >= end) return nullptr;
        if (*p == '}') return p + 1;
        if (*p != ',') return nullptr;
        p = skip_ws(p + 1, end);
    }
}

// The value of a slot, as take() reads it; nullptr for anything take() would not accept.
// The slot decides first what to expect: each key's value has one type line after line,
// where the first byte alone alternates between string and number.
const char* NdjsonParser::Impl::fast_take(Slot s, const char* p, const char* end) {
    if (p >= end) return nullptr;
    const char c = *p;
    if (c == 'n') {  // null is absent
        if (static_cast<std::size_t>(end - p) < 4 || std::memcmp(p, "null", 4) != 0) return nullptr;
        return p + 4;
    }
    const bool number = c == '-' || is_digit(c);
    switch (s) {
        case kTs: case kTimeStart: case kTimestamp: case kAtTimestamp: {
            if (number) {
                std::int64_t us;
                p = scan_micros(p, end, us);
                if (!p) return nullptr;
                num[s] = us;
                break;
            }
            if (c != '"') return nullptr;
            bool escaped;
            const char* q = scan_string(p + 1, end, escaped);
            if (!q || escaped) return nullptr;  // escaped: the text is not the value
            const auto us =
                rfc3339_to_micros(std::string_view(p + 1, static_cast<std::size_t>(q - p - 1)));
            if (!us) return nullptr;
            num[s] = *us;
            p = q + 1;
            break;
        }
        case kCost: case kDuration: case kTimeDuration: case kOperating: case kTimeOperating: {
            std::int64_t us;
            if (!number) return nullptr;
            p = scan_micros(p, end, us);
            if (!p || us < 0) return nullptr;
            num[s] = us;
            break;
        }
        case kStatus: case kStart: case kParamsStart: {
            if (c == '"' && s != kStatus) {  // start may be a string: read for validity only
                bool escaped;
                const char* q = scan_string(p + 1, end, escaped);
                if (!q) return nullptr;
                p = q + 1;
                break;
            }
            if (!number) return nullptr;
            // A JSON integer: no leading zero, no fraction or exponent after it (the full
            // path decides those lines: field fault or broken JSON).
            const bool negative = c == '-';
            const char* const first = p + negative;
            std::uint64_t v = 0;
            p = digits(first, end, v);
            const auto n = p - first;
            if (n == 0 || (n > 1 && *first == '0') ||
                (p < end && (*p == '.' || *p == 'e' || *p == 'E')))
                return nullptr;
            if (s != kStatus) break;
            // An HTTP status: more than 10 digits is out of int32 range anyway.
            if (n > 10) return nullptr;
            const auto value = static_cast<std::int64_t>(v) * (negative ? -1 : 1);
            if (value < INT32_MIN || value > INT32_MAX) return nullptr;
            num[s] = value;
            break;
        }
        case kCmd: case kParamsCmd:
            return c == '[' || c == '{' ? fast_cmd(s, p, end) : nullptr;
        default: {  // the string fields
            if (c != '"') return nullptr;
            bool escaped;
            const char* q = scan_string(p + 1, end, escaped);
            if (!q || escaped) return nullptr;
            const std::string_view text(p + 1, static_cast<std::size_t>(q - p - 1));
            p = q + 1;
            if (text.empty()) {
                empty |= bit(s);
                return p;
            }
            str[s] = text;
            break;
        }
    }
    present |= bit(s);
    return p;
}

// A cmd array or object of strings without escapes, each naming a method (as take_cmd
// reads it; in an object every pair is a command, whatever its key).
const char* NdjsonParser::Impl::fast_cmd(Slot s, const char* p, const char* end) {
    auto& list = cmds[s == kCmd ? 0 : 1];
    const bool object = *p == '{';
    const char close = object ? '}' : ']';
    p = skip_ws(p + 1, end);
    if (p < end && *p == close) return p + 1;  // an empty cmd is no cmd
    while (true) {
        if (p >= end || *p != '"') return nullptr;
        bool escaped;
        const char* q;
        if (object) {  // the key: only checked
            q = scan_string(p + 1, end, escaped);
            if (!q) return nullptr;
            p = skip_ws(q + 1, end);
            if (p >= end || *p != ':') return nullptr;
            p = skip_ws(p + 1, end);
            if (p >= end || *p != '"') return nullptr;
        }
        q = scan_string(p + 1, end, escaped);
        if (!q || escaped) return nullptr;
        const std::string_view text(p + 1, static_cast<std::size_t>(q - p - 1));
        if (method_is_empty(command_method(text))) return nullptr;
        list.push_back(text);
        p = skip_ws(q + 1, end);
        if (p >= end) return nullptr;
        if (*p == close) {
            present |= bit(s);
            return p + 1;
        }
        if (*p != ',') return nullptr;
        p = skip_ws(p + 1, end);
    }
}

LineKind NdjsonParser::Impl::parse(std::string_view line, Hit& out, std::string& why,
                                   bool fast) {
    begin(why);
    std::size_t first = 0;
    while (first < line.size() && (line[first] == ' ' || line[first] == '\t' ||
                                   line[first] == '\r' || line[first] == '\f' ||
                                   line[first] == '\v'))
        ++first;
    if (first == line.size()) return LineKind::Blank;

    begin_line();
    last_fast = fast && fast_enabled && fast_line(line.data(), line.data() + line.size());
    if (!last_fast) {
        begin_line();  // whatever the fast path had filled in
        if (!full_line(line)) return LineKind::Bad;
    }
    return finish(out);
}

// A line that starts with '{' goes to the fast path bounded by the end of the run, not of
// the line: every scanner stops at the '\n' that ends it (a control byte in a string, no
// whitespace, nothing else a value or a structure may hold), so the fast path reads the
// line exactly as it would have after next_line(), and finds where it ends on the way.
// Anything else, or a line the fast path leaves, is cut by next_line() and read as ever.
LineKind NdjsonParser::Impl::parse_next(const char*& p, const char* end, Hit& out,
                                        std::string& why) {
    const bool tried = fast_enabled && *p == '{';
    if (tried) {
        begin(why);
        begin_line();
        const char* q = fast_object(p + 1, end, kNone);
        if (q != nullptr) q = skip_ws(q, end);  // a '\r' before the '\n' included
        if (q != nullptr && (q == end || *q == '\n')) {
            last_fast = true;
            p = q == end ? end : q + 1;
            return finish(out);
        }
    }
    return parse(next_line(p, end), out, why, !tried);
}

void NdjsonParser::Impl::begin_line() {
    seen = present = empty = 0;
    field_bad = false;
    cmds[0].clear();
    cmds[1].clear();
}

bool NdjsonParser::Impl::full_line(std::string_view line) {
    line_end = line.data() + line.size();
    const simdjson::padded_string_view input(line.data(), line.size(),
                                             line.size() + kLinePadding);
    od::document doc;
    if (auto err = parser.iterate(input).get(doc))
        return bad(err == simdjson::UTF8_ERROR ? "not valid JSON: invalid UTF-8"
                                               : "not valid JSON");
    od::json_type t;
    if (doc.type().get(t)) return bad_json();
    if (t != od::json_type::object) return bad("not a JSON object");
    od::object obj;
    if (doc.get_object().get(obj)) return bad_json();
    if (!walk_object(obj, kNone, 0)) return false;
    // Anything after the object ("{...} x", "{...}{...}") is not one JSON document.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
        return bad("not valid JSON: content after the object");
    return !field_bad;
}

LineKind NdjsonParser::Impl::finish(Hit& out) {
    auto missing = [&](Slot name, std::initializer_list<Slot> group) {
        for (const Slot s : group)
            if (empty & bit(s)) {
                reason->assign("field \"").append(kSlotName[s]).append("\" is empty");
                return LineKind::Bad;
            }
        reason->assign("missing field \"").append(kSlotName[name]).append("\"");
        return LineKind::Bad;
    };

    const int ts = first_present({kTs, kTimeStart, kTimestamp, kAtTimestamp});
    if (ts == kNone) return missing(kTs, {});
    const int portal = first_present({kPortal, kDomain, kHost});
    if (portal == kNone) return missing(kPortal, {kPortal, kDomain, kHost});
    if (!(present & bit(kMethod))) return missing(kMethod, {kMethod});
    if (method_is_empty(str[kMethod])) return bad("field \"method\" is empty"), LineKind::Bad;

    std::int16_t plan = kNoPlan;
    if (present & bit(kPlan)) {
        const int i = ctx.rules->plan_index(str[kPlan]);
        if (i < 0) {
            reason->assign("unknown plan");
            if (quotable_plan(str[kPlan])) reason->append(" \"").append(str[kPlan]).append("\"");
            return LineKind::Bad;
        }
        plan = static_cast<std::int16_t>(i);
    } else if (empty & bit(kPlan)) {
        return bad("unknown plan \"\""), LineKind::Bad;
    }

    out.t_us = num[ts];
    out.portal = portals.get(str[portal], [&](std::string_view v) { return intern_lower(v); });
    out.method = method(str[kMethod]);
    if (present & bit(kApp)) {
        out.kind = IntegrationKind::App;
        out.integration = integration(apps, str[kApp], app_name);
    } else if (present & bit(kWebhook)) {
        out.kind = IntegrationKind::Webhook;
        out.integration = integration(webhooks, str[kWebhook], webhook_name);
    } else {
        out.kind = IntegrationKind::Unknown;
        out.integration = unknown;
    }
    const int ip = first_present({kIp, kClientIp, kRemoteAddr});
    const auto intern = [&](std::string_view v) { return ctx.symbols->intern(v); };
    out.ip = ip == kNone ? kNoSym : ips.get(str[ip], intern);
    const int cost = first_present({kCost, kDuration, kTimeDuration});
    out.cost_us = cost == kNone ? kUnknownCost : num[cost];
    out.plan = plan;
    out.status = (present & bit(kStatus)) ? static_cast<std::int32_t>(num[kStatus]) : 0;
    out.error = (present & bit(kError)) ? errors.get(str[kError], intern) : kNoSym;
    out.cmds.clear();
    // Only a batch carries commands (SPEC §2.1); elsewhere `cmd` is checked, then ignored.
    const int cmd = first_present({kCmd, kParamsCmd});
    if (cmd != kNone && out.method == batch) {
        for (const std::string_view c : cmds[cmd == kCmd ? 0 : 1])
            out.cmds.push_back(method(command_method(c)));
    }
    return LineKind::Hit;
}

NdjsonParser::NdjsonParser(const ParseContext& ctx) : impl_(std::make_unique<Impl>(ctx)) {}
NdjsonParser::~NdjsonParser() = default;

LineKind NdjsonParser::parse(std::string_view line, Hit& out, std::string& reason) {
    return impl_->parse(line, out, reason, true);
}

LineKind NdjsonParser::parse_next(const char*& p, const char* end, Hit& out, std::string& reason) {
    return impl_->parse_next(p, end, out, reason);
}

void NdjsonParserTesting::set_fast_path(NdjsonParser& p, bool on) { p.impl_->fast_enabled = on; }
bool NdjsonParserTesting::last_was_fast(const NdjsonParser& p) { return p.impl_->last_fast; }

}  // namespace b24
