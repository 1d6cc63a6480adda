// ByteSource: compression detected from the first bytes; streams of many frames/members;
// faults (truncation, corruption, trailing garbage) reported with file and byte offset
// only after every byte decoded before them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "byte_source.h"
#include "error.h"
#include "io_test_files.h"

using b24::ByteSource;
using b24::Error;
using namespace b24::test_io;

namespace {

struct Drained {
    std::string data;
    std::optional<Error> error;
};

// Everything `path` decodes to, and the fault that ended it if any.
Drained drain(const std::string& path, const ByteSource::Options& opt = {}) {
    Drained d;
    auto src = ByteSource::open(path, opt);
    try {
        for (;;) {
            std::string_view b = src->next_block();
            if (b.empty()) break;
            d.data += b;
        }
    } catch (const Error& e) {
        d.error = e;
        // Every later call repeats the fault.
        CHECK_THROWS_WITH(src->next_block(), e.what());
    }
    return d;
}

// The ways a source may be run: they must not change what it decodes or reports.
std::vector<ByteSource::Options> option_sets() {
    std::vector<ByteSource::Options> v(4);
    v[1].block_size = 4096;
    v[2].block_size = 1;
    v[3].block_size = 777;
    return v;
}

std::string where_at(const std::string& path, std::size_t offset) {
    return path + ": byte " + std::to_string(offset);
}

}  // namespace

TEST_CASE("plain input is passed through unchanged", "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(3 << 20);
    const std::string path = dir.write("a.log", text);
    for (const auto& opt : option_sets()) {
        if (opt.block_size == 1) continue;  // 3 MiB one byte at a time: too slow for nothing
        auto src = ByteSource::open(path, opt);
        CHECK(std::string(src->compression()) == "plain");
        CHECK(src->name() == path);
        CHECK(src->input_size() == text.size());
        std::string got;
        for (std::string_view b; !(b = src->next_block()).empty();) got += b;
        CHECK(got == text);
        CHECK(src->input_offset() == text.size());
        CHECK(src->next_block().empty());  // the end stays the end
    }
}

TEST_CASE("an empty file is plain and empty", "[byte_source]") {
    TempDir dir;
    const std::string path = dir.write("empty", "");
    for (const auto& opt : option_sets()) {
        auto src = ByteSource::open(path, opt);
        CHECK(std::string(src->compression()) == "plain");
        CHECK(src->next_block().empty());
    }
}

TEST_CASE("files shorter than a magic number are plain", "[byte_source]") {
    TempDir dir;
    for (std::string s : {"{", "\x28\xB5", "\x28\xB5\x2F", "\x1F"}) {
        const std::string path = dir.write("short", s);
        auto d = drain(path);
        CHECK_FALSE(d.error);
        CHECK(d.data == s);
    }
}

