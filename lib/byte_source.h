// Decompressed bytes of one input: a file or "-" (stdin). Compression is detected from the
// first bytes (zstd frames, gzip members, else plain), never from the name. Decoding is
// streaming, in bounded chunks, on the caller's thread (--threads 1; with more threads,
// FileFeed decodes on a thread of its own and hands whole zstd frames to workers).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace b24 {

// Readable bytes after every block handed out by ByteSource::next_block (their content is
// unspecified). LineReader relies on it to hand out lines inside a block without copying.
inline constexpr std::size_t kBlockPadding = 64;

// Compressed bytes per read(2). Reads end at multiples of it, and so where a decoder meets
// a fault depends on it (io_decoder.h): every reader of a file uses this one.
inline constexpr std::size_t kReadSize = std::size_t{256} << 10;

class ByteSource {
public:
    struct Options {
        // Decompressed bytes per block of gzip or plain input: the block, the hits parsed
        // from it and the decoder's tables stay in a 512 KiB L2 together (256 KiB blocks
        // took 3-12 % longer on one thread). A zstd block is one of the frame's own, at
        // most 128 KiB, handed out where libzstd decoded it.
        std::size_t block_size = std::size_t{128} << 10;
        std::size_t read_size = kReadSize;               // compressed bytes per read(2)
    };

    virtual ~ByteSource() = default;

    // The next block of decompressed bytes, empty at the end of the input. It stays valid
    // until the next call of next_block() or read() and is followed by kBlockPadding
    // readable bytes. Every byte decoded before a fault is handed out first; then this
    // throws Error with where = "NAME: byte OFFSET" (offset in the compressed input where
    // the fault was detected) for a corrupt or truncated stream or trailing garbage, and
    // where = "NAME" for an I/O error. Once thrown, every later call throws it again.
    std::string_view next_block();
    // Up to `n` decompressed bytes into `buf`; 0 at the end of the input. Throws as
    // next_block(). A copying convenience over next_block().
    std::size_t read(char* buf, std::size_t n);

    // "zstd", "gzip" or "plain".
    virtual const char* compression() const = 0;
    // The name given to open() ("-" for stdin), as used in error places.
    virtual const std::string& name() const = 0;
    // Compressed bytes read from the file so far (any thread may ask, e.g. for progress).
    virtual std::uint64_t input_offset() const = 0;
    // Size of the file in bytes, 0 where unknown (a pipe, a terminal).
    virtual std::uint64_t input_size() const = 0;

    // Opens `path` ("-" is stdin) and reads its first bytes to detect the compression.
    // Throws Error(path, ...) for a missing file, a directory, or a file that cannot be read.
    static std::unique_ptr<ByteSource> open(const std::string& path);
    static std::unique_ptr<ByteSource> open(const std::string& path, const Options& opt);

protected:
    // The next block (see next_block), ignoring what read() left over.
    virtual std::string_view fetch() = 0;

private:
    std::string_view rest_;  // the part of the last block that read() has not returned yet
};

}  // namespace b24
