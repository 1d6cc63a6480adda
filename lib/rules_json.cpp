// The rules file (SPEC §3.5): reading it over a base policy with every fault named by its
// JSON path, and writing a policy back as canonical JSON.
//
// Read with simdjson On-Demand rather than DOM because seconds are converted from the
// number's own text (SPEC §3.6), which only On-Demand's raw_json_token() keeps. On-Demand
// validates only what it visits, so the document is read twice: a first pass visits every
// value (JSON errors only), the second applies the keys. Invalid JSON is therefore always
// the one and only fault, whichever of parse_rules / check_rules reads it.
#include <simdjson.h>

#include <charconv>
#include <functional>
#include <initializer_list>
#include <set>
#include <sstream>
#include <utility>

#include "error.h"
#include "json_writer.h"
#include "micros.h"
#include "rules.h"
#include "sha256.h"

namespace b24 {

namespace {

namespace od = simdjson::ondemand;

// Bounds far beyond any real policy, so that no value can overflow the int64 µs arithmetic
// of a replay (t + block, X · 10⁶, ...) before the engine sees it.
constexpr std::int64_t kMaxCount = 1'000'000'000;
constexpr std::int64_t kMaxSecondsUs = 1'000'000'000LL * 1'000'000;  // 10⁹ s, ~31.7 years

// Rules files are four levels deep; anything much deeper is refused before it can
// exhaust the stack of the recursive visit.
constexpr int kMaxDepth = 64;

struct JsonBroken {
    simdjson::error_code code;
};

template <class T>
T take(simdjson::simdjson_result<T>&& r) {
    T out{};
    if (auto e = std::move(r).get(out)) throw JsonBroken{e};
    return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 8259 number grammar; On-Demand does not check a number it is not asked to convert.
bool is_json_number(std::string_view s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    if (i < n && s[i] == '-') ++i;
    if (i >= n) return false;
    if (s[i] == '0') {
        ++i;
    } else if (is_digit(s[i])) {
        while (i < n && is_digit(s[i])) ++i;
    } else {
        return false;
    }
    if (i < n && s[i] == '.') {
        const std::size_t f = ++i;
        while (i < n && is_digit(s[i])) ++i;
        if (i == f) return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        const std::size_t d = i;
        while (i < n && is_digit(s[i])) ++i;
        if (i == d) return false;
    }
    return i == n;
}

std::string ascii_lower(std::string_view s) {
    std::string o(s);
    for (char& c : o)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return o;
}

// "$.a.b" for identifier-like keys, else "$.a[\"acme.bitrix24.com\"]" so that a portal's
// dots are not mistaken for levels.
std::string child_path(const std::string& path, std::string_view key) {
    bool plain = !key.empty() && !is_digit(key[0]);
    for (char c : key)
        if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
            plain = false;
    return plain ? path + "." + std::string(key) : path + "[" + json_quote(key) + "]";
}

std::string index_path(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

std::string plan_names(const Rules& r) {
    std::string s;
    for (const auto& p : r.plans) {
        if (!s.empty()) s += ", ";
        s += p.name;
    }
    return s;
}

std::string unknown_plan(const Rules& r, std::string_view name) {
    return "unknown plan " + json_quote(name) + "; plans: " + plan_names(r);
}

// Whole seconds print as integers ("600"), others with the decimals they need ("0.5"), so
// that the canonical file reads like the one in the spec.
std::string seconds_text(std::int64_t us) {
    const bool neg = us < 0;
    const std::uint64_t a = neg ? 0 - static_cast<std::uint64_t>(us) : static_cast<std::uint64_t>(us);
    std::string s = neg ? "-" : "";  // (not "-" + to_string(): GCC 12 -Wrestrict false alarm)
    s += std::to_string(a / 1'000'000);
    std::uint64_t frac = a % 1'000'000;
    if (frac != 0) {
        std::string f = std::to_string(frac);
        f.insert(0, 6 - f.size(), '0');
        while (f.back() == '0') f.pop_back();
        s += "." + f;
    }
    return s;
}

using Handler = std::function<void(od::value&, const std::string&)>;
using Keys = std::initializer_list<std::pair<std::string_view, Handler>>;

class Loader {
public:
    Loader(Rules& r, bool collect_all) : r_(r), all_(collect_all) {}

    std::vector<std::string> faults;

    void load(std::string_view text) {
        const simdjson::padded_string padded(text);
        od::parser parser;
        od::document doc = take(parser.iterate(padded));

        // Pass 1: JSON errors only.
        visit_root(doc);
        doc.rewind();

        // Pass 2: the keys.
        if (take(doc.type()) != od::json_type::object) {
            fault("$", "expected an object");
            return;
        }
        od::value root = take(doc.get_value());
        fields(root, "$",
               {{"name", [&](od::value& v, const std::string& p) { read_name(v, p); }},
                {"plans", [&](od::value& v, const std::string& p) { read_plans(v, p); }},
                {"default_plan",
                 [&](od::value& v, const std::string& p) { read_string(v, p, r_.default_plan); }},
                {"portals", [&](od::value& v, const std::string& p) { read_portals(v, p); }},
                {"operating", [&](od::value& v, const std::string& p) { read_operating(v, p); }},
                {"overload", [&](od::value& v, const std::string& p) { read_overload(v, p); }},
                {"polling", [&](od::value& v, const std::string& p) { read_polling(v, p); }}});

        // Plan names are checked once every plan of the file is known, whatever the key order.
        if (r_.plan_index(r_.default_plan) < 0)
            fault("$.default_plan", unknown_plan(r_, r_.default_plan));
        for (const auto& [path, plan] : portal_refs_)
            if (r_.plan_index(plan) < 0) fault(path, unknown_plan(r_, plan));
    }

private:
    Rules& r_;
    bool all_;
    std::vector<std::pair<std::string, std::string>> portal_refs_;  // path, plan name

    void fault(const std::string& path, std::string message) {
        if (!all_) throw Error(path, std::move(message));
        faults.push_back(path + ": " + message);
    }

    // ---- pass 1 -------------------------------------------------------------------------

    void visit_root(od::document& doc) {
        const od::json_type t = take(doc.type());
        // A scalar document is refused as "expected an object" by pass 2 whatever follows it.
        if (t != od::json_type::object && t != od::json_type::array) return;
        od::value v = take(doc.get_value());
        visit(v, 1);
        // After the root value, a location still in bounds is text that follows it.
        const char* rest = nullptr;
        if (!doc.current_location().get(rest)) throw JsonBroken{simdjson::TRAILING_CONTENT};
    }

    void visit(od::value& v, int depth) {
        if (depth > kMaxDepth) throw JsonBroken{simdjson::DEPTH_ERROR};
        switch (take(v.type())) {
            case od::json_type::object: {
                od::object obj = take(v.get_object());
                for (auto fr : obj) {
                    od::field f = take(std::move(fr));
                    take(f.unescaped_key());
                    visit(f.value(), depth + 1);
                }
                break;
            }
            case od::json_type::array: {
                od::array arr = take(v.get_array());
                for (auto er : arr) {
                    od::value e = take(std::move(er));
                    visit(e, depth + 1);
                }
                break;
            }
            case od::json_type::number:
                number_token(v);
                break;
            case od::json_type::string: take(v.get_string()); break;
            case od::json_type::boolean: {
                // type() only looks at the first letter: "tru" must be caught here.
                bool b = false;
                if (v.get_bool().get(b))
                    throw JsonBroken{v.raw_json_token().front() == 't' ? simdjson::T_ATOM_ERROR
                                                                       : simdjson::F_ATOM_ERROR};
                break;
            }
            case od::json_type::null: {
                bool is_null = false;
                if (v.is_null().get(is_null) || !is_null) throw JsonBroken{simdjson::N_ATOM_ERROR};
                break;
            }
        }
    }

    static std::string_view trimmed(std::string_view t) {
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\n' || t.back() == '\r'))
            t.remove_suffix(1);
        return t;
    }

    // The number's own text (raw_json_token includes the blanks after it).
    std::string_view number_token(od::value& v) {
        const std::string_view t = trimmed(v.raw_json_token());
        if (!is_json_number(t)) throw JsonBroken{simdjson::NUMBER_ERROR};
        return t;
    }

    // ---- pass 2: shapes -----------------------------------------------------------------

    // Calls f(key, value, path) for each member; false when `v` is not an object.
    template <class F>
    bool each_member(od::value& v, const std::string& path, F&& f) {
        if (take(v.type()) != od::json_type::object) {
            fault(path, "expected an object");
            return false;
        }
        od::object obj = take(v.get_object());
        std::set<std::string, std::less<>> seen;
        for (auto fr : obj) {
            od::field fld = take(std::move(fr));
            const std::string key(take(fld.unescaped_key()));
            const std::string p = child_path(path, key);
            // A repeated key is refused rather than silently resolved: which of two values
            // a policy meant is not ours to guess.
            if (!seen.insert(key).second) {
                fault(p, "duplicate key");
                continue;
            }
            f(key, fld.value(), p);
        }
        return true;
    }

    // An object with a fixed set of keys.
    bool fields(od::value& v, const std::string& path, Keys keys) {
        return each_member(v, path, [&](const std::string& key, od::value& val, const std::string& p) {
            for (const auto& [k, handler] : keys)
                if (k == key) {
                    handler(val, p);
                    return;
                }
            std::string known;
            for (const auto& kv : keys) known += (known.empty() ? "" : ", ") + std::string(kv.first);
            fault(p, "unknown key (known: " + known + ")");
        });
    }

    // ---- pass 2: scalars (each writes `out` only when the value is valid) ---------------

    bool read_string(od::value& v, const std::string& path, std::string& out) {
        if (take(v.type()) != od::json_type::string) {
            fault(path, "expected a string");
            return false;
        }
        out = std::string(take(v.get_string()));
        return true;
    }

    // Integers must be integer tokens: "50.0" or "5e1" is refused, as a fractional capacity
    // would be if it were allowed to pass through a conversion.
    void read_int(od::value& v, const std::string& path, std::int64_t min, std::int64_t& out) {
        const std::string expected = "expected an integer >= " + std::to_string(min);
        if (take(v.type()) != od::json_type::number) return fault(path, expected);
        const std::string_view t = number_token(v);
        if (t.find_first_of(".eE") != std::string_view::npos) return fault(path, expected);
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
        if (ec == std::errc::result_out_of_range || (ec == std::errc() && n > kMaxCount))
            return fault(path, "out of range (at most " + std::to_string(kMaxCount) + ")");
        if (ec != std::errc() || end != t.data() + t.size() || n < min) return fault(path, expected);
        out = n;
    }

    // Seconds, exactly from the number's text to µs. `positive`: > 0, else >= 0 (judged
    // after rounding to the µs, the unit every rule works in).
    void read_seconds(od::value& v, const std::string& path, bool positive, std::int64_t& out) {
        const std::string expected =
            std::string("expected a number of seconds ") + (positive ? "> 0" : ">= 0");
        if (take(v.type()) != od::json_type::number) return fault(path, expected);
        const auto us = decimal_to_micros(number_token(v));
        const std::string too_big = "out of range (at most " + seconds_text(kMaxSecondsUs) + " s)";
        if (!us) return fault(path, too_big);
        if (*us < 0 || (positive && *us == 0)) return fault(path, expected);
        if (*us > kMaxSecondsUs) return fault(path, too_big);
        out = *us;
    }

    Handler seconds(bool positive, std::int64_t& out) {
        return [this, positive, &out](od::value& v, const std::string& p) {
            read_seconds(v, p, positive, out);
        };
    }

    Handler integer(std::int64_t min, std::int64_t& out) {
        return [this, min, &out](od::value& v, const std::string& p) { read_int(v, p, min, out); };
    }

    // ---- pass 2: sections ---------------------------------------------------------------

    void read_name(od::value& v, const std::string& path) {
        std::string s;
        if (!read_string(v, path, s)) return;
        if (s.empty()) return fault(path, "expected a non-empty string");
        r_.name = std::move(s);
    }

    // A plan named in the file overrides that key of an existing plan, or adds a plan, which
    // then needs both keys: there is no sensible default size for an unknown plan.
    void read_plans(od::value& v, const std::string& path) {
        each_member(v, path, [&](const std::string& name, od::value& pv, const std::string& pp) {
            if (name.empty()) return fault(pp, "expected a non-empty plan name");
            const int idx = r_.plan_index(name);
            PlanLimits plan = idx >= 0 ? r_.plans[static_cast<std::size_t>(idx)] : PlanLimits{name, 0, 0};
            bool has_capacity = false, has_drain = false;
            const bool is_object = fields(pv, pp,
                   {{"capacity",
                     [&](od::value& x, const std::string& xp) {
                         has_capacity = true;
                         read_int(x, xp, 1, plan.capacity);
                     }},
                    {"drain", [&](od::value& x, const std::string& xp) {
                         has_drain = true;
                         read_int(x, xp, 1, plan.drain);
                     }}});
            if (idx >= 0) {
                r_.plans[static_cast<std::size_t>(idx)] = plan;
                return;
            }
            if (is_object && !has_capacity) fault(pp, "a new plan needs \"capacity\"");
            if (is_object && !has_drain) fault(pp, "a new plan needs \"drain\"");
            // Added even when faulty (check_rules only), so references to it are not
            // reported a second time as unknown plans.
            r_.plans.push_back(plan);
        });
    }

    // Portals are compared case-insensitively (SPEC §2.1), so they are stored lower-cased
    // and two spellings of one portal are refused. The file's entries add to the base map.
    void read_portals(od::value& v, const std::string& path) {
        std::set<std::string, std::less<>> lower_seen;
        each_member(v, path, [&](const std::string& portal, od::value& pv, const std::string& pp) {
            if (portal.empty()) return fault(pp, "expected a non-empty portal name");
            std::string lower = ascii_lower(portal);
            if (!lower_seen.insert(lower).second)
                return fault(pp, "duplicate portal (portal names are case-insensitive)");
            std::string plan;
            if (!read_string(pv, pp, plan)) return;
            portal_refs_.emplace_back(pp, plan);
            r_.portals[lower] = std::move(plan);
        });
    }

    void read_operating(od::value& v, const std::string& path) {
        auto& o = r_.operating;
        fields(v, path,
               {{"window_s", seconds(true, o.window_us)},
                {"limit_s", seconds(false, o.limit_us)},
                {"block_s", seconds(true, o.block_us)},
                {"default_cost_s", seconds(false, o.default_cost_us)}});
    }

    void read_overload(od::value& v, const std::string& path) {
        auto& w = r_.warn;
        auto& b = r_.block;
        fields(v, path,
               {{"warn",
                 [&](od::value& x, const std::string& xp) {
                     fields(x, xp,
                            {{"window_s", seconds(true, w.window_us)},
                             {"cost_s", seconds(false, w.cost_us)},
                             {"hits_pct_of_bucket", integer(0, w.hits_pct_of_bucket)}});
                 }},
                {"block",
                 [&](od::value& x, const std::string& xp) {
                     fields(x, xp,
                            {{"window_s", seconds(true, b.window_us)},
                             {"cost_s", seconds(false, b.cost_us)},
                             {"refused", integer(0, b.refused)}});
                 }},
                {"grace_s", seconds(false, r_.grace_us)}});
    }

    void read_polling(od::value& v, const std::string& path) {
        auto& pl = r_.polling;
        fields(v, path,
               {{"methods", [&](od::value& x, const std::string& xp) { read_methods(x, xp); }},
                {"burst_gap_s", seconds(false, pl.burst_gap_us)},
                {"bursts", integer(2, pl.bursts)},
                {"max_period_s", seconds(false, pl.max_period_us)},
                {"tolerance_pct", integer(0, pl.tolerance_pct)}});
    }

    // The file's list replaces the base list (an empty list turns POLLING off). Methods are
    // compared lower-cased, so the patterns are lower-cased too.
    void read_methods(od::value& v, const std::string& path) {
        if (take(v.type()) != od::json_type::array) return fault(path, "expected an array of strings");
        std::vector<std::string> methods;
        bool ok = true;
        std::size_t i = 0;
        od::array arr = take(v.get_array());
        for (auto er : arr) {
            od::value e = take(std::move(er));
            const std::string p = index_path(path, i++);
            std::string s;
            if (!read_string(e, p, s)) {
                ok = false;
            } else if (s.empty()) {
                ok = false;
                fault(p, "expected a non-empty pattern");
            } else {
                methods.push_back(ascii_lower(s));
            }
        }
        if (ok) r_.polling.methods = std::move(methods);
    }
};

std::string not_json(simdjson::error_code e) {
    return std::string("not valid JSON (") + simdjson::error_message(e) + ")";
}

}  // namespace

Rules parse_rules(std::string_view json_text, Rules base) {
    Loader loader(base, false);
    try {
        loader.load(json_text);
    } catch (const JsonBroken& e) {
        throw Error("$", not_json(e.code));
    }
    return base;
}

std::vector<std::string> check_rules(std::string_view json_text) {
    Rules r = default_rules();
    Loader loader(r, true);
    try {
        loader.load(json_text);
    } catch (const JsonBroken& e) {
        return {"$: " + not_json(e.code)};
    }
    return std::move(loader.faults);
}

std::string to_json(const Rules& r) {
    std::ostringstream os;
    JsonWriter w(os, 2);
    auto secs = [&](std::string_view k, std::int64_t us) { w.key(k).raw(seconds_text(us)); };

    w.begin_object();
    w.key("name").value(r.name);
    w.key("plans").begin_object();
    for (const auto& p : r.plans) {
        w.key(p.name).begin_object();
        w.key("capacity").value(p.capacity);
        w.key("drain").value(p.drain);
        w.end_object();
    }
    w.end_object();
    w.key("default_plan").value(r.default_plan);
    w.key("portals").begin_object();
    for (const auto& [portal, plan] : r.portals) w.key(portal).value(plan);
    w.end_object();

    w.key("operating").begin_object();
    secs("window_s", r.operating.window_us);
    secs("limit_s", r.operating.limit_us);
    secs("block_s", r.operating.block_us);
    secs("default_cost_s", r.operating.default_cost_us);
    w.end_object();

    w.key("overload").begin_object();
    w.key("warn").begin_object();
    secs("window_s", r.warn.window_us);
    secs("cost_s", r.warn.cost_us);
    w.key("hits_pct_of_bucket").value(r.warn.hits_pct_of_bucket);
    w.end_object();
    w.key("block").begin_object();
    secs("window_s", r.block.window_us);
    secs("cost_s", r.block.cost_us);
    w.key("refused").value(r.block.refused);
    w.end_object();
    secs("grace_s", r.grace_us);
    w.end_object();

    w.key("polling").begin_object();
    w.key("methods").begin_array();
    for (const auto& m : r.polling.methods) w.value(m);
    w.end_array();
    secs("burst_gap_s", r.polling.burst_gap_us);
    w.key("bursts").value(r.polling.bursts);
    secs("max_period_s", r.polling.max_period_us);
    w.key("tolerance_pct").value(r.polling.tolerance_pct);
    w.end_object();

    w.end_object();
    os << '\n';
    return os.str();
}

void set_default_plan(Rules& r, std::string_view plan) {
    if (r.plan_index(plan) < 0) throw Error("--plan", unknown_plan(r, plan));
    r.default_plan = std::string(plan);
}

std::string rules_sha256(const Rules& r) { return sha256_hex(to_json(r)); }

}  // namespace b24
