// Redaction of secrets in quoted input. It runs on lines that failed to parse, so it
// assumes nothing about their shape: one left-to-right byte scan that recognises secret
// *patterns* wherever they occur (inside JSON strings, URLs, truncated text, JSON written
// by PHP with "\/" slashes, URL-encoded URLs) and errs on the side of redacting too much.
#include "redact.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "identity.h"
#include "sha256.h"

namespace b24 {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

// Does `text` at `pos` start with the lower-case literal `lit`, ASCII case-insensitively?
bool at_ci(std::string_view text, std::size_t pos, std::string_view lit) {
    if (text.size() - pos < lit.size()) return false;
    for (std::size_t i = 0; i < lit.size(); ++i) {
        if (lower(text[pos + i]) != lit[i]) return false;
    }
    return true;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Path separators a URL may be written with: plain, JSON-escaped (PHP's json_encode writes
// "\/"), URL-encoded. Returns the separator's length at pos, 0 if none.
std::size_t sep_at(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) return 0;
    if (text[pos] == '/') return 1;
    if (at_ci(text, pos, "\\/")) return 2;
    if (at_ci(text, pos, "%2f")) return 3;
    return 0;
}

// Where a path segment ends: at a separator or any byte that cannot continue a URL path.
std::size_t segment_end(std::string_view text, std::size_t pos, bool url_encoded) {
    while (pos < text.size()) {
        const char c = text[pos];
        if (sep_at(text, pos) != 0 || is_space(c) || c == '?' || c == '#' || c == '"' ||
            c == '\'' || c == '&' || c == '\\' || (url_encoded && c == '%')) {
            break;
        }
        ++pos;
    }
    return pos;
}

std::string fp6(std::string_view secret) { return sha256_hex(secret).substr(0, 6); }

// "SEP rest SEP SEG1 SEP SEG2": SEG2 is a webhook secret whatever SEG1 is (an app path has
// no second segment, so nothing real is lost). Appends the redacted form, returns the
// position after SEG2, or 0 when there is no such path here.
std::size_t try_rest_path(std::string_view text, std::size_t pos, std::string& out) {
    const std::size_t s0 = sep_at(text, pos);
    if (s0 == 0 || !at_ci(text, pos + s0, "rest")) return 0;
    const std::size_t s1 = sep_at(text, pos + s0 + 4);
    if (s1 == 0) return 0;
    const bool encoded = s0 == 3;
    const std::size_t seg1 = pos + s0 + 4 + s1;
    const std::size_t seg1_end = segment_end(text, seg1, encoded);
    const std::size_t s2 = sep_at(text, seg1_end);
    if (s2 == 0) return 0;
    const std::size_t seg2 = seg1_end + s2;
    const std::size_t seg2_end = segment_end(text, seg2, encoded);
    out.append(text.substr(pos, seg2 - pos));
    out += fp6(text.substr(seg2, seg2_end - seg2));
    return seg2_end;
}

// Query-string (or form body) parameters whose value is a token.
constexpr std::string_view kQueryKeys[] = {"auth",          "access_token", "refresh_token",
                                           "auth_id",       "refresh_id",   "application_token",
                                           "client_secret"};

// "KEY=VALUE" (also "KEY]=" of PHP arrays like auth[access_token]=, and the URL-encoded
// "KEY%3D" of a batch command) -> "KEY=[redacted]".
std::size_t try_query_token(std::string_view text, std::size_t pos, std::string& out) {
    for (const std::string_view key : kQueryKeys) {
        if (!at_ci(text, pos, key)) continue;
        std::size_t p = pos + key.size();
        if (at_ci(text, p, "]")) {
            p += 1;
        } else if (at_ci(text, p, "%5d")) {
            p += 3;
        }
        bool encoded = false;
        if (at_ci(text, p, "=")) {
            p += 1;
        } else if (at_ci(text, p, "%3d")) {
            p += 3;
            encoded = true;
        } else {
            continue;
        }
        std::size_t end = p;
        while (end < text.size()) {
            const char c = text[end];
            if (c == '&' || c == '#' || c == '"' || c == '\'' || c == '\\' || c == ';' ||
                is_space(c) || (encoded && c == '%')) {
                break;
            }
            ++end;
        }
        if (end == p) return 0;  // empty value: nothing to hide
        out.append(text.substr(pos, p - pos));
        out += "[redacted]";
        return end;
    }
    return 0;
}

// JSON object keys whose value is a secret. "webhook" keeps its public USER_ID/FP6 form.
constexpr std::string_view kJsonTokenKeys[] = {"auth",          "access_token", "refresh_token",
                                               "auth_id",       "refresh_id",   "application_token",
                                               "client_secret"};

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    const char l = lower(c);
    if (l >= 'a' && l <= 'f') return l - 'a' + 10;
    return -1;
}

std::optional<std::uint32_t> hex4(std::string_view s, std::size_t pos) {
    if (s.size() - pos < 4) return std::nullopt;
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const int h = hex_value(s[pos + i]);
        if (h < 0) return std::nullopt;
        v = v * 16 + static_cast<std::uint32_t>(h);
    }
    return v;
}

