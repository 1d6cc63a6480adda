// nginx/Apache "combined" access-log lines (SPEC §2.2). One forward scan per line, no
// regex, no per-line allocation: names are built in stack buffers, and a per-input memo
// maps the text of recurring fields straight to their interned ids.
//
//   [HOST[:PORT] ]CLIENT IDENT USER [TIME] "REQUEST" STATUS BYTES ["REF" "UA" ...] [SECONDS ...]
//
// The optional vhost prefix is told from the client address by counting the tokens before
// the time field (3 = combined, 4 = vhost_combined): a colon cannot tell, IPv6 clients have
// them too. After BYTES, quoted fields (referer, user agent, and extras such as nginx's
// default "$http_x_forwarded_for") are skipped; the first unquoted field, if a decimal, is
// the request time in seconds (nginx $request_time); whatever follows it is ignored.
// Reasons for bad lines are fixed texts: they never quote the line, so never a secret.
#include "access_log_parser.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <optional>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "micros.h"
#include "sha256.h"
#include "slot_cache.h"

namespace b24 {
namespace {

constexpr std::size_t kMaxName = 256;  // longest portal, address or method we accept

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    const char l = lower(c);
    if (l >= 'a' && l <= 'f') return l - 'a' + 10;
    return -1;
}

// A fixed-capacity name under construction; `ok()` turns false when it would overflow.
struct NameBuf {
    char data[2 * kMaxName];
    std::size_t size = 0;
    bool overflow = false;

    void add(char c) {
        if (size < sizeof data) {
            data[size++] = c;
        } else {
            overflow = true;
        }
    }
    void add(std::string_view s) {
        if (s.size() > sizeof data - size) {
            overflow = true;
            return;
        }
        std::memcpy(data + size, s.data(), s.size());
        size += s.size();
    }
    bool ok() const { return !overflow; }
    std::string_view view() const { return {data, size}; }
};

// URL-decoded (%XX; '+' as space only in a query value), ASCII lower-cased, text from the
// first '?' on dropped (a batch command's own query), and a trailing ".json"/".xml"
// dropped: the method name as the replay compares it. Invalid %-escapes are kept as
// written. Only the name must fit `out`: a command's own query may be long.
void method_name(std::string_view raw, bool query_value, NameBuf& out) {
    char* d = out.data + out.size;
    char* const limit = out.data + sizeof out.data;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '%' && i + 2 < raw.size()) {
            const int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = static_cast<char>(hi * 16 + lo);
                i += 2;
            }
        } else if (c == '+' && query_value) {
            c = ' ';
        }
        if (c == '?') break;
        if (d == limit) {
            out.overflow = true;
            break;
        }
        *d++ = lower(c);
    }
    out.size = static_cast<std::size_t>(d - out.data);
    const std::string_view v = out.view();
    if (v.size() >= 5 && v.substr(v.size() - 5) == ".json") {
        out.size -= 5;
    } else if (v.size() >= 4 && v.substr(v.size() - 4) == ".xml") {
        out.size -= 4;
    }
}

// URL-decoded query parameter name (only needed for batch lines).
void decode_param(std::string_view raw, NameBuf& out) {
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '%' && i + 2 < raw.size()) {
            const int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = static_cast<char>(hi * 16 + lo);
                i += 2;
            }
        } else if (c == '+') {
            c = ' ';
        }
        out.add(c);
    }
}

// The first byte in [p, end) that is one of Cs, or `end`: 16 bytes a step, reading up to 15
// bytes past `end` (the run's padding), where nothing counts.
template <char... Cs>
[[gnu::always_inline]] inline const char* find_any(const char* p, const char* end) {
#if defined(__SSE2__)
    for (; p < end; p += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i hit = _mm_setzero_si128();
        ((hit = _mm_or_si128(hit, _mm_cmpeq_epi8(block, _mm_set1_epi8(Cs)))), ...);
        if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit)); mask != 0) {
            const char* const at = p + std::countr_zero(mask);
            return at < end ? at : end;
        }
    }
    return end;
#else
    for (; p < end; ++p)
        if (((*p == Cs) || ...)) return p;
    return end;
#endif
}

