// The zstd decoder's frame hand-off (take_frames, decode_zstd_frames), which lets the
// workers of --threads N decompress a multi-frame file in parallel: what it takes, the
// room it asks for, and what it leaves to the stream.
#include <catch2/catch.hpp>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "byte_source.h"
#include "io_decoder.h"
#include "io_test_files.h"

using namespace b24;
using namespace b24::test_io;

namespace {

constexpr std::size_t kBlockMax = std::size_t{128} << 10;  // zstd's largest block

std::unique_ptr<io::Decoder> open_decoder(const std::string& path) {
    auto dec = io::make_decoder(std::make_unique<io::InputFile>(path), kReadSize);
    dec->stop_at_frame_ends(true);
    return dec;
}

std::string decode(const io::ZstdFrames& frames, const std::string& path) {
    std::vector<char> out(frames.content);
    std::exception_ptr fault;
    const std::size_t n = io::decode_zstd_frames(frames, path, kReadSize, out.data(), fault);
    CHECK_FALSE(fault);
    return std::string(out.data(), n);
}

// Every frame of `path`, taken at once: nothing is left to the stream.
io::ZstdFrames take_all(const std::string& path) {
    io::FrameLimits everything;
    everything.min_content = SIZE_MAX;
    auto dec = open_decoder(path);
    io::ZstdFrames frames;
    REQUIRE(dec->take_frames(frames, everything));
    char byte;
    CHECK(dec->fill(&byte, 1) == 0);
    return frames;
}

// One frame of `data` as a streaming compressor writes it (pzstd does): the data flushed,
// then the frame ended by an empty last block, then the checksum.
std::string streamed_frame(std::string_view data) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    std::string out(ZSTD_compressBound(data.size()) + 64, '\0');
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    std::size_t left = 1;
    while (in.pos < in.size || left != 0) left = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_flush);
    ZSTD_inBuffer none{nullptr, 0, 0};
    while ((left = ZSTD_compressStream2(cctx, &o, &none, ZSTD_e_end)) != 0) {
        REQUIRE_FALSE(ZSTD_isError(left));
    }
    ZSTD_freeCCtx(cctx);
    out.resize(o.pos);
    return out;
}

// Bytes that do not compress: zstd stores them in raw blocks.
std::string noise(std::size_t n) {
    std::mt19937 rng(7);
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(rng());
    return s;
}

}  // namespace

TEST_CASE("zstd: frames that state their size are taken with exactly that room", "[io_zstd]") {
    TempDir dir;
    const std::string text = sample_lines(300'000, 1);
    const std::string path = dir.write("sized.zst", zstd_skippable("i") + zstd_frames(text, 100'000));
    const io::ZstdFrames frames = take_all(path);
    CHECK(frames.exact);
    CHECK(frames.content == text.size());
    CHECK(decode(frames, path) == text);
}

TEST_CASE("zstd: frames that leave their size out are taken with a bound from their blocks",
          "[io_zstd]") {
    TempDir dir;
    {
        // Raw blocks count their own size: the bound is exact.
        const std::string raw = noise(300'000);
        const std::string path = dir.write("raw.zst", zstd_frame(raw, 3, false));
        const io::ZstdFrames frames = take_all(path);
        CHECK_FALSE(frames.exact);
        CHECK(frames.content == raw.size());
        CHECK(decode(frames, path) == raw);
    }
    // Raw, RLE (the run of one byte) and compressed blocks: each compressed one counts a
    // whole block at most.
    const std::string text = noise(300'000) + std::string(400'000, 'a') + sample_lines(200'000, 3);
    const std::size_t piece = 250'000;
    const std::string path =
        dir.write("unsized.zst", zstd_skippable("i") + zstd_frames(text, piece, false));
    const io::ZstdFrames frames = take_all(path);
    CHECK_FALSE(frames.exact);
    CHECK(frames.content >= text.size());
    const std::size_t frame_count = (text.size() + piece - 1) / piece;
    CHECK(frames.content < text.size() + frame_count * kBlockMax);
    CHECK(frames.bytes.size() == std::filesystem::file_size(path));
    CHECK(decode(frames, path) == text);
}

TEST_CASE("zstd: a frame past the limits, sized or not, is left to the stream", "[io_zstd]") {
    TempDir dir;
    {
        // Sized frames, then one without a size that is too big: the frames taken are
        // all sized, so their room is exact.
        const std::string small = sample_lines(10'000, 4);
        const std::string path = dir.write(
            "then-big.zst", zstd_frames(small, 1'000) + zstd_frame(sample_lines(300'000, 5), 3, false));
        io::FrameLimits lim;
        lim.min_content = SIZE_MAX;
        lim.max_content = 50'000;
        auto dec = open_decoder(path);
        io::ZstdFrames frames;
        REQUIRE(dec->take_frames(frames, lim));
        CHECK(frames.exact);
        CHECK(frames.content == small.size());
        CHECK(decode(frames, path) == small);
    }
    const std::string text = sample_lines(300'000, 2);
    for (const bool sized : {true, false}) {
        INFO("content size in the header: " << sized);
        const std::string path = dir.write("big.zst", zstd_frame(text, 3, sized));
        for (const bool by_content : {true, false}) {
            io::FrameLimits lim;
            (by_content ? lim.max_content : lim.max_bytes) = 1000;
            auto dec = open_decoder(path);
            io::ZstdFrames frames;
            CHECK_FALSE(dec->take_frames(frames, lim));
            std::string got(text.size() + 1, '\0');
            std::size_t n = 0;
            while (const std::size_t k = dec->fill(got.data() + n, got.size() - n)) n += k;
            got.resize(n);
            CHECK(got == text);
        }
    }
}

TEST_CASE("zstd: a frame whose last bytes fill the caller's room ends there, for the next to be taken",
          "[io_zstd]") {
    // FileFeed fills pieces of a MiB, and pzstd's frames hold whole MiBs: a frame's last
    // block fills the piece, and its checksum, which decodes to nothing, must not be left
    // for the next fill, which would then go on into the next frame instead of stopping.
    TempDir dir;
    const std::string a = sample_lines(2 * kBlockMax, 6).substr(0, 2 * kBlockMax);
    const std::string b = sample_lines(50'000, 7);
    for (const int kind : {0, 1, 2}) {  // sized, unsized, streamed (unsized, an empty last block)
        auto frame = [kind](const std::string& data) {
            return kind == 2 ? streamed_frame(data) : zstd_frame(data, 3, kind == 0);
        };
        for (const std::size_t room : {kBlockMax, 2 * kBlockMax}) {
            INFO("frames of kind " << kind << ", room " << room);
            const std::string path = dir.write("ab.zst", frame(a) + frame(b));
            auto dec = open_decoder(path);
            std::string got(a.size(), '\0');
            std::size_t n = 0;
            while (n < a.size()) {
                const std::size_t k = dec->fill(got.data() + n, std::min(room, a.size() - n));
                REQUIRE(k > 0);
                n += k;
            }
            CHECK(got == a);
            io::ZstdFrames frames;
            REQUIRE(dec->take_frames(frames, io::FrameLimits{}));
            CHECK(decode(frames, path) == b);
        }
    }
}
