// Input: the files of a run merged into one stream in replay order, (time, file, line),
// each hit read where its file keeps it. A hit handed out must be intact until the next
// call, even when its file's skew buffer is full and that file's next hit goes into the
// very slot it came from: the merge moves a file on only at the next call.
#include <catch2/catch.hpp>
#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "input.h"
#include "io_test_files.h"
#include "rules.h"
#include "symbols.h"

using namespace b24;
using namespace b24::test_io;

namespace {

struct Seen {
    std::int64_t t_us;
    std::uint32_t file;
    std::uint64_t line;
    std::string method;
    bool operator==(const Seen&) const = default;
};

// One NDJSON line of `file` at time `t` (seconds), and what Input should give for it.
std::string line_at(std::int64_t t, std::uint32_t file, std::uint64_t line,
                    std::vector<Seen>& expected) {
    const std::string method = "m" + std::to_string(file) + "." + std::to_string(line);
    expected.push_back({t * 1'000'000, file, line, method});
    return R"({"ts":)" + std::to_string(t) + R"(,"portal":"p.bitrix24.com","method":")" + method +
           "\"}\n";
}

// `lines` lines in bursts at the same second, times rising.
std::string bursts(unsigned seed, int lines, std::uint32_t file, std::vector<Seen>& expected) {
    std::mt19937 rng(seed);
    std::string text;
    std::int64_t t = 1'700'000'000;
    for (int i = 1; i <= lines; ++i) {
        if (rng() % 97 == 0) t += 1 + rng() % 3;
        text += line_at(t, file, static_cast<std::uint64_t>(i), expected);
    }
    return text;
}

void sort_replay_order(std::vector<Seen>& v) {
    std::stable_sort(v.begin(), v.end(), [](const Seen& x, const Seen& y) {
        return std::tie(x.t_us, x.file, x.line) < std::tie(y.t_us, y.file, y.line);
    });
}

// Every hit Input gives for `files`, read as it is handed out.
std::vector<Seen> read_input(const std::vector<std::string>& files, int threads) {
    SymbolTable symbols;
    const Rules rules = default_rules();
    const ParseContext ctx{&symbols, &rules};
    InputOptions opt;
    opt.threads = threads;
    Input input(files, ctx, opt);
    std::vector<Seen> got;
    while (const Hit* h = input.next())
        got.push_back({h->t_us, h->place.file, h->place.line, std::string(symbols.name(h->method))});
    return got;
}

}  // namespace

TEST_CASE("input: files merge by (time, file, line)", "[input]") {
    TempDir dir;
    std::vector<Seen> expected;
    const std::vector<std::string> files = {dir.write("a.ndjson", bursts(1, 3000, 0, expected)),
                                            dir.write("b.ndjson", bursts(2, 2000, 1, expected)),
                                            dir.write("c.ndjson", bursts(3, 10, 2, expected))};
    sort_replay_order(expected);
    for (const int threads : {1, 2}) {
        INFO("--threads " << threads);
        CHECK(read_input(files, threads) == expected);
    }
}

TEST_CASE("input: a hit from a full skew buffer is intact when handed out", "[input]") {
    // File a fills its skew buffer (64 slots at first) exactly when its first hit becomes
    // due, and only that one: its next read goes into the slot that hit is in. Were the
    // file moved on before the hit is handed out, the merge would hand out that next line.
    TempDir dir;
    std::vector<Seen> expected;
    constexpr std::int64_t T = 1'700'000'000;
    std::string a = line_at(T, 0, 1, expected);
    for (std::uint64_t line = 2; line <= 63; ++line) a += line_at(T + 30, 0, line, expected);
    for (std::uint64_t line = 64; line <= 70; ++line) a += line_at(T + 61, 0, line, expected);
    const std::string b = line_at(T + 100, 1, 1, expected) + line_at(T + 100, 1, 2, expected);
    const std::vector<std::string> files = {dir.write("a.ndjson", a), dir.write("b.ndjson", b)};
    sort_replay_order(expected);
    for (const int threads : {1, 2}) {
        INFO("--threads " << threads);
        CHECK(read_input(files, threads) == expected);
    }
}
