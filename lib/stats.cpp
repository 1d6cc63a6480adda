#include "stats.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "error.h"
#include "json_writer.h"
#include "micros.h"

namespace b24 {

namespace {

constexpr std::int64_t kDayUs = 86'400'000'000;
constexpr const char* kExpected = "expected portal, integration, method, day";

std::string_view trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// The grouped dimensions' names in output order.
std::vector<const char*> dimension_names(StatsGrouping g) {
    std::vector<const char*> v;
    if (g.portal) v.push_back("portal");
    if (g.integration) v.push_back("integration");
    if (g.method) v.push_back("method");
    if (g.day) v.push_back("day");
    return v;
}

// The grouped dimensions' values of a row, in the same order as dimension_names().
std::vector<const std::string*> dimension_values(const StatsRow& r, StatsGrouping g) {
    std::vector<const std::string*> v;
    if (g.portal) v.push_back(&r.portal);
    if (g.integration) v.push_back(&r.integration);
    if (g.method) v.push_back(&r.method);
    if (g.day) v.push_back(&r.day);
    return v;
}

StatsRow totals_of(const std::vector<StatsRow>& rows) {
    StatsRow t;
    for (const auto& r : rows) {
        t.hits += r.hits;
        t.cost_us += r.cost_us;
        t.cost_unknown += r.cost_unknown;
        t.refused += r.refused;
    }
    return t;
}

// splitmix64's finaliser: every input bit affects every output bit, so ids that differ in
// a few low bits (the common case for interned names and day numbers) spread well.
std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

// ---- text -----------------------------------------------------------------------------

// Seconds with exactly 3 decimals, rounded half away from zero: a column of such numbers
// lines up, and a millisecond is finer than any cost a log reports meaningfully.
std::string seconds_3(std::int64_t us) {
    const bool neg = us < 0;
    // Work on the magnitude as unsigned so INT64_MIN cannot overflow.
    std::uint64_t m = neg ? 0 - static_cast<std::uint64_t>(us) : static_cast<std::uint64_t>(us);
    const std::uint64_t ms = m / 1000 + (m % 1000 >= 500 ? 1 : 0);
    std::string frac = std::to_string(ms % 1000);
    frac.insert(0, 3 - frac.size(), '0');
    std::string out = neg && ms != 0 ? "-" : "";  // appended: GCC 12 -Wrestrict on "lit" + str
    out += std::to_string(ms / 1000);
    out += '.';
    out += frac;
    return out;
}

// Display width: code points of UTF-8 text (continuation bytes take no column).
std::size_t width(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

// A name as a table cell: control characters would break the lines, so they show as '?'.
std::string cell(std::string_view s) {
    std::string o(s);
    for (char& c : o)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return o;
}

void pad(std::ostream& out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out << ' ';
}

// ---- csv ------------------------------------------------------------------------------

// RFC 4180: a field holding a comma, a quote, CR or LF is quoted, its quotes doubled.
std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string o = "\"";
    for (const char c : s) {
        if (c == '"') o += '"';
        o += c;
    }
    o += '"';
    return o;
}

}  // namespace

StatsGrouping parse_grouping(const std::string& spec) {
    StatsGrouping g{false, false, false, false};
    std::string_view rest = spec;
    while (true) {
        const auto comma = rest.find(',');
        const std::string_view name = trim(rest.substr(0, comma));
        if (name.empty())
            throw Error("--by", "empty grouping name in \"" + spec + "\"; " + kExpected);
        if (name == "portal") g.portal = true;
        else if (name == "integration") g.integration = true;
        else if (name == "method") g.method = true;
        else if (name == "day") g.day = true;
        else throw Error("--by", "unknown grouping \"" + std::string(name) + "\"; " + kExpected);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return g;
}

std::size_t StatsAggregator::KeyHash::operator()(const Key& k) const noexcept {
    return static_cast<std::size_t>(mix64(k.hi ^ mix64(k.lo)));
}

StatsAggregator::StatsAggregator(StatsGrouping g, const SymbolTable& symbols)
    : g_(g), symbols_(symbols) {}

void StatsAggregator::add(const Hit& hit) {
    // A collapsed dimension packs as kNoSym (names) or day 0, the same for every hit.
    const std::uint64_t portal = g_.portal ? hit.portal : kNoSym;
    const std::uint64_t integration = g_.integration ? hit.integration : kNoSym;
    const std::uint64_t method = g_.method ? hit.method : kNoSym;
    // A day number always fits 32 bits: int64 µs span about ±1.07e8 days.
    const auto day = g_.day ? static_cast<std::uint32_t>(static_cast<std::int32_t>(utc_day(hit.t_us)))
                            : std::uint32_t{0};
    const Key key{portal << 32 | integration, method << 32 | day};

    Acc* acc = last_;
    if (acc == nullptr || !(key == last_key_)) {
        acc = &acc_[key];
        last_ = acc;
        last_key_ = key;
    }
    ++acc->hits;
    if (hit.cost_us != kUnknownCost) acc->cost_us += hit.cost_us;
    else ++acc->cost_unknown;
    // Refused in reality, as the log recorded it: the intensity (503) or operating-time (429)
    // refusal, or any Bitrix24 error code in the response.
    if (hit.status == 503 || hit.status == 429 || hit.error != kNoSym) ++acc->refused;
}

std::vector<StatsRow> StatsAggregator::rows() const {
    const auto name = [this](std::uint64_t packed) -> std::string {
        const auto id = static_cast<Sym>(packed & 0xffffffffu);
        return id == kNoSym ? std::string() : std::string(symbols_.name(id));
    };
    std::vector<StatsRow> out;
    out.reserve(acc_.size());
    for (const auto& [k, a] : acc_) {
        StatsRow r;
        if (g_.portal) r.portal = name(k.hi >> 32);
        if (g_.integration) r.integration = name(k.hi);
        if (g_.method) r.method = name(k.lo >> 32);
        if (g_.day) {
            const auto day = static_cast<std::int32_t>(static_cast<std::uint32_t>(k.lo));
            r.day = format_day(static_cast<std::int64_t>(day) * kDayUs);
        }
        r.hits = a.hits;
        r.cost_us = a.cost_us;
        r.cost_unknown = a.cost_unknown;
        r.refused = a.refused;
        out.push_back(std::move(r));
    }
    // std::string compares as unsigned bytes (char_traits<char>), i.e. byte-wise.
    std::sort(out.begin(), out.end(), [](const StatsRow& a, const StatsRow& b) {
        if (a.hits != b.hits) return a.hits > b.hits;
        if (a.portal != b.portal) return a.portal < b.portal;
        if (a.integration != b.integration) return a.integration < b.integration;
        if (a.method != b.method) return a.method < b.method;
        return a.day < b.day;
    });
    return out;
}

void write_stats_text(std::ostream& out, const std::vector<StatsRow>& rows, StatsGrouping g,
                      const InputReport& input) {
    // Heading: what was read, so a table of few hits is not mistaken for a quiet day.
    out << input.hits << (input.hits == 1 ? " hit" : " hits") << " from " << input.files.size()
        << (input.files.size() == 1 ? " file" : " files");
    if (input.first_us && input.last_us)
        out << ", " << format_time_ms(*input.first_us) << " to " << format_time_ms(*input.last_us);
    out << "; " << input.bad_lines << (input.bad_lines == 1 ? " bad line" : " bad lines");
    if (!input.bad_places.empty()) {
        out << " (";
        for (std::size_t i = 0; i < input.bad_places.size(); ++i)
            out << (i ? ", " : "") << cell(input.bad_places[i]);
        out << (static_cast<std::int64_t>(input.bad_places.size()) < input.bad_lines ? ", ...)" : ")");
    }
    if (input.skipped) out << "; " << input.skipped << " skipped";
    if (input.late) out << "; " << input.late << " late";
    out << '\n';
    if (!input.complete)
        out << "INCOMPLETE: the input ended early"
            << (input.error.empty() ? std::string() : ": " + cell(input.error))
            << "; the numbers cover the hits read before that\n";
    out << '\n';

    // Cells: the grouped names (left-aligned), then the numbers (right-aligned).
    constexpr std::size_t kNums = 4;
    const std::array<const char*, kNums> num_heads{"HITS", "COST S", "UNKNOWN COST", "REFUSED"};
    std::vector<std::string> dim_heads;
    for (const char* d : dimension_names(g)) {
        std::string h = d;
        for (char& c : h) c = static_cast<char>(c - 'a' + 'A');
        dim_heads.push_back(std::move(h));
    }
    const std::size_t nd = dim_heads.size();

    struct Line { std::vector<std::string> dims; std::array<std::string, kNums> nums; };
    const auto numbers = [](const StatsRow& r) {
        return std::array<std::string, kNums>{std::to_string(r.hits), seconds_3(r.cost_us),
                                              std::to_string(r.cost_unknown),
                                              std::to_string(r.refused)};
    };
    std::vector<Line> lines;
    lines.reserve(rows.size() + 1);
    for (const auto& r : rows) {
        Line l;
        for (const std::string* v : dimension_values(r, g)) l.dims.push_back(cell(*v));
        l.nums = numbers(r);
        lines.push_back(std::move(l));
    }
    Line total;
    total.dims.assign(nd, "");
    total.dims[0] = "TOTAL";
    total.nums = numbers(totals_of(rows));
    lines.push_back(std::move(total));

    std::vector<std::size_t> dw(nd);
    std::array<std::size_t, kNums> nw{};
    for (std::size_t i = 0; i < nd; ++i) dw[i] = width(dim_heads[i]);
    for (std::size_t i = 0; i < kNums; ++i) nw[i] = width(num_heads[i]);
    for (const auto& l : lines) {
        for (std::size_t i = 0; i < nd; ++i) dw[i] = std::max(dw[i], width(l.dims[i]));
        for (std::size_t i = 0; i < kNums; ++i) nw[i] = std::max(nw[i], l.nums[i].size());
    }

    const auto print = [&](const std::vector<std::string>& dims, const auto& nums) {
        for (std::size_t i = 0; i < nd; ++i) {
            out << dims[i];
            pad(out, dw[i] - width(dims[i]) + 2);
        }
        for (std::size_t i = 0; i < kNums; ++i) {
            const std::string_view s = nums[i];
            if (i) out << "  ";
            pad(out, nw[i] - width(s));
            out << s;
        }
        out << '\n';
    };
    print(dim_heads, num_heads);
    for (const auto& l : lines) print(l.dims, l.nums);
}

void write_stats_json(std::ostream& out, const std::vector<StatsRow>& rows, StatsGrouping g,
                      const InputReport& input) {
    JsonWriter w(out, 2);
    w.begin_object();
    w.key("schema").value("b24load/stats/v1");
    w.key("group_by").begin_array();
    for (const char* d : dimension_names(g)) w.value(d);
    w.end_array();

    w.key("input").begin_object();
    w.key("files").begin_array();
    for (const auto& f : input.files) w.value(f);
    w.end_array();
    w.key("hits").value(input.hits);
    w.key("skipped").value(input.skipped);
    w.key("late").value(input.late);
    w.key("cost_unknown").value(input.cost_unknown);
    w.key("bad_lines").value(input.bad_lines);
    w.key("bad_places").begin_array();
    for (const auto& p : input.bad_places) w.value(p);
    w.end_array();
    w.key("first");
    if (input.first_us) w.value(format_time_ms(*input.first_us)); else w.null();
    w.key("last");
    if (input.last_us) w.value(format_time_ms(*input.last_us)); else w.null();
    w.key("complete").value(input.complete);
    w.end_object();

    const auto counts = [&w](const StatsRow& r) {
        w.key("hits").value(r.hits);
        w.key("cost_s").raw(format_micros(r.cost_us));
        w.key("cost_unknown").value(r.cost_unknown);
        w.key("refused").value(r.refused);
    };
    const auto names = dimension_names(g);
    w.key("rows").begin_array();
    for (const auto& r : rows) {
        w.begin_object();
        const auto values = dimension_values(r, g);
        for (std::size_t i = 0; i < names.size(); ++i) w.key(names[i]).value(*values[i]);
        counts(r);
        w.end_object();
    }
    w.end_array();
    w.key("totals").begin_object();
    counts(totals_of(rows));
    w.end_object();
    w.end_object();
    out << '\n';
}

void write_stats_csv(std::ostream& out, const std::vector<StatsRow>& rows, StatsGrouping g) {
    for (const char* d : dimension_names(g)) out << d << ',';
    out << "hits,cost_s,cost_unknown,refused\n";
    for (const auto& r : rows) {
        for (const std::string* v : dimension_values(r, g)) out << csv_field(*v) << ',';
        out << r.hits << ',' << format_micros(r.cost_us) << ',' << r.cost_unknown << ','
            << r.refused << '\n';
    }
}

}  // namespace b24