// The first C at or after p in s, or npos (find_any on s: no call, no byte-at-a-time
// tail; fields are short, and this runs for every field of every line).
template <char C>
[[gnu::always_inline]] inline std::size_t find_char(std::string_view s, std::size_t p) {
    static_assert(kLinePadding >= 16);
    const char* const end = s.data() + s.size();
    const char* const at = find_any<C>(s.data() + std::min(p, s.size()), end);
    return at == end ? std::string_view::npos : static_cast<std::size_t>(at - s.data());
}

inline std::size_t find_space(std::string_view line, std::size_t p) {
    return find_char<' '>(line, p);
}

// s.substr(pos, n) for a pos known to be within s: no range check (which kept substr out
// of line on the hot path).
inline std::string_view sub(std::string_view s, std::size_t pos,
                            std::size_t n = std::string_view::npos) {
    return {s.data() + pos, std::min(n, s.size() - pos)};
}

// A quoted field starting at line[p] == '"'; a backslash escapes the next byte (Apache
// writes \" inside fields). Returns the position after the closing quote, or npos.
// Find the next quote, then count the backslashes before it: the fields are most of the
// line's bytes, so this is the parser's hottest loop.
std::size_t skip_quoted(std::string_view line, std::size_t p) {
    const char* const begin = line.data();
    std::size_t q = p + 1;
    while (q < line.size()) {
        const std::size_t hit = find_char<'"'>(line, q);
        if (hit == std::string_view::npos) return std::string_view::npos;
        std::size_t backslashes = 0;
        for (const char* b = begin + hit; b > begin + p + 1 && b[-1] == '\\'; --b) ++backslashes;
        if (backslashes % 2 == 0) return hit + 1;
        q = hit + 1;
    }
    return std::string_view::npos;
}

// The number of ASCII digits from p on, before `end`, counting at most 16 (a longer run
// fails the caller's next test, the byte after them being a digit). Reads 16 bytes (the
// run's padding), with no loop.
inline std::size_t digits_at(const char* p, const char* end) {
#if defined(__SSE2__)
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                        _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    const auto n = static_cast<std::size_t>(
        std::countr_one(static_cast<unsigned>(_mm_movemask_epi8(digit))));
#else
    std::size_t n = 0;
    while (n < 16 && static_cast<unsigned char>(p[n] - '0') <= 9) ++n;
#endif
    return std::min(n, static_cast<std::size_t>(end - p));
}

// The value of the n (1 to 8) ASCII digits at p, read as one word (SWAR): readable bytes
// follow them (the run's padding).
inline std::uint32_t digits_value(const char* p, std::size_t n) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
    // The n digits to the top bytes (leading zeros below them), the others shifted out.
    w = (w << (8 * (8 - n))) & 0x0F0F0F0F0F0F0F0FULL;
    w = (w * 2561) >> 8 & 0x00FF00FF00FF00FFULL;
    w = (w * 6553601) >> 16 & 0x0000FFFF0000FFFFULL;
    return static_cast<std::uint32_t>((w * 42949672960001ULL) >> 32);
}

// Whether the line ends at `p`: at the run's end, a '\n', or a '\r' that is last in the run
// or before a '\n' (next_line() drops the one, parse() trims the other).
inline bool line_ends_at(const char* p, const char* end) {
    return p == end || *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'));
}

// Where the line that ends at `p` (line_ends_at) is left.
inline const char* past_line(const char* p, const char* end) {
    if (p != end && *p == '\r') ++p;
    return p == end ? end : p + 1;
}

// " - - [" at p: the ident and user fields nginx and most Apache set-ups write.
inline bool dashes_then_time(const char* p, const char* end) {
    return end - p > 5 && same_bytes(p, " - - [", 6);
}

}  // namespace

