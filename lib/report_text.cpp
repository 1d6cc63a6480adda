// The report for a person at a terminal who may never have seen the tool: what was read,
// a verdict table per portal (worst first), then for each integration with findings why,
// what Bitrix24 would say and what to change, then blocked methods and busy buckets, and a
// one-line verdict at the end (the line people read first when scrolling back).
#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include "advice.h"
#include "report_printers.h"

namespace b24 {

namespace {

constexpr std::size_t kWidth = 100;          // wrap prose here
constexpr std::size_t kMaxMethodBlocks = 30;
constexpr std::size_t kMaxBuckets = 20;
constexpr std::int64_t kHotPct = 80;         // a bucket this full (of capacity) is "hot"

class Style {
public:
    explicit Style(bool on) : on_(on) {}
    std::string paint(std::string_view s, const char* sgr) const {
        if (!on_ || s.empty()) return std::string(s);
        return std::string("\x1b[") + sgr + "m" + std::string(s) + "\x1b[0m";
    }
    std::string bold(std::string_view s) const { return paint(s, "1"); }
    std::string level(std::string_view s, Level l) const { return paint(s, sgr(l)); }
    static const char* sgr(Level l) {
        switch (l) {
            case Level::Block: return "31";   // red
            case Level::Warn: return "33";    // yellow
            case Level::Notice: return "36";  // cyan
            case Level::Ok: break;
        }
        return "32";  // green
    }

private:
    bool on_;
};

std::string upper(std::string_view s) {
    std::string o(s);
    for (char& c : o)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return o;
}

std::string pad_right(std::string s, std::size_t w) {
    if (s.size() < w) s.append(w - s.size(), ' ');
    return s;
}
std::string pad_left(std::string s, std::size_t w) {
    if (s.size() < w) s.insert(0, w - s.size(), ' ');
    return s;
}

std::string plural(std::int64_t n, const char* one, const char* many) {
    return group_digits(n) + " " + (n == 1 ? one : many);
}

// Server time for a table cell: always tenths, so the column lines up on the point.
std::string table_seconds(std::int64_t us) {
    if (us > 0 && us < 50'000) return "<0.1 s";
    const std::string s = round_micros(us, 1);
    return (s.find('.') == std::string::npos ? s + ".0" : s) + " s";
}

// Prose wrapped at kWidth: `first` starts the first line, `rest` the others; explicit
// newlines in `text` start new lines (with `rest`).
void write_wrapped(std::ostream& out, std::string_view text, const std::string& first,
                   const std::string& rest) {
    std::string line = first;
    bool line_has_word = false;
    std::size_t i = 0;
    while (i <= text.size()) {
        const std::size_t nl = text.find('\n', i);
        const std::string_view para =
            text.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i);
        std::size_t j = 0;
        while (j < para.size()) {
            const std::size_t sp = para.find(' ', j);
            const std::string_view word =
                para.substr(j, sp == std::string_view::npos ? std::string_view::npos : sp - j);
            j = sp == std::string_view::npos ? para.size() : sp + 1;
            if (word.empty()) continue;
            if (line_has_word && line.size() + 1 + word.size() > kWidth) {
                out << line << '\n';
                line = rest;
                line_has_word = false;
            }
            if (line_has_word) line += ' ';
            line += word;
            line_has_word = true;
        }
        out << line << '\n';
        line = rest;
        line_has_word = false;
        if (nl == std::string_view::npos) break;
        i = nl + 1;
    }
}

std::int64_t refused(const IntegrationReport& i, Refusal r) {
    return i.refused[static_cast<std::size_t>(r)];
}

// Integrations of one portal, worst first, then by load: what to look at first.
bool worse_first(const IntegrationReport* a, const IntegrationReport* b) {
    if (a->verdict != b->verdict) return a->verdict > b->verdict;
    if (a->cost_us != b->cost_us) return a->cost_us > b->cost_us;
    if (a->hits != b->hits) return a->hits > b->hits;
    return a->integration < b->integration;
}

struct PortalGroup {
    std::string portal;
    std::vector<const IntegrationReport*> rows;  // sorted worse_first
};

std::vector<PortalGroup> group_by_portal(const Report& r) {
    std::map<std::string, std::vector<const IntegrationReport*>> by_portal;
    for (const IntegrationReport& i : r.integrations) by_portal[i.portal].push_back(&i);
    std::vector<PortalGroup> groups;
    for (auto& [portal, rows] : by_portal) {
        std::sort(rows.begin(), rows.end(), worse_first);
        groups.push_back({portal, std::move(rows)});
    }
    return groups;
}

std::string first_warn_or_block(const IntegrationReport& i) {
    for (const Finding& f : i.findings)  // by time
        if (f.level >= Level::Warn) return human_time(f.at_us);
    return "-";
}

void write_heading(std::ostream& out, const Report& r, const TextOptions& opt, const Style& st) {
    const InputReport& in = r.input;
    std::string s = "b24load: " + plural(in.hits, "REST hit", "REST hits") + " from ";
    if (in.files.empty()) {
        s += "no files";
    } else if (in.files.size() <= 3) {
        for (std::size_t k = 0; k < in.files.size(); ++k) s += (k ? ", " : "") + in.files[k];
    } else {
        s += plural(static_cast<std::int64_t>(in.files.size()), "file", "files");
    }
    s += ", rules " + (r.rules_name.empty() ? std::string("?") : r.rules_name);
    out << st.bold(s) << '\n';

    std::vector<std::string> notes;
    if (in.first_us && in.last_us && *in.first_us == *in.last_us)
        notes.push_back("all at " + human_time(*in.first_us));
    else if (in.first_us && in.last_us)
        notes.push_back(human_time(*in.first_us) + " to " + human_time(*in.last_us) + " (" +
                        human_elapsed(*in.last_us - *in.first_us) + ")");
    if (in.bad_lines > 0) {
        std::string n = plural(in.bad_lines, "bad line", "bad lines") + " ignored";
        if (!in.bad_places.empty()) {
            n += " (";
            for (std::size_t k = 0; k < in.bad_places.size(); ++k)
                n += (k ? ", " : "") + in.bad_places[k];
            if (in.bad_lines > static_cast<std::int64_t>(in.bad_places.size())) n += ", ...";
            n += ")";
        }
        notes.push_back(n);
    }
    if (in.skipped > 0)
        // Blank lines are skipped too (docs/decisions.md), so not "not REST requests".
        notes.push_back(plural(in.skipped, "line", "lines") +
                        " skipped: blank, or not a request to /rest/");
    if (in.late > 0)
        notes.push_back(plural(in.late, "hit was", "hits were") +
                        " out of order by more than the allowed skew, replayed at the newest "
                        "time seen");
    if (in.cost_unknown > 0) {
        std::string n = plural(in.cost_unknown, "hit has", "hits have") + " no duration; ";
        n += opt.rules ? "each counted as " + human_seconds(opt.rules->operating.default_cost_us) +
                             " of server time"
                       : std::string("each counted with the rules' default cost (default_cost_s)");
        notes.push_back(n);
    }
    for (const std::string& n : notes) write_wrapped(out, n, "  ", "    ");
    if (!in.complete) {
        const std::string msg = "INCOMPLETE: " + (in.error.empty() ? std::string("input cut short")
                                                                   : in.error) +
                                ". Only the hits read before it are judged.";
        out << st.paint(msg, "1;31") << '\n';
    }
}

void write_tables(std::ostream& out, const std::vector<PortalGroup>& groups,
                  const TextOptions& opt, const Style& st) {
    const std::vector<std::string> head = {"VERDICT", "INTEGRATION", "HITS", "COST",
                                           "REFUSED 503/429/blocked", "FIRST WARN/BLOCK"};
    std::vector<std::size_t> w;
    for (const std::string& h : head) w.push_back(h.size());
    auto cells = [](const IntegrationReport& i) {
        return std::vector<std::string>{
            upper(level_name(i.verdict)), i.integration, group_digits(i.hits),
            table_seconds(i.cost_us),
            group_digits(refused(i, Refusal::QueryLimit)) + "/" +
                group_digits(refused(i, Refusal::OperationTime)) + "/" +
                group_digits(refused(i, Refusal::Overload)),
            first_warn_or_block(i)};
    };
    for (const PortalGroup& g : groups)
        for (const IntegrationReport* i : g.rows) {
            const auto c = cells(*i);
            for (std::size_t k = 0; k < c.size(); ++k) w[k] = std::max(w[k], c[k].size());
        }
    // Numbers right-aligned, words left-aligned.
    auto row = [&](const std::vector<std::string>& c, Level l, bool header) {
        std::string s;
        for (std::size_t k = 0; k < c.size(); ++k) {
            const bool numeric = k >= 2 && k <= 4;
            if (k + 1 == c.size()) s += c[k];  // no trailing blanks
            else if (numeric) s += pad_left(c[k], w[k]) + "  ";
            else if (k == 0 && !header)  // colour the word, not its padding
                s += st.level(c[k], l) + std::string(w[k] - c[k].size(), ' ') + "  ";
            else s += pad_right(c[k], w[k]) + "  ";
        }
        out << "  " << (header ? st.bold(s) : s) << '\n';
    };

    for (const PortalGroup& g : groups) {
        std::int64_t counts[4] = {0, 0, 0, 0};
        for (const IntegrationReport* i : g.rows) ++counts[static_cast<int>(i->verdict)];
        std::string title = g.portal + ": " +
                            plural(static_cast<std::int64_t>(g.rows.size()), "integration",
                                   "integrations");
        out << '\n' << st.bold(title) << '\n';
        row(head, Level::Ok, true);
        std::size_t ok_shown = 0;
        std::int64_t hidden = 0, hidden_hits = 0, hidden_cost = 0;
        for (const IntegrationReport* i : g.rows) {
            if (i->verdict == Level::Ok && counts[0] > static_cast<std::int64_t>(opt.max_ok_rows)) {
                if (ok_shown >= opt.max_ok_rows) {
                    ++hidden;
                    hidden_hits += i->hits;
                    hidden_cost += i->cost_us;
                    continue;
                }
                ++ok_shown;
            }
            row(cells(*i), i->verdict, false);
        }
        if (hidden > 0)
            out << "  " << st.level("... and " + plural(hidden, "more ok integration",
                                                          "more ok integrations"),
                                    Level::Ok)
                << " (" << plural(hidden_hits, "hit", "hits") << ", "
                << table_seconds(hidden_cost) << " of server time)\n";
    }
    if (groups.empty()) return;
    // The columns a newcomer cannot guess, once, under the last table.
    out << '\n';
    write_wrapped(out,
                  "COST is the server time of the executed hits. REFUSED counts the hits "
                  "Bitrix24 would refuse: 503 QUERY_LIMIT_EXCEEDED (request limit) / 429 "
                  "OPERATION_TIME_LIMIT (method blocked) / blocked (OVERLOAD_LIMIT: the "
                  "integration was blocked).",
                  "  ", "  ");
}

void write_details(std::ostream& out, const std::vector<PortalGroup>& groups,
                   const TextOptions& opt, const Style& st) {
    bool any = false;
    for (const PortalGroup& g : groups)
        for (const IntegrationReport* i : g.rows) {
            if (i->findings.empty()) continue;
            if (!any) out << '\n' << st.bold("Why, and what to do") << '\n';
            any = true;
            out << '\n'
                << st.level(upper(level_name(i->verdict)), i->verdict) << "  "
                << st.bold(i->integration) << " on " << i->portal << '\n';
            for (const Finding& f : i->findings)
                write_wrapped(out, finding_reason(f, *i, opt.rules), "  ", "      ");
            if (!i->notification.empty()) {
                out << "  Bitrix24 would send:\n";
                write_wrapped(out, i->notification, "    | ", "    | ");
            }
            const auto advice = advice_for(*i);
            if (!advice.empty()) {
                out << "  What to do:\n";
                for (const std::string& a : advice) write_wrapped(out, a, "  - ", "    ");
            }
        }
}

// The rules the report was made with, else the built-in ones.
const Rules& rules_of(const TextOptions& opt, Rules& fallback) {
    if (opt.rules) return *opt.rules;
    fallback = default_rules();
    return fallback;
}

// A plain table: cells padded to the widest, numbers (columns from `first_numeric` on, the
// last excepted) right-aligned, no trailing blanks, header bold.
void write_table(std::ostream& out, const std::vector<std::string>& head,
                 const std::vector<std::vector<std::string>>& rows, std::size_t first_numeric,
                 const Style& st) {
    std::vector<std::size_t> w;
    for (const std::string& h : head) w.push_back(h.size());
    for (const auto& c : rows)
        for (std::size_t k = 0; k < c.size(); ++k) w[k] = std::max(w[k], c[k].size());
    auto line = [&](const std::vector<std::string>& c, bool header) {
        std::string s;
        for (std::size_t k = 0; k < c.size(); ++k) {
            if (k + 1 == c.size()) s += c[k];
            else s += (k >= first_numeric ? pad_left(c[k], w[k]) : pad_right(c[k], w[k])) + "  ";
        }
        out << "  " << (header ? st.bold(s) : s) << '\n';
    };
    line(head, true);
    for (const auto& c : rows) line(c, false);
}

void write_method_blocks(std::ostream& out, const Report& r, const TextOptions& opt,
                         const Style& st) {
    std::size_t total = 0;
    for (const MethodReport& m : r.methods) total += m.blocks.size();
    if (total == 0) return;
    Rules fallback;
    const Rules::Operating& op = rules_of(opt, fallback).operating;
    out << '\n'
        << st.bold("Methods blocked for " + human_duration(op.block_us) +
                   " (429 OPERATION_TIME_LIMIT): over " + human_seconds(op.limit_us) +
                   " of server time in " + human_duration(op.window_us))
        << '\n';
    std::vector<std::vector<std::string>> rows;
    for (const MethodReport& m : r.methods)
        for (const MethodBlock& b : m.blocks)
            if (rows.size() < kMaxMethodBlocks)
                rows.push_back({m.portal, m.method, human_time(b.from_us), human_time(b.until_us),
                                approx_seconds(b.window_cost_us, op.limit_us)});
    write_table(out, {"PORTAL", "METHOD", "BLOCKED FROM", "UNTIL", "SERVER TIME"}, rows, 4, st);
    if (total > kMaxMethodBlocks)
        out << "  ... and " << plural(static_cast<std::int64_t>(total - kMaxMethodBlocks),
                                      "more block", "more blocks")
            << " (all of them are in the JSON report)\n";
}

void write_hot_buckets(std::ostream& out, const Report& r, const TextOptions& opt,
                       const Style& st) {
    Rules fallback;
    const Rules& rules = rules_of(opt, fallback);
    struct Hot {
        const BucketReport* b;
        std::int64_t capacity;  // 0 when the plan is not in the rules
    };
    std::vector<Hot> hot;
    for (const BucketReport& b : r.buckets) {
        const int p = rules.plan_index(b.plan);
        const std::int64_t cap = p >= 0 ? rules.plans[static_cast<std::size_t>(p)].capacity : 0;
        // peak_level (micro-hits) >= 80% of capacity (hits), in integers.
        const bool full = cap > 0 && b.peak_level * 100 >= kHotPct * cap * 1'000'000;
        if (b.refused > 0 || full) hot.push_back({&b, cap});
    }
    if (hot.empty()) return;
    std::stable_sort(hot.begin(), hot.end(), [](const Hot& a, const Hot& b) {
        if (a.b->refused != b.b->refused) return a.b->refused > b.b->refused;
        return a.b->peak_level > b.b->peak_level;
    });
    out << '\n'
        << st.bold("Busy request buckets (503 QUERY_LIMIT_EXCEEDED refusals, or filled to " +
                   std::to_string(kHotPct) + "% of capacity)")
        << '\n';
    std::vector<std::vector<std::string>> rows;
    for (std::size_t k = 0; k < hot.size() && k < kMaxBuckets; ++k) {
        const BucketReport& b = *hot[k].b;
        const std::int64_t cap = hot[k].capacity;
        // Tenths, but never "50 of 50" for a bucket that was not quite full.
        std::string peak = cap > 0 ? round_micros(b.peak_level, 1, cap * 1'000'000) + " of " +
                                         group_digits(cap)
                                   : round_micros(b.peak_level, 1);
        rows.push_back({b.portal, b.key, b.plan, group_digits(b.hits), group_digits(b.refused),
                        peak});
    }
    write_table(out, {"PORTAL", "KEY", "PLAN", "HITS", "REFUSED", "PEAK"}, rows, 3, st);
    if (hot.size() > kMaxBuckets)
        out << "  ... and "
            << plural(static_cast<std::int64_t>(hot.size() - kMaxBuckets), "more bucket",
                      "more buckets")
            << '\n';
}

void write_verdict_line(std::ostream& out, const Report& r, const Style& st) {
    const Summary& s = r.summary;
    std::string line;
    if (s.integrations == 0) {
        line = "No integrations to judge.";
    } else {
        line = s.block > 0 ? plural(s.block, "integration", "integrations") + " would be blocked"
                           : std::string("No integration would be blocked");
        if (s.warn > 0) line += ", " + group_digits(s.warn) + " warned";
        if (s.notice > 0) line += ", " + group_digits(s.notice) + " with a notice";
        if (s.ok > 0) line += ", " + group_digits(s.ok) + " ok";
        line += ".";
    }
    Level worst = Level::Ok;
    if (s.block > 0) worst = Level::Block;
    else if (s.warn > 0) worst = Level::Warn;
    else if (s.notice > 0) worst = Level::Notice;
    out << '\n' << st.paint(line, Style::sgr(worst)) << '\n';
}

}  // namespace

void write_report_text(std::ostream& out, const Report& r, const TextOptions& opt) {
    const Style st(opt.color);
    write_heading(out, r, opt, st);
    const auto groups = group_by_portal(r);
    write_tables(out, groups, opt, st);
    write_details(out, groups, opt, st);
    write_method_blocks(out, r, opt, st);
    write_hot_buckets(out, r, opt, st);
    write_verdict_line(out, r, st);
}

}  // namespace b24