// The string a JSON string body denotes, so the FP6 here equals the one the NDJSON parser
// computes from the decoded value. Malformed escapes are kept as written.
std::string json_unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        const char e = s[++i];
        switch (e) {
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                auto cp = hex4(s, i + 1);
                if (!cp) {
                    out += "\\u";
                    break;
                }
                i += 4;
                if (*cp >= 0xd800 && *cp < 0xdc00 && i + 2 < s.size() && s[i + 1] == '\\' &&
                    s[i + 2] == 'u') {
                    if (auto lo = hex4(s, i + 3); lo && *lo >= 0xdc00 && *lo < 0xe000) {
                        *cp = 0x10000 + ((*cp - 0xd800) << 10) + (*lo - 0xdc00);
                        i += 6;
                    }
                }
                append_utf8(out, *cp);
                break;
            }
            default: out += e; break;  // \" \\ \/ and anything malformed
        }
    }
    return out;
}

// `"KEY" : VALUE` for a secret KEY (also inside JSON embedded in a JSON string, where the
// quotes are written \"). Appends the redacted form; returns the position after VALUE or 0.
std::size_t try_json_member(std::string_view text, std::size_t pos, std::string& out) {
    if (text[pos] != '"') return 0;
    // The key must end right after the name: "auth" is not "authority", and "auth_id"
    // must not stop at its "auth" prefix.
    auto key_end = [&](std::string_view k) -> std::size_t {
        if (!at_ci(text, pos + 1, k)) return 0;
        const std::size_t e = pos + 1 + k.size();
        if (at_ci(text, e, "\\\"")) return e + 2;
        if (at_ci(text, e, "\"")) return e + 1;
        return 0;
    };
    bool webhook = false;
    std::size_t p = key_end("webhook");
    if (p != 0) {
        webhook = true;
    } else {
        for (const std::string_view k : kJsonTokenKeys) {
            if ((p = key_end(k)) != 0) break;
        }
        if (p == 0) return 0;
    }
    while (p < text.size() && is_space(text[p])) ++p;
    if (p >= text.size() || text[p] != ':') return 0;
    ++p;
    while (p < text.size() && is_space(text[p])) ++p;
    if (p >= text.size()) return 0;

    std::size_t body = p, body_end = p, end = p;
    std::string_view close;
    if (at_ci(text, p, "\\\"")) {  // embedded JSON: the value ends at the next \"
        close = "\\\"";
        body = p + 2;
        body_end = text.find("\\\"", body);
        if (body_end == std::string_view::npos) body_end = text.size();
        end = body_end == text.size() ? body_end : body_end + 2;
    } else if (text[p] == '"') {
        close = "\"";
        body = p + 1;
        body_end = body;
        while (body_end < text.size() && text[body_end] != '"') {
            body_end += text[body_end] == '\\' && body_end + 1 < text.size() ? 2 : 1;
        }
        body_end = std::min(body_end, text.size());
        end = body_end == text.size() ? body_end : body_end + 1;
    } else if (text[p] == '{' || text[p] == '[') {
        return 0;  // a nested value: its own members are scanned in turn
    } else {  // unquoted: a number, a literal, or garbage
        while (body_end < text.size() && text[body_end] != ',' && text[body_end] != '}' &&
               text[body_end] != ']' && !is_space(text[body_end])) {
            ++body_end;
        }
        end = body_end;
        const std::string_view v = text.substr(body, body_end - body);
        if (v == "null" || v == "true" || v == "false") return 0;
    }
    if (body_end == body) return 0;  // empty value

    out.append(text.substr(pos, body - pos));
    if (webhook) {
        out += redact_webhook(json_unescape(text.substr(body, body_end - body)));
    } else {
        out += "[redacted]";
    }
    if (end > body_end) out += close;
    return end;
}

// The length of a well-formed, printable UTF-8 sequence at pos (2..4 bytes), or 0.
// C1 controls (U+0080..U+009F) count as not printable: terminals act on some of them.
std::size_t utf8_printable_len(std::string_view s, std::size_t pos) {
    const auto b0 = static_cast<unsigned char>(s[pos]);
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        len = 2, cp = b0 & 0x1fu, min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        len = 3, cp = b0 & 0x0fu, min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        len = 4, cp = b0 & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (s.size() - pos < len) return 0;
    for (std::size_t i = 1; i < len; ++i) {
        const auto b = static_cast<unsigned char>(s[pos + i]);
        if ((b & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return 0;
    if (cp < 0xa0) return 0;
    return len;
}

}  // namespace

std::string redact(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t next = try_rest_path(text, i, out);
        if (next == 0) next = try_json_member(text, i, out);
        if (next == 0) next = try_query_token(text, i, out);
        if (next == 0) {
            out += text[i];
            next = i + 1;
        }
        i = next;
    }
    return out;
}

std::string quote_line(std::string_view line, std::size_t max_bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    static constexpr std::string_view kEllipsis = "…";
    const std::string clean = redact(line);
    const std::size_t limit = std::max(max_bytes, kEllipsis.size());
    std::string out;
    std::size_t cut = 0;  // the longest prefix, ending between units, that leaves room for "…"
    for (std::size_t i = 0; i < clean.size();) {
        const auto c = static_cast<unsigned char>(clean[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += clean[i++];
        } else if (const std::size_t n = c >= 0x80 ? utf8_printable_len(clean, i) : 0; n != 0) {
            out.append(clean, i, n);
            i += n;
        } else {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
            ++i;
        }
        if (out.size() > limit) {
            out.resize(cut);
            out += kEllipsis;
            return out;
        }
        if (out.size() + kEllipsis.size() <= limit) cut = out.size();
    }
    return out;
}

}  // namespace b24