// Names already built for this input (see SlotCache).
struct AccessLogParser::Memo {
    SlotCache ips{4096};
    SlotCache methods{1024};   // raw method text -> decoded, lower-cased method
    SlotCache portals{256};    // host as written -> lower-cased portal
    // Raw "USER_ID/SECRET" -> "webhook:USER_ID/FP6". The raw text stays in this memory
    // only, as the line itself does; it never reaches a symbol, a message or an output.
    SlotCache webhooks{1024};
    std::vector<Sym> app_by_ip;  // ip Sym -> "app:@IP" Sym
    // What the two names of a line's source and its call make, each in one lookup: the
    // vhost and client as written (one text: a client holds no space) -> (ip, portal); the
    // path after /rest/ -> (webhook or kNoSym for an app, method). Only texts that made a
    // hit are kept, so a line found here passes every test on them.
    PairCache sources{4096};
    PairCache calls{2048};
    // The ids above belong to this table in this generation (a parse worker clears its
    // table between chunks); they are forgotten when either changes.
    const SymbolTable* table = nullptr;
    std::uint64_t generation = 0;
    Sym batch = kNoSym;  // set when method() first makes it in this generation
    // The µs of second 0 of recent minutes, by the time's text: a busy log writes the same
    // minute on many lines, in as many zones as its servers have (vhosts in several
    // countries). Direct-mapped by the zone; `text` is valid only where `valid`.
    struct Minute {
        char text[26];
        bool valid = false;
        std::int64_t us = 0;
    };
    std::array<Minute, 8> minutes{};

    bool current(const SymbolTable& symbols) const {
        return &symbols == table && symbols.generation() == generation;
    }
    void renew(const SymbolTable& symbols) {
        if (current(symbols)) return;
        table = &symbols;
        generation = symbols.generation();
        for (SlotCache* c : {&ips, &methods, &portals, &webhooks}) c->clear();
        sources.clear();
        calls.clear();
        app_by_ip.clear();
        batch = kNoSym;
    }

    // The time in µs of `text` into `t_us`; false when it is no valid time. (Not an
    // optional: returned from this inlined code, one was stored in two parts and loaded
    // whole, a store-forwarding stall on every line.)
    bool time(std::string_view text, std::int64_t& t_us) {
        // "27/Nov/2026:07:26:32 +0000": with the bytes but the seconds' (18, 19) of a
        // valid time, the text is valid iff they are 00..60, and it is that many seconds
        // after the minute (clf_time_to_micros counts second 60 the same way).
        if (text.size() != 26) {
            const auto t = clf_time_to_micros(text);
            if (t) t_us = *t;
            return t.has_value();
        }
        const char* const c = text.data();
        Minute& m = minutes[(static_cast<unsigned>(c[21]) + 3u * static_cast<unsigned>(c[22]) +
                             5u * static_cast<unsigned>(c[23]) + static_cast<unsigned>(c[24])) %
                            minutes.size()];
        if (m.valid && same_bytes(c, m.text, 18) && same_bytes(c + 20, m.text + 20, 6)) {
            const unsigned hi = static_cast<unsigned char>(c[18]) - '0';
            const unsigned lo = static_cast<unsigned char>(c[19]) - '0';
            if (hi <= 9 && lo <= 9 && hi * 10 + lo <= 60) {
                t_us = m.us + static_cast<std::int64_t>(hi * 10 + lo) * 1'000'000;
                return true;
            }
        }
        const auto t = clf_time_to_micros(text);
        if (!t) return false;
        std::memcpy(m.text, c, sizeof m.text);
        m.valid = true;
        m.us = *t - static_cast<std::int64_t>((c[18] - '0') * 10 + (c[19] - '0')) * 1'000'000;
        t_us = *t;
        return true;
    }

    Sym ip(SymbolTable& symbols, std::string_view client) {
        return ips.get(client, [&](std::string_view c) { return symbols.intern(c); });
    }

    Sym webhook(SymbolTable& symbols, std::string_view raw) {
        std::size_t set = 0;
        if (const Sym sym = webhooks.lookup(raw, set); sym != kNoSym) return sym;
        if (const Sym sym = webhooks.revive(set, raw, symbols); sym != kNoSym) return sym;
        const std::size_t slash = raw.find('/');
        static constexpr char kHex[] = "0123456789abcdef";
        const auto digest = sha256(raw.substr(slash + 1));
        NameBuf name;
        name.add("webhook:");
        name.add(raw.substr(0, slash + 1));
        for (int i = 0; i < 3; ++i) {  // FP6: the first 3 bytes of the digest
            name.add(kHex[digest[i] >> 4]);
            name.add(kHex[digest[i] & 0xf]);
        }
        return webhooks.put(set, raw, symbols.intern(name.view()), name.view());
    }

