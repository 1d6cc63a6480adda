// Turns the raw bytes of an InputFile into decompressed bytes: plain copy, zstd frames or
// gzip members. Synchronous; ByteSource runs it on a background thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>

#include "io_input_file.h"

namespace b24::io {

class Decoder {
public:
    explicit Decoder(std::unique_ptr<InputFile> file) : file_(std::move(file)) {}
    virtual ~Decoder() = default;
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;

    // Decoded bytes into out[0, cap): at least one, or 0 at the end of the input. A fault met
    // after some bytes were decoded is kept: those bytes are returned, and the next call (and
    // every later one) throws it.
    std::size_t fill(char* out, std::size_t cap);

    virtual const char* compression() const = 0;
    InputFile& file() { return *file_; }
    const InputFile& file() const { return *file_; }

protected:
    // Decodes into out[0, cap), keeping `written` up to date even when it throws.
    virtual void produce(char* out, std::size_t cap, std::size_t& written) = 0;
    // Throws Error("NAME: byte OFFSET", message).
    [[noreturn]] void fault(std::uint64_t offset, const std::string& message) const;

    std::unique_ptr<InputFile> file_;

private:
    std::exception_ptr pending_;
};

// The compressed input as a window of up to `cap` bytes, with the file offset of each byte.
// Chunks are read whole (InputFile::read with full = true), so where a decoder meets a
// fault, and the offset it reports, depend only on the file's content.
class InputWindow {
public:
    InputWindow(InputFile& file, std::size_t cap);
    const char* data() const { return buf_.get() + pos_; }
    std::size_t avail() const { return size_ - pos_; }
    void consume(std::size_t n) { pos_ += n; }
    std::uint64_t offset() const { return base_ + pos_; }  // file offset of data()
    // Reads more bytes after the unread ones; false at the end of the input.
    bool refill();
    // At least `k` (<= 64) unread bytes; false if the input ends before.
    bool ensure(std::size_t k);

private:
    InputFile& file_;
    std::unique_ptr<char[]> buf_;
    std::size_t cap_, pos_ = 0, size_ = 0;
    std::uint64_t base_ = 0;  // file offset of buf_[0]
};

// Reads the first bytes of `file` and picks the decoder: zstd (a frame or skippable frame
// magic), gzip (1F 8B), else plain. `read_size`: compressed bytes per read.
std::unique_ptr<Decoder> make_decoder(std::unique_ptr<InputFile> file, std::size_t read_size);

std::unique_ptr<Decoder> make_plain_decoder(std::unique_ptr<InputFile> file);
std::unique_ptr<Decoder> make_zstd_decoder(std::unique_ptr<InputFile> file, std::size_t read_size);
std::unique_ptr<Decoder> make_gzip_decoder(std::unique_ptr<InputFile> file, std::size_t read_size);

// True if the 4 bytes at `p` start a zstd frame or a skippable frame.
bool is_zstd_magic(const unsigned char* p);

}  // namespace b24::io