TEST_CASE("zstd: one frame, many frames, skippable and empty frames", "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(3 << 20, 7);
    std::string one = zstd_frame(text);
    std::string many = zstd_frames(text, 100'000);
    std::string mixed = zstd_skippable("index") + zstd_frame("") + zstd_frames(text, 1 << 20) +
                        zstd_skippable(std::string(5000, 'x'), 15) + zstd_frame("");
    for (const auto& [name, bytes] : {std::pair{"one.zst", one}, {"many.zst", many},
                                      {"mixed.zst", mixed}}) {
        const std::string path = dir.write(name, bytes);
        for (const auto& opt : option_sets()) {
            if (opt.block_size == 1) continue;
            INFO(name << " block_size " << opt.block_size);
            auto src = ByteSource::open(path, opt);
            CHECK(std::string(src->compression()) == "zstd");
            std::string got;
            for (std::string_view b; !(b = src->next_block()).empty();) got += b;
            CHECK(got == text);
            CHECK(src->input_offset() == bytes.size());
        }
    }
}

TEST_CASE("zstd: an empty frame and a lone skippable frame decode to nothing", "[byte_source]") {
    TempDir dir;
    for (const std::string& bytes : {zstd_frame(""), zstd_skippable("meta"), zstd_skippable("")}) {
        const std::string path = dir.write("e.zst", bytes);
        auto d = drain(path);
        CHECK_FALSE(d.error);
        CHECK(d.data.empty());
        CHECK(std::string(ByteSource::open(path)->compression()) == "zstd");
    }
}

TEST_CASE("gzip: one member and concatenated members", "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(2 << 20, 3);
    std::string many;
    for (std::size_t i = 0; i < text.size(); i += 300'000) many += gzip_member(text.substr(i, 300'000));
    many += gzip_member("");
    for (const auto& [name, bytes] :
         {std::pair{"one.gz", gzip_member(text)}, {"many.gz", many}}) {
        const std::string path = dir.write(name, bytes);
        for (const auto& opt : option_sets()) {
            if (opt.block_size == 1) continue;
            auto src = ByteSource::open(path, opt);
            CHECK(std::string(src->compression()) == "gzip");
            std::string got;
            for (std::string_view b; !(b = src->next_block()).empty();) got += b;
            CHECK(got == text);
        }
    }
    const std::string empty = dir.write("empty.gz", gzip_member(""));
    auto d = drain(empty);
    CHECK_FALSE(d.error);
    CHECK(d.data.empty());
}

TEST_CASE("compression is detected from the bytes, never from the name", "[byte_source]") {
    TempDir dir;
    CHECK(std::string(ByteSource::open(dir.write("x.gz", "plain\n"))->compression()) == "plain");
    CHECK(std::string(ByteSource::open(dir.write("x.log", zstd_frame("a\n")))->compression()) ==
          "zstd");
    CHECK(std::string(ByteSource::open(dir.write("x.zst", gzip_member("a\n")))->compression()) ==
          "gzip");
}

TEST_CASE("read() copies across blocks", "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(100'000);
    ByteSource::Options opt;
    opt.block_size = 1000;
    auto src = ByteSource::open(dir.write("r.zst", zstd_frames(text, 3000)), opt);
    std::string got;
    char buf[333];
    for (std::size_t n; (n = src->read(buf, sizeof buf)) > 0;) got.append(buf, n);
    CHECK(got == text);
    CHECK(src->read(buf, 0) == 0);
}

