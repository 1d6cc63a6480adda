// libFuzzer target for the line parsers (scripts/fuzz builds and runs it with ASan and
// UBSan). The input is a run of lines; each line is parsed
//   - as NDJSON by the fast path and by the full simdjson path: both must say the same;
//   - as an access-log line;
// each twice, with different junk in the padding after the line: a result that depends
// on the padding is a read past the line. Then the whole input is read as one run by
// NdjsonParser::parse_next() and by AccessLogParser::parse_next(), which must read each
// line as parse() reads the line next_line() cuts, and end it in the same place. Any
// difference aborts, as does any crash.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../hit_text.h"
#include "access_log_parser.h"
#include "line_parse.h"
#include "ndjson_parser.h"
#include "rules.h"
#include "symbols.h"

using namespace b24;

namespace {

// One parser of one format with its own symbol table.
template <class Parser>
struct Side {
    SymbolTable symbols;
    Rules rules = default_rules();
    ParseContext ctx{&symbols, &rules};
    Parser parser{ctx};

    std::string parse(std::string_view line, char pad, std::string& buffer) {
        buffer.assign(line);
        buffer.append(kLinePadding, pad);
        Hit hit;
        std::string why;
        const LineKind k = parser.parse(std::string_view(buffer.data(), line.size()), hit, why);
        return test_hit::line_outcome(symbols, k, hit, why);
    }
};

[[noreturn]] void differ(const std::string& what, std::string_view line, const std::string& a,
                         const std::string& b) {
    std::fprintf(stderr, "%s differ\nline: %.*s\n  %s\n  %s\n", what.c_str(),
                 static_cast<int>(line.size()), line.data(), a.c_str(), b.c_str());
    std::abort();
}

// The run [begin, end) read line by line by `by_run.parser.parse_next()`: each line as
// `by_line` reads the line next_line() cuts, ending where next_line() ends it.
template <class Parser>
void read_run(const char* begin, const char* end, Side<Parser>& by_line, Side<Parser>& by_run,
              std::string& buffer, const std::string& format) {
    for (const char *p = begin, *q = begin; p < end;) {
        const std::string_view line = next_line(q, end);
        const std::string a = by_line.parse(line, '"', buffer);
        Hit hit;
        std::string why;
        const LineKind k = by_run.parser.parse_next(p, end, hit, why);
        const std::string b = test_hit::line_outcome(by_run.symbols, k, hit, why);
        if (a != b) differ(format + " line and run", line, a, b);
        if (p != q) differ(format + " line ends", line, "where next_line() ends", "elsewhere");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Made once (a parser's first use allocates its memos); a cleared table makes every
    // parser forget the ids it memoized, so no input depends on an earlier one's names.
    static Side<NdjsonParser> fast, full, by_run;
    static Side<AccessLogParser> access, access2, access_by_run;
    NdjsonParserTesting::set_fast_path(full.parser, false);
    for (SymbolTable* t : {&fast.symbols, &full.symbols, &by_run.symbols, &access.symbols,
                           &access2.symbols, &access_by_run.symbols})
        t->clear();
    std::string buffer;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::size_t p = 0;
    while (p <= text.size()) {
        std::size_t nl = text.find('\n', p);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string_view line = text.substr(p, nl - p);
        p = nl + 1;

        const std::string a = fast.parse(line, '"', buffer);
        const std::string b = full.parse(line, '"', buffer);
        if (a != b) differ("ndjson fast and full paths", line, a, b);
        const std::string c = fast.parse(line, '\0', buffer);
        if (a != c) differ("ndjson with other padding", line, a, c);

        const std::string d = access.parse(line, '"', buffer);
        const std::string e = access2.parse(line, ' ', buffer);
        if (d != e) differ("access-log line with other padding", line, d, e);
    }

    std::string run(text);
    run.append(kLinePadding, '"');
    const char* const end = run.data() + text.size();
    read_run(run.data(), end, fast, by_run, buffer, "ndjson");
    read_run(run.data(), end, access, access_by_run, buffer, "access-log");
    return 0;
}