    Sym app(SymbolTable& symbols, Sym ip_sym) {
        if (ip_sym >= app_by_ip.size()) app_by_ip.resize(ip_sym + 1, kNoSym);
        if (app_by_ip[ip_sym] == kNoSym) {
            NameBuf name;
            name.add("app:@");
            name.add(symbols.name(ip_sym));
            app_by_ip[ip_sym] = symbols.intern(name.view());
        }
        return app_by_ip[ip_sym];
    }

    // kNoSym when the raw text names no method.
    Sym method(SymbolTable& symbols, std::string_view raw) {
        std::size_t set = 0;
        if (const Sym sym = methods.lookup(raw, set); sym != kNoSym) return sym;
        NameBuf name;
        method_name(raw, false, name);
        if (name.size == 0) return kNoSym;
        const Sym sym = symbols.intern(name.view());
        if (name.view() == "batch") batch = sym;
        return methods.put(set, raw, sym);
    }

    Sym portal(SymbolTable& symbols, std::string_view host) {
        return portals.get(host, [&](std::string_view h) {
            NameBuf name;
            for (const char c : h) name.add(lower(c));
            return symbols.intern(name.view());
        });
    }
};

void AccessLogParser::delete_memo(Memo* m) { delete m; }

inline AccessLogParser::Memo& AccessLogParser::memo() {
    if (memo_ && memo_->current(*ctx_.symbols)) [[likely]]
        return *memo_;
    return renew_memo();
}

AccessLogParser::Memo& AccessLogParser::renew_memo() {
    if (!memo_) memo_ = std::unique_ptr<Memo, void (*)(Memo*)>(new Memo, &delete_memo);
    memo_->renew(*ctx_.symbols);
    return *memo_;
}

LineKind AccessLogParser::parse(std::string_view line, Hit& out, std::string& reason) {
    auto bad = [&](const char* why) {
        reason = why;
        return LineKind::Bad;
    };
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
        line.remove_suffix(1);
    }
    std::size_t p = 0;
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    if (p == line.size()) return LineKind::Blank;

    // Tokens before the time field: [vhost] client ident user.
    std::string_view tok[4];
    std::size_t n_tok = 0;
    while (true) {
        if (p >= line.size()) return bad("not an access-log line: no [time] field");
        if (line[p] == '[' && n_tok >= 3) break;
        if (n_tok == 4) return bad("not an access-log line: expected [time] after the user");
        const std::size_t end = find_space(line, p);
        if (end == std::string_view::npos) return bad("not an access-log line: no [time] field");
        tok[n_tok++] = sub(line, p, end - p);
        p = end;
        while (p < line.size() && line[p] == ' ') ++p;
    }
    Fields f;
    f.vhost = n_tok == 4 ? tok[0] : std::string_view{};
    f.client = tok[n_tok - 3];

    // [TIME]
    const std::size_t time_end = find_char<']'>(line, p);
    if (time_end == std::string_view::npos) return bad("unterminated [time] field");
    if (!memo().time(sub(line, p + 1, time_end - p - 1), f.t_us)) {
        return bad("invalid [time] field");
    }
    p = time_end + 1;

    // "REQUEST"
    if (p + 1 >= line.size() || line[p] != ' ' || line[p + 1] != '"') {
        return bad("expected \"request\" after the time field");
    }
    const std::size_t req_begin = p + 2;
    const std::size_t req_end = skip_quoted(line, p + 1);
    if (req_end == std::string_view::npos) return bad("unterminated \"request\" field");
    const std::string_view request = sub(line, req_begin, req_end - 1 - req_begin);
    p = req_end;

    // STATUS BYTES
    if (p + 4 > line.size() || line[p] != ' ' || !is_digit(line[p + 1]) ||
        !is_digit(line[p + 2]) || !is_digit(line[p + 3]) ||
        (p + 4 < line.size() && line[p + 4] != ' ')) {
        return bad("expected a 3-digit status after the request");
    }
    f.status = (line[p + 1] - '0') * 100 + (line[p + 2] - '0') * 10 + (line[p + 3] - '0');
    p += 4;
    if (p < line.size()) {
        ++p;  // the space
        const std::size_t b = p;
        if (p < line.size() && line[p] == '-') {
            ++p;
        } else {
            while (p < line.size() && is_digit(line[p])) ++p;
        }
        if (p == b || (p < line.size() && line[p] != ' ')) return bad("invalid bytes field");
    } else {
        return bad("expected a bytes field after the status");
    }

    // Quoted fields, then the optional request time.
    while (p < line.size()) {
        while (p < line.size() && line[p] == ' ') ++p;
        if (p == line.size()) break;
        if (line[p] == '"') {
            p = skip_quoted(line, p);
            if (p == std::string_view::npos) return bad("unterminated quoted field");
            if (p < line.size() && line[p] != ' ') {
                return bad("expected a space after a quoted field");
            }
            continue;
        }
        std::size_t end = find_space(line, p);
        if (end == std::string_view::npos) end = line.size();
        const std::string_view field = sub(line, p, end - p);
        if (field != "-") {  // nginx writes "-" where a variable has no value
            const auto v = decimal_to_micros(field);
            if (!v) return bad("invalid request time field");
            if (*v < 0) return bad("negative request time");
            f.cost_us = *v;
        }
        break;  // fields after the request time (e.g. upstream times) are not ours
    }

    // From here the line is a well-formed access-log line: only /rest/ requests are hits.
    const std::size_t sp1 = find_space(request, 0);
    if (sp1 == std::string_view::npos) return LineKind::Skipped;  // "-", garbage, HTTP/0.9
    std::string_view target = sub(request, sp1 + 1);
    if (const std::size_t sp2 = find_char<' '>(target, 0); sp2 != std::string_view::npos) {
        target = sub(target, 0, sp2);
    }
    constexpr std::string_view kRest = "/rest/";
    if (sub(target, 0, kRest.size()) != kRest) return LineKind::Skipped;

    f.path = sub(target, kRest.size());
    if (const std::size_t q = find_char<'?'>(f.path, 0); q != std::string_view::npos) {
        f.query = sub(f.path, q + 1);
        f.path = sub(f.path, 0, q);
    }
    return hit_from(f, out, reason);
}