TEST_CASE("truncated zstd: the bytes before the cut, then an error at the end offset",
          "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(1 << 20, 5);
    const std::string full = zstd_frames(text, 400'000);
    for (std::size_t cut : {full.size() / 2, full.size() - 1, std::size_t{6}}) {
        const std::string path = dir.write("t.zst", full.substr(0, cut));
        for (const auto& opt : option_sets()) {
            if (opt.block_size == 1 && cut > 100) continue;
            auto d = drain(path, opt);
            REQUIRE(d.error);
            CHECK(d.error->where == where_at(path, cut));
            CHECK(d.error->message == "truncated zstd stream");
            CHECK(text.compare(0, d.data.size(), d.data) == 0);  // a prefix of the text
            // Cut in the last frame's checksum: all the text came out, yet it is an error.
            if (cut == full.size() - 1) CHECK(d.data.size() >= 800'000);
            if (cut < full.size() - 1) CHECK(d.data.size() < text.size());
        }
    }
}

TEST_CASE("truncated gzip: the bytes before the cut, then an error at the end offset",
          "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(1 << 20, 6);
    const std::string full = gzip_member(text.substr(0, 500'000)) + gzip_member(text.substr(500'000));
    for (std::size_t cut : {full.size() / 2, full.size() - 1, std::size_t{5}}) {
        const std::string path = dir.write("t.gz", full.substr(0, cut));
        auto d = drain(path);
        REQUIRE(d.error);
        CHECK(d.error->where == where_at(path, cut));
        CHECK(d.error->message == "truncated gzip stream");
        CHECK(text.compare(0, d.data.size(), d.data) == 0);
        if (cut == full.size() - 1) CHECK(d.data.size() >= 500'000);
    }
}

TEST_CASE("a stream cut inside the next frame's magic is truncated", "[byte_source]") {
    TempDir dir;
    const std::string frame = zstd_frame("a\n");
    const std::string path = dir.write("m.zst", frame + "\x28\xB5");
    auto d = drain(path);
    REQUIRE(d.error);
    CHECK(d.error->where == where_at(path, frame.size() + 2));
    CHECK(d.error->message == "truncated zstd stream");
    CHECK(d.data == "a\n");

    const std::string gz = gzip_member("b\n");
    const std::string gpath = dir.write("m.gz", gz + "\x1F");
    auto g = drain(gpath);
    REQUIRE(g.error);
    CHECK(g.error->where == where_at(gpath, gz.size() + 1));
    CHECK(g.error->message == "truncated gzip stream");
    CHECK(g.data == "b\n");
}

TEST_CASE("trailing garbage after a valid stream is an error at its offset", "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(200'000);
    const std::string zst = zstd_frames(text, 50'000);
    const std::string gz = gzip_member(text);
    struct Case {
        std::string bytes, message;
        std::size_t offset;
    };
    const std::vector<Case> cases = {
        {zst + "hello\n", "trailing garbage after zstd stream", zst.size()},
        {zst + "ab", "trailing garbage after zstd stream", zst.size()},
        {zst + std::string(4, '\0'), "trailing garbage after zstd stream", zst.size()},
        {zst + gz, "trailing garbage after zstd stream", zst.size()},
        {gz + "hello\n", "trailing garbage after gzip stream", gz.size()},
        {gz + "x", "trailing garbage after gzip stream", gz.size()},
        {gz + zst, "trailing garbage after gzip stream", gz.size()},
    };
    for (const auto& c : cases) {
        const std::string path = dir.write("g", c.bytes);
        for (const auto& opt : option_sets()) {
            if (opt.block_size == 1) continue;
            auto d = drain(path, opt);
            REQUIRE(d.error);
            CHECK(d.error->where == where_at(path, c.offset));
            CHECK(d.error->message == c.message);
            CHECK(d.data == text);  // all of the valid stream came first
        }
    }
}

TEST_CASE("corrupt zstd and gzip data: an error naming file and byte, the same every run",
          "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(600'000, 9);
    std::string zst = zstd_frames(text, 200'000);
    std::string gz = gzip_member(text);
    // Spoil bytes well inside the data of the second frame / the member.
    for (std::size_t i = 0; i < 16; ++i) {
        zst[zst.size() / 2 + i] = static_cast<char>(zst[zst.size() / 2 + i] ^ 0x5A);
        gz[gz.size() / 2 + i] = static_cast<char>(gz[gz.size() / 2 + i] ^ 0x5A);
    }
    for (const auto& [name, bytes, prefix] :
         {std::tuple{"c.zst", zst, "corrupt zstd stream: "},
          std::tuple{"c.gz", gz, "corrupt gzip stream: "}}) {
        const std::string path = dir.write(name, bytes);
        std::optional<std::string> first;
        for (const auto& opt : option_sets()) {
            if (opt.block_size == 1) continue;
            auto d = drain(path, opt);
            REQUIRE(d.error);
            INFO(d.error->what());
            CHECK(d.error->where.rfind(path + ": byte ", 0) == 0);
            CHECK(d.error->message.rfind(prefix, 0) == 0);
            const auto offset = std::stoull(d.error->where.substr(path.size() + 7));
            CHECK(offset <= bytes.size());
            if (!first) first = d.error->what();
            CHECK(d.error->what() == *first);  // block size and threading change nothing
        }
    }
}

TEST_CASE("a corrupt stream through a pipe reports what the file reports", "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(300'000, 4);
    std::string zst = zstd_frames(text, 100'000);
    zst[zst.size() * 3 / 4] ^= 0x33;
    const std::string file = dir.write("c.zst", zst);
    const auto from_file = drain(file);
    REQUIRE(from_file.error);

    const std::string fifo = dir.path("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::thread writer([&] {
        const int fd = ::open(fifo.c_str(), O_WRONLY);
        for (std::size_t i = 0; i < zst.size(); i += 999) {  // small, odd writes
            const std::size_t n = std::min<std::size_t>(999, zst.size() - i);
            if (::write(fd, zst.data() + i, n) != static_cast<ssize_t>(n)) break;
        }
        ::close(fd);
    });
    const auto from_pipe = drain(fifo);
    writer.join();
    REQUIRE(from_pipe.error);
    CHECK(from_pipe.error->message == from_file.error->message);
    CHECK(from_pipe.error->where == fifo + from_file.error->where.substr(file.size()));
    CHECK(from_pipe.data == from_file.data);
}

TEST_CASE("plain data through a pipe", "[byte_source]") {
    TempDir dir;
    const std::string text = sample_lines(500'000, 2);
    const std::string fifo = dir.path("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::thread writer([&] {
        const int fd = ::open(fifo.c_str(), O_WRONLY);
        for (std::size_t i = 0; i < text.size(); i += 4096) {
            const std::size_t n = std::min<std::size_t>(4096, text.size() - i);
            if (::write(fd, text.data() + i, n) != static_cast<ssize_t>(n)) break;
        }
        ::close(fd);
    });
    auto src = ByteSource::open(fifo);
    CHECK(std::string(src->compression()) == "plain");
    CHECK(src->input_size() == 0);
    std::string got;
    for (std::string_view b; !(b = src->next_block()).empty();) got += b;
    writer.join();
    CHECK(got == text);
}

TEST_CASE("a consumer that stops early ends the decoder thread", "[byte_source]") {
    TempDir dir;
    SECTION("on a big compressed file") {
        const std::string path = dir.write("big.zst", zstd_frame(sample_lines(8 << 20)));
        auto src = ByteSource::open(path);
        CHECK(src->next_block().size() > 0);
        src.reset();  // joins the thread, which waits for a free block
    }
    SECTION("on a pipe whose writer neither writes nor closes") {
        const std::string fifo = dir.path("fifo");
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        const int wfd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);  // a writer, kept open
        REQUIRE(wfd >= 0);
        REQUIRE(::write(wfd, "hello\n", 6) == 6);
        auto src = ByteSource::open(fifo);
        CHECK(src->next_block() == "hello\n");
        src.reset();  // the thread is blocked reading the pipe: it must be woken
        ::close(wfd);
    }
    SECTION("before reading anything") {
        auto src = ByteSource::open(dir.write("a.gz", gzip_member(sample_lines(4 << 20))));
        src.reset();
    }
}

TEST_CASE("a missing file, a directory, an unreadable file", "[byte_source]") {
    TempDir dir;
    const std::string missing = dir.path("nope.log");
    try {
        ByteSource::open(missing);
        FAIL("opened a missing file");
    } catch (const Error& e) {
        CHECK(e.where == missing);
        CHECK(e.message == "No such file or directory");
    }
    const std::string sub = dir.path("sub");
    std::filesystem::create_directory(sub);
    try {
        ByteSource::open(sub);
        FAIL("opened a directory");
    } catch (const Error& e) {
        CHECK(e.where == sub);
        CHECK(e.message == "Is a directory");
    }
    if (::geteuid() != 0) {  // root reads anything
        const std::string locked = dir.write("locked", "x\n");
        ::chmod(locked.c_str(), 0);
        try {
            ByteSource::open(locked);
            FAIL("opened an unreadable file");
        } catch (const Error& e) {
            CHECK(e.where == locked);
            CHECK(e.message == "Permission denied");
        }
    }
}
