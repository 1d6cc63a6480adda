// JUnit XML for CI dashboards: a portal is a suite, an integration a test case. The words
// are the text printer's (advice.h), so a failed CI job reads like the terminal report.
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "advice.h"
#include "report_printers.h"

namespace b24 {

namespace {

// Length of the valid UTF-8 sequence at s[i] that XML 1.0 allows, or 0.
std::size_t xml_utf8_len(std::string_view s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if ((b & 0xE0) == 0xC0) { n = 2; cp = b & 0x1Fu; }
    else if ((b & 0xF0) == 0xE0) { n = 3; cp = b & 0x0Fu; }
    else if ((b & 0xF8) == 0xF0) { n = 4; cp = b & 0x07u; }
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (c & 0x3Fu);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return n;
}

// Text for an attribute value (attr) or element content. XML 1.0 cannot carry most control
// characters even as references, so they (and invalid UTF-8) become U+FFFD. In attributes
// tab and LF are references, which attribute-value normalisation keeps; CR always is, which
// end-of-line handling would otherwise turn into LF.
std::string xml_escape(std::string_view s, bool attr = true) {
    std::string o;
    o.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t n = xml_utf8_len(s, i);
            if (n == 0) { o += "\xEF\xBF\xBD"; ++i; }
            else { o.append(s.substr(i, n)); i += n; }
            continue;
        }
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += attr ? "&quot;" : "\""; break;
            case '\'': o += attr ? "&apos;" : "'"; break;
            case '\t': o += attr ? "&#9;" : "\t"; break;
            case '\n': o += attr ? "&#10;" : "\n"; break;
            case '\r': o += "&#13;"; break;
            case 0x7f: o += "&#127;"; break;
            default:
                if (c < 0x20) o += "\xEF\xBF\xBD";
                else o += static_cast<char>(c);
        }
        ++i;
    }
    return o;
}

bool fails(const IntegrationReport& i, Level fail_on) {
    if (i.verdict == Level::Block) return true;  // SPEC §4: block = failure
    for (const Finding& f : i.findings)
        if (f.level >= fail_on) return true;
    return false;
}

// The finding a failure is named after: the highest level, the earliest of those.
const Finding* worst_finding(const IntegrationReport& i) {
    const Finding* w = nullptr;
    for (const Finding& f : i.findings)
        if (!w || f.level > w->level) w = &f;
    return w;
}

std::string counts_line(const IntegrationReport& i) {
    return std::string(level_name(i.verdict)) + ": " + group_digits(i.hits) + " hits, " +
           group_digits(i.executed) + " executed, " + human_seconds(i.cost_us) +
           " of server time; refused " +
           group_digits(i.refused[static_cast<std::size_t>(Refusal::QueryLimit)]) + " (503), " +
           group_digits(i.refused[static_cast<std::size_t>(Refusal::OperationTime)]) +
           " (429), " + group_digits(i.refused[static_cast<std::size_t>(Refusal::Overload)]) +
           " (blocked)\n";
}

std::string reasons(const IntegrationReport& i) {
    std::string s;
    for (const Finding& f : i.findings) s += finding_reason(f, i) + "\n";
    return s;
}

void write_case(std::ostream& out, const IntegrationReport& i, Level fail_on) {
    out << "    <testcase classname=\"" << xml_escape(i.portal) << "\" name=\""
        << xml_escape(i.integration) << "\">\n";
    if (fails(i, fail_on)) {
        const Finding* w = worst_finding(i);
        const std::string type = w ? w->code : std::string(level_name(i.verdict));
        const std::string message = w ? finding_reason(*w, i) : std::string(level_name(i.verdict));
        std::string body = reasons(i);
        if (!i.notification.empty()) body += "\nBitrix24 would send:\n" + i.notification + "\n";
        const auto advice = advice_for(i);
        if (!advice.empty()) {
            body += "\nWhat to do:\n";
            for (const std::string& a : advice) body += "- " + a + "\n";
        }
        out << "      <failure message=\"" << xml_escape(message) << "\" type=\""
            << xml_escape(type) << "\">" << xml_escape(body, false) << "</failure>\n";
    }
    out << "      <system-out>" << xml_escape(counts_line(i) + reasons(i), false)
        << "</system-out>\n";
    out << "    </testcase>\n";
}

}  // namespace

void write_report_junit(std::ostream& out, const Report& r, Level fail_on) {
    struct Suite {
        std::vector<const IntegrationReport*> cases;
        std::int64_t failures = 0;
    };
    std::map<std::string, Suite> suites;  // by portal, cases in report order
    std::int64_t failures = 0;
    for (const IntegrationReport& i : r.integrations) {
        Suite& s = suites[i.portal];
        s.cases.push_back(&i);
        if (fails(i, fail_on)) { ++s.failures; ++failures; }
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"b24load\" tests=\"" << r.integrations.size() << "\" failures=\""
        << failures << "\">\n";
    for (const auto& [portal, s] : suites) {
        out << "  <testsuite name=\"" << xml_escape(portal) << "\" tests=\"" << s.cases.size()
            << "\" failures=\"" << s.failures << "\" errors=\"0\">\n";
        for (const IntegrationReport* i : s.cases) write_case(out, *i, fail_on);
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
}

}  // namespace b24