// The line nginx and Apache write for a request, read in one forward pass that also finds
// its end:
//   [VHOST ]CLIENT - - [dd/Mon/yyyy:hh:mm:ss +zzzz] "VERB TARGET HTTP/d.d"
//   STATUS BYTES( "QUOTED")*[ SECONDS]
// with one space between fields, no backslash or '"' inside the request or a quoted field,
// and an unsigned decimal request time; a hit when TARGET is /rest/PATH[?QUERY]. Any other
// line, or any surprise, goes to parse() as next_line() cuts it. Every test here only
// decides whether parse() would split the line into the same fields
// (tests/test_access_fast_path.cpp compares the two on every kind of line), so a line read
// here gives what parse() gives.
LineKind AccessLogParser::parse_next(const char*& p, const char* end, Hit& out,
                                     std::string& reason) {
    last_fast_ = false;
    const char* const b = p;
    auto slow = [&] { return parse(next_line(p, end), out, reason); };
    if (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n') return slow();

    // [VHOST ]CLIENT - - [
    Fields f;
    const char* const s1 = find_any<' ', '\n'>(b, end);
    if (s1 == end || *s1 != ' ' || s1 == b) return slow();
    const char* at;
    if (dashes_then_time(s1, end)) {
        f.client = {b, static_cast<std::size_t>(s1 - b)};
        at = s1 + 5;
    } else {
        const char* const c = s1 + 1;
        const char* const s2 = find_any<' ', '\n'>(c, end);
        if (s2 == end || *s2 != ' ' || s2 == c || !dashes_then_time(s2, end)) return slow();
        f.vhost = {b, static_cast<std::size_t>(s1 - b)};
        f.client = {c, static_cast<std::size_t>(s2 - c)};
        at = s2 + 5;
    }

    // [TIME] "  (a valid time holds no ']' and no '\n')
    if (end - at <= 30 || at[27] != ']' || at[28] != ' ' || at[29] != '"' ||
        !memo().time({at + 1, 26}, f.t_us)) {
        return slow();
    }

    // VERB TARGET HTTP/d.d", TARGET = /rest/PATH[?QUERY] for a hit
    const char* const verb_end = find_any<' ', '"', '\\', '\n'>(at + 30, end);
    if (verb_end == end || *verb_end != ' ') return slow();
    const bool rest = end - verb_end > 6 && same_bytes(verb_end + 1, "/rest/", 6);
    const char* target_end;
    if (rest) {
        const char* const path = verb_end + 7;
        target_end = find_any<' ', '?', '"', '\\', '\n'>(path, end);
        f.path = {path, static_cast<std::size_t>(target_end - path)};
        if (target_end != end && *target_end == '?') {
            const char* const query = target_end + 1;
            target_end = find_any<' ', '"', '\\', '\n'>(query, end);
            f.query = {query, static_cast<std::size_t>(target_end - query)};
        }
    } else {  // another request: skipped, once the line is known to be well-formed
        target_end = find_any<' ', '"', '\\', '\n'>(verb_end + 1, end);
    }
    if (end - target_end <= 9 || *target_end != ' ' ||
        !same_bytes(target_end + 1, "HTTP/", 5) || !is_digit(target_end[6]) ||
        target_end[7] != '.' || !is_digit(target_end[8]) || target_end[9] != '"') {
        return slow();
    }

    // STATUS BYTES
    const char* q = target_end + 10;
    if (end - q <= 5 || q[0] != ' ' || !is_digit(q[1]) || !is_digit(q[2]) || !is_digit(q[3]) ||
        q[4] != ' ') {
        return slow();
    }
    f.status = (q[1] - '0') * 100 + (q[2] - '0') * 10 + (q[3] - '0');
    q += 5;
    if (*q == '-') {
        ++q;
    } else {
        const std::size_t n = digits_at(q, end);
        if (n == 0) return slow();
        q += n;
    }

    // ( "QUOTED")*
    while (end - q > 1 && q[0] == ' ' && q[1] == '"') {
        if (end - q > 3 && q[2] == '-' && q[3] == '"') {  // "-", the usual referer: no scan
            q += 4;
            continue;
        }
        const char* const close = find_any<'"', '\\', '\n'>(q + 2, end);
        if (close == end || *close != '"') return slow();
        q = close + 1;
    }

    // [ SECONDS]: at most 8 integer digits without a leading zero, at most 6 decimals.
    if (!line_ends_at(q, end)) {
        if (q[0] != ' ') return slow();
        const char* const int_begin = ++q;
        const std::size_t n_int = digits_at(q, end);
        q += n_int;
        std::size_t n_frac = 0;
        if (q < end && *q == '.') {
            n_frac = digits_at(++q, end);
            if (n_frac == 0) return slow();
            q += n_frac;
        }
        // (decimal_to_micros takes 12 integer digits: longer ones go to parse().)
        if (n_int < 1 || n_int > 8 || (n_int > 1 && *int_begin == '0') || n_frac > 6 ||
            !line_ends_at(q, end)) {
            return slow();
        }
        static constexpr std::int64_t kScale[7] = {1'000'000, 100'000, 10'000, 1000, 100, 10, 1};
        f.cost_us = static_cast<std::int64_t>(digits_value(int_begin, n_int)) * 1'000'000 +
                    (n_frac == 0 ? 0
                                 : static_cast<std::int64_t>(digits_value(q - n_frac, n_frac)) *
                                       kScale[n_frac]);
    }
    last_fast_ = true;
    p = past_line(q, end);
    return rest ? hit_from(f, out, reason) : LineKind::Skipped;
}

LineKind AccessLogParser::hit_from(const Fields& f, Hit& out, std::string& reason) {
    auto bad = [&](const char* why) {
        reason = why;
        return LineKind::Bad;
    };
    Memo& memo = *memo_;
    const std::string_view client = f.client, path = f.path, query = f.query;
    SymbolTable& symbols = *ctx_.symbols;

    const std::string_view source =
        f.vhost.empty() ? client
                        : std::string_view(f.vhost.data(), static_cast<std::size_t>(
                                                               client.data() + client.size() -
                                                               f.vhost.data()));
    std::size_t source_set = 0;
    const std::uint64_t known_source = memo.sources.lookup(source, source_set);
    Sym ip;
    if (known_source != kNoPair) {
        ip = pair_first(known_source);
    } else {
        if (client.size() > kMaxName) return bad("client address too long");
        ip = memo.ip(symbols, client);
    }

    std::size_t call_set = 0;
    std::uint64_t call = memo.calls.lookup(path, call_set);
    if (call == kNoPair) {
        Sym webhook = kNoSym;
        std::string_view raw_method = path;
        if (const std::size_t s1 = find_char<'/'>(path, 0); s1 != std::string_view::npos) {
            // /rest/USER_ID/SECRET/METHOD: a webhook.
            const std::string_view user = sub(path, 0, s1);
            bool digits = !user.empty() && user.size() <= 20;
            for (const char c : user) digits = digits && is_digit(c);
            if (!digits) {
                return bad("malformed /rest/ path: expected /rest/USER_ID/SECRET/METHOD");
            }
            const std::size_t s2 = find_char<'/'>(path, s1 + 1);
            if (s2 == std::string_view::npos) return bad("webhook path names no method");
            if (s2 == s1 + 1) return bad("webhook path has an empty secret");
            raw_method = sub(path, s2 + 1);
            if (find_char<'/'>(raw_method, 0) != std::string_view::npos) {
                return bad("malformed /rest/ path: method contains '/'");
            }
            webhook = memo.webhook(symbols, sub(path, 0, s2));
        } else {
            // /rest/METHOD: an app. Its token (auth= in the query, or in a POST body we
            // never see) rotates, so the client address is its stable name (SPEC §2.2).
            memo.app(symbols, ip);  // named before the method, as it always was
        }
        if (raw_method.size() > kMaxName) return bad("method name too long");
        const Sym method = memo.method(symbols, raw_method);
        if (method == kNoSym) return bad("/rest/ request names no method");
        call = memo.calls.put(call_set, path, sym_pair(webhook, method));
    }
    const Sym webhook = pair_first(call), method = pair_second(call);
    const IntegrationKind kind =
        webhook != kNoSym ? IntegrationKind::Webhook : IntegrationKind::App;
    const Sym integration = webhook != kNoSym ? webhook : memo.app(symbols, ip);

    Sym portal;
    if (known_source != kNoPair) {
        portal = pair_second(known_source);
    } else {
        std::string_view host = f.vhost;
        if (!host.empty() && host.front() == '[') {  // [IPv6]:port
            if (const std::size_t rb = find_char<']'>(host, 0); rb != std::string_view::npos) {
                host = sub(host, 0, rb + 1);
            }
        } else if (const std::size_t colon = find_char<':'>(host, 0);
                   colon != std::string_view::npos &&
                   find_char<':'>(host, colon + 1) == std::string_view::npos) {
            host = sub(host, 0, colon);  // host:port; a bare IPv6 host keeps its colons
        }
        if (host.empty() || host == "-") host = ctx_.default_portal;
        if (host.empty()) host = "default";  // SPEC §2.2: the vhost, else --portal, else default
        if (host.size() > kMaxName) return bad("host name too long");
        portal = memo.portal(symbols, host);
        memo.sources.put(source_set, source, sym_pair(ip, portal));
    }

    out.t_us = f.t_us;
    out.portal = portal;
    out.integration = integration;
    out.kind = kind;
    out.ip = ip;
    out.method = method;
    out.cost_us = f.cost_us;
    out.plan = kNoPlan;
    out.status = f.status;
    out.error = kNoSym;
    out.cmds.clear();

    // batch?cmd[KEY]=VALUE&…: the commands, in query order (SPEC §3.3).
    if (!query.empty() && method == memo.batch) {
        std::size_t i = 0;
        while (i <= query.size()) {
            std::size_t amp = query.find('&', i);
            if (amp == std::string_view::npos) amp = query.size();
            const std::string_view param = query.substr(i, amp - i);
            i = amp + 1;
            const std::size_t eq = param.find('=');
            if (eq == std::string_view::npos) continue;
            NameBuf name;
            decode_param(param.substr(0, eq), name);
            const std::string_view nv = name.view();
            if (!name.ok() || nv.size() < 5 || nv.substr(0, 4) != "cmd[" || nv.back() != ']') {
                continue;
            }
            NameBuf cmd;
            method_name(param.substr(eq + 1), true, cmd);
            if (!cmd.ok()) return bad("batch command method too long");
            if (cmd.size == 0) return bad("batch command names no method");
            out.cmds.push_back(symbols.intern(cmd.view()));
        }
    }
    return LineKind::Hit;
}

}  // namespace b24
