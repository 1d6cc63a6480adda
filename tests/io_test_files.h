// Test inputs for the byte layer: a temp dir cleaned up at the end, and in-test zstd and
// gzip encoders (libzstd, zlib) so that frames and members can be cut, joined and spoiled.
#pragma once
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace b24::test_io {

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("b24-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string path(const std::string& name) const { return (path_ / name).string(); }
    // Writes `bytes` to NAME and returns its path.
    std::string write(const std::string& name, std::string_view bytes) const {
        const std::string p = path(name);
        std::ofstream out(p, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw std::runtime_error("cannot write " + p);
        return p;
    }

private:
    std::filesystem::path path_;
};

// One zstd frame of `data` (with a content checksum, so corruption is always detected).
// Without `content_size` the header leaves the decoded size out, as pzstd's frames do.
inline std::string zstd_frame(std::string_view data, int level = 3, bool content_size = true) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, content_size ? 1 : 0);
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
    ZSTD_freeCCtx(cctx);
    if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

// zstd frames of `data` cut every `piece` bytes, concatenated (as pzstd writes them).
inline std::string zstd_frames(std::string_view data, std::size_t piece, bool content_size = true) {
    std::string out;
    for (std::size_t i = 0; i < data.size(); i += piece)
        out += zstd_frame(data.substr(i, piece), 3, content_size);
    return out;
}

// A skippable frame (magic 0x184D2A50 + variant) holding `payload`.
inline std::string zstd_skippable(std::string_view payload, unsigned variant = 0) {
    std::string out;
    auto le32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
    };
    le32(0x184D2A50u + (variant & 0xF));
    le32(static_cast<std::uint32_t>(payload.size()));
    out += payload;
    return out;
}

// One gzip member of `data`.
inline std::string gzip_member(std::string_view data, int level = 6) {
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2");
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int r = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (r != Z_STREAM_END) throw std::runtime_error("deflate");
    return out;
}

// Deterministic text lines, `bytes` long in all (roughly like NDJSON hits).
inline std::string sample_lines(std::size_t bytes, std::uint32_t seed = 1) {
    std::string out;
    std::uint32_t x = seed;
    std::uint64_t n = 0;
    while (out.size() < bytes) {
        x = x * 1664525u + 1013904223u;
        out += "{\"ts\":" + std::to_string(1795000000 + n++) + ",\"portal\":\"p" +
               std::to_string(x % 97) + ".bitrix24.com\",\"method\":\"crm.deal.list\",\"pad\":\"" +
               std::string(x % 200, static_cast<char>('a' + x % 26)) + "\"}\n";
    }
    return out;
}

}  // namespace b24::test_io
