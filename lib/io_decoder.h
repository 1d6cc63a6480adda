// Turns the raw bytes of an InputFile into decompressed bytes: plain copy, zstd frames or
// gzip members. Synchronous: the caller's thread decodes (see byte_source.h, file_feed.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aligned_buffer.h"
#include "io_input_file.h"

namespace b24::io {

// Whole zstd frames moved out of a stream to be decoded elsewhere (decode_zstd_frames).
struct ZstdFrames {
    std::vector<char> bytes;     // the frames as in the file, skippable ones included
    std::uint64_t offset = 0;    // file offset of bytes[0]
    // Room for the decoded bytes: the sum of the frames' content sizes, or, where a frame
    // leaves its size out (pzstd and every streaming compressor do), a bound read from
    // its block headers; `exact` tells which.
    std::size_t content = 0;
    bool exact = true;
};

// How much take_frames moves at once: frames are added while `content` is below
// `min_content`; a frame that would take it past `max_content` (or `max_bytes` compressed)
// stays in the stream.
struct FrameLimits {
    std::size_t min_content = std::size_t{4} << 20;
    std::size_t max_content = std::size_t{32} << 20;
    std::size_t max_bytes = std::size_t{32} << 20;
};

// Readable bytes after a view that Decoder::next hands out (their content is unspecified).
inline constexpr std::size_t kViewPadding = 64;

// Throws Error("NAME: byte OFFSET", message).
[[noreturn]] void fault_at(const std::string& name, std::uint64_t offset, const std::string& message);

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
    // The next decoded bytes, none at the end of the input: a view of the decoder's own
    // buffer where it has one (zstd: a block where it was decoded, no copy), else
    // {buf, fill(buf, cap)}. A view stays valid until the next call and is followed by
    // kViewPadding readable bytes. Throws as fill().
    std::string_view next(char* buf, std::size_t cap);

    // Makes fill() return early at the end of each zstd frame, so that take_frames() can
    // be tried at every frame boundary.
    void stop_at_frame_ends(bool on) { frame_stops_ = on; }
    // At a frame boundary of a zstd stream: moves the next whole frames (within `lim`) into
    // `out` instead of decoding them, and returns true. false where the input does not
    // allow it (not zstd, inside a frame, a frame that is cut, corrupt or too big, a
    // pending fault): fill() goes on as usual.
    bool take_frames(ZstdFrames& out, const FrameLimits& lim) {
        return !pending_ && take(out, lim);
    }

    virtual const char* compression() const = 0;
    InputFile& file() { return *file_; }
    const InputFile& file() const { return *file_; }

protected:
    // Decodes into out[0, cap), keeping `written` up to date even when it throws.
    virtual void produce(char* out, std::size_t cap, std::size_t& written) = 0;
    // take_frames() without a pending fault; false unless the format has frames.
    virtual bool take(ZstdFrames& out, const FrameLimits& lim);
    // Whether next() hands out views, which produce_view() makes: one call decodes up to
    // the next bytes or the end (a fault after decoded bytes comes at the next call).
    virtual bool views() const { return false; }
    virtual std::string_view produce_view() { return {}; }
    // Throws Error("NAME: byte OFFSET", message).
    [[noreturn]] void fault(std::uint64_t offset, const std::string& message) const;

    std::unique_ptr<InputFile> file_;
    bool frame_stops_ = false;

private:
    std::exception_ptr pending_;
};

// The compressed input as a window over the file, with the file offset of each byte.
// Reads end at multiples of `chunk` (file offsets) and are read whole (InputFile::read with
// full = true), so the bytes a decoder is handed at each step, where it meets a fault and the
// offset it reports depend only on the file's content, whoever reads it and from where
// (a worker that decodes a few frames of the file from memory sees what the file's own
// decoder would see; see io_zstd.h).
class InputWindow {
public:
    using ReadFn = std::function<std::size_t(char*, std::size_t)>;  // InputFile::read, full
    InputWindow(InputFile& file, std::size_t chunk);
    // Over bytes that start at file offset `base` (read() returns them in order).
    InputWindow(ReadFn read, std::size_t chunk, std::uint64_t base);
    const char* data() const { return buf_.get() + pos_; }
    std::size_t avail() const { return size_ - pos_; }
    // The unread bytes up to the next multiple of `chunk`: what a decoder takes in one step.
    std::size_t step() const {
        return std::min<std::size_t>(avail(), chunk_ - static_cast<std::size_t>(offset() % chunk_));
    }
    void consume(std::size_t n) { pos_ += n; }
    std::uint64_t offset() const { return base_ + pos_; }  // file offset of data()
    std::size_t chunk() const { return chunk_; }
    // Reads the next chunk after the unread bytes; false at the end of the input.
    bool refill();
    // At least `k` unread bytes (the window grows for them); false if the input ends before.
    bool ensure(std::size_t k);

private:
    ReadFn read_;
    AlignedBuffer buf_;
    std::size_t chunk_, cap_ = 0, pos_ = 0, size_ = 0;
    std::uint64_t base_ = 0;  // file offset of buf_[0]
};

// The output room a decompressor is given at each call, made a function of the stream
// alone: up to the next multiple of `step` of the bytes the current frame (or member) has
// decoded, through a staging buffer when the caller has less room. With the input steps of
// InputWindow, every call sees the same bytes and room whoever reads, so where a fault
// is met, its words and the bytes decoded before it do not depend on the reader's buffer
// sizes (a piece of a MiB, a block of 128 KiB, a frame decoded by a worker).
class OutputSteps {
public:
    explicit OutputSteps(std::size_t step) : step_(step) {}
    void restart() { decoded_ = 0; }  // a new frame or member begins
    bool staged() const { return staged_ < stage_len_; }
    // Copies staged bytes to out[0, cap); returns how many.
    std::size_t drain(char* out, std::size_t cap);

    struct Room {
        char* dst;
        std::size_t size;
        bool staging;
    };
    // Where the next call writes and how much: out (with `cap` bytes of room) or the stage.
    Room next(char* out, std::size_t cap);
    // The call wrote `n` bytes at r.dst; returns how many of them are in `out`.
    std::size_t wrote(const Room& r, std::size_t n);

private:
    const std::size_t step_;
    std::uint64_t decoded_ = 0;  // by the current frame or member
    AlignedBuffer stage_;
    std::size_t staged_ = 0, stage_len_ = 0;  // stage_[staged_, stage_len_) not handed out
};

// Reads the first bytes of `file` and picks the decoder: zstd (a frame or skippable frame
// magic), gzip (1F 8B), else plain. `read_size`: compressed bytes per read.
std::unique_ptr<Decoder> make_decoder(std::unique_ptr<InputFile> file, std::size_t read_size);

std::unique_ptr<Decoder> make_plain_decoder(std::unique_ptr<InputFile> file);
std::unique_ptr<Decoder> make_zstd_decoder(std::unique_ptr<InputFile> file, std::size_t read_size);
std::unique_ptr<Decoder> make_gzip_decoder(std::unique_ptr<InputFile> file, std::size_t read_size);

// Decodes frames that take_frames() moved out of the file `name` (read in chunks of
// `chunk` bytes) into `out`, which has room for frames.content bytes; returns how many
// are good (frames.content when it is exact). On a fault, `fault` holds the Error the
// file's own decoder throws at the same byte, and the bytes before it are returned.
std::size_t decode_zstd_frames(const ZstdFrames& frames, const std::string& name,
                               std::size_t chunk, char* out, std::exception_ptr& fault);

// True if the 4 bytes at `p` start a zstd frame or a skippable frame.
bool is_zstd_magic(const unsigned char* p);

}  // namespace b24::io
