// Decompressed bytes of one input: a file or "-" (stdin). Compression is detected from the
// first bytes (zstd frames, gzip members, else plain), never from the name. Decoding is
// streaming, in bounded chunks.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace b24 {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Up to `n` decompressed bytes into `buf`; 0 at the end of the input. Throws Error
    // with where = "NAME: byte OFFSET" (offset in the compressed input) for a corrupt or
    // truncated stream, and where = "NAME" for an I/O error.
    virtual std::size_t read(char* buf, std::size_t n) = 0;
    // "zstd", "gzip" or "plain".
    virtual const char* compression() const = 0;

    // Opens `path` ("-" is stdin). Throws Error(path, ...) for a missing file, a directory,
    // or a file that cannot be read.
    static std::unique_ptr<ByteSource> open(const std::string& path);
};

}  // namespace b24
