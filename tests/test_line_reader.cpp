// LineReader: lines across block boundaries, CRLF, no final newline, huge lines, bytes
// passed through untouched, and the lines before a fault handed out before the fault.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "error.h"
#include "io_test_files.h"
#include "line_parse.h"
#include "line_reader.h"

using b24::ByteSource;
using b24::Error;
using b24::LineReader;
using namespace b24::test_io;

namespace {

struct Read {
    std::vector<std::string> lines;
    std::optional<Error> error;
};

// Every line of `path`: its runs split as ChunkParser splits them, checking the run
// promises on the way (whole lines, padding).
Read read_lines(const std::string& path, const ByteSource::Options& opt = {}) {
    Read r;
    LineReader reader(ByteSource::open(path, opt));
    std::string_view run;
    bool last_seen = false;  // a run without a final newline: the input's last line
    try {
        while (reader.next_run(run)) {
            REQUIRE_FALSE(last_seen);
            REQUIRE_FALSE(run.empty());
            // Touch the padding: a sanitizer build catches a reader that does not keep it.
            volatile char sink = 0;
            for (std::size_t i = 0; i < b24::kLinePadding; ++i) sink = run.data()[run.size() + i];
            (void)sink;
            last_seen = run.back() != '\n';
            while (!run.empty()) {
                const std::size_t nl = run.find('\n');
                std::string_view line = run.substr(0, nl);
                if (nl != std::string_view::npos && !line.empty() && line.back() == '\r')
                    line.remove_suffix(1);
                r.lines.emplace_back(line);
                run.remove_prefix(nl == std::string_view::npos ? run.size() : nl + 1);
            }
        }
        CHECK_FALSE(reader.next_run(run));  // the end stays the end
    } catch (const Error& e) {
        r.error = e;
        CHECK_THROWS_WITH(reader.next_run(run), e.what());  // and a fault stays a fault
    }
    return r;
}

// The lines of `text` as the contract defines them, written the slow, obvious way.
std::vector<std::string> expected_lines(const std::string& text) {
    std::vector<std::string> out;
    std::string cur;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') {
            if (!cur.empty() && cur.back() == '\r') cur.pop_back();
            out.push_back(cur);
            cur.clear();
        } else {
            cur += text[i];
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

ByteSource::Options blocks_of(std::size_t n) {
    ByteSource::Options opt;
    opt.block_size = n;
    return opt;
}

}  // namespace

TEST_CASE("lines: terminators, blanks, no final newline, at every block boundary",
          "[line_reader]") {
    TempDir dir;
    const std::vector<std::string> texts = {
        "",
        "\n",
        "\n\n\n",
        "one",
        "one\ntwo\n",
        "one\ntwo",
        "crlf\r\nline\r\n\r\nlast\r\n",
        "lone\rcr inside\n\r\n\rx\r",  // '\r' only dropped right before '\n'
        "trailing cr without newline\r",
        "a\r\r\nb\n",
        std::string("nul\0byte\n\0\n", 12),
        "bad utf8 \xff\xfe\xc3(\n\xed\xa0\x80\n",
    };
    for (const std::string& text : texts) {
        const std::string path = dir.write("l.log", text);
        const auto want = expected_lines(text);
        for (std::size_t block : {1, 2, 3, 5, 7, 64, 1 << 20}) {
            INFO("text " << text.size() << " bytes, block " << block);
            auto got = read_lines(path, blocks_of(block));
            CHECK_FALSE(got.error);
            CHECK(got.lines == want);
        }
    }
}

TEST_CASE("lines: exact line values for CRLF and a missing final newline", "[line_reader]") {
    TempDir dir;
    auto got = read_lines(dir.write("c.log", "a\r\n\r\nb\rc\nlast"));
    CHECK(got.lines == std::vector<std::string>{"a", "", "b\rc", "last"});
    auto nul = read_lines(dir.write("n.log", std::string("x\0y\n", 4)));
    REQUIRE(nul.lines.size() == 1);
    CHECK(nul.lines[0] == std::string("x\0y", 3));
}

TEST_CASE("lines: compressed input, many frames, all block sizes", "[line_reader]") {
    TempDir dir;
    const std::string text = sample_lines(300'000, 11) + "no newline at the end";
    const auto want = expected_lines(text);
    const std::string zst = dir.write("l.zst", zstd_frames(text, 7'777));
    const std::string gz = dir.write("l.gz", gzip_member(text) + gzip_member(""));
    for (const auto& path : {zst, gz}) {
        for (std::size_t block : {100, 4096, 1 << 20}) {
            auto got = read_lines(path, blocks_of(block));
            CHECK_FALSE(got.error);
            CHECK(got.lines == want);
        }
    }
    CHECK(read_lines(dir.write("e.zst", zstd_frame(""))).lines.empty());
    CHECK(read_lines(dir.write("e.gz", gzip_member(""))).lines.empty());
    CHECK(read_lines(dir.write("e.log", "")).lines.empty());
}

TEST_CASE("lines: a 20 MiB line across many blocks", "[line_reader]") {
    TempDir dir;
    std::string huge(20u << 20, 'x');
    for (std::size_t i = 0; i < huge.size(); i += 4093) huge[i] = static_cast<char>('a' + i % 26);
    const std::string text = "first\n" + huge + "\r\nsecond\n" + huge;  // the last one unended
    for (const auto& [name, bytes] :
         {std::pair{"h.log", text}, std::pair{"h.zst", zstd_frames(text, 3 << 20)}}) {
        const std::string path = dir.write(name, bytes);
        auto got = read_lines(path);
        CHECK_FALSE(got.error);
        REQUIRE(got.lines.size() == 4);
        CHECK(got.lines[0] == "first");
        CHECK(got.lines[1] == huge);
        CHECK(got.lines[2] == "second");
        CHECK(got.lines[3] == huge);
    }
}

TEST_CASE("lines: a truncated stream gives every complete line, then the error",
          "[line_reader]") {
    TempDir dir;
    const std::string text = sample_lines(1 << 20, 12);
    const std::string zst = zstd_frames(text, 300'000);
    const std::string gz = gzip_member(text.substr(0, 400'000)) + gzip_member(text.substr(400'000));
    for (const auto& [name, full] : {std::pair{"t.zst", zst}, std::pair{"t.gz", gz}}) {
        const std::size_t cut = full.size() * 2 / 3;
        const std::string path = dir.write(name, full.substr(0, cut));
        // What the source decodes before the fault: its complete lines are the ones due.
        std::string decoded;
        {
            auto src = ByteSource::open(path);
            try {
                for (std::string_view b; !(b = src->next_block()).empty();) decoded += b;
            } catch (const Error&) {
            }
        }
        REQUIRE(decoded.size() > 300'000);
        const std::string complete = decoded.substr(0, decoded.rfind('\n') + 1);
        const auto want = expected_lines(complete);
        for (std::size_t block : {1000, 1 << 20}) {
            auto got = read_lines(path, blocks_of(block));
            REQUIRE(got.error);
            CHECK(got.error->where == path + ": byte " + std::to_string(cut));
            CHECK(got.error->message.find("truncated") != std::string::npos);
            CHECK(got.lines == want);  // the cut line is dropped
            CHECK(!got.lines.empty());
        }
    }
}

TEST_CASE("lines: garbage after a valid frame gives all its lines, then the error",
          "[line_reader]") {
    TempDir dir;
    const std::string text = "a\nb\nc";
    const std::string frame = zstd_frame(text);
    const std::string path = dir.write("g.zst", frame + "garbage\n");
    auto got = read_lines(path);
    REQUIRE(got.error);
    CHECK(got.error->where == path + ": byte " + std::to_string(frame.size()));
    // "c" has no newline but the stream is not cut there: the fault came after it, and
    // whether it was the whole line cannot be known, so it is dropped too.
    CHECK(got.lines == std::vector<std::string>{"a", "b"});
}
