// zstd: one or many frames (as `pzstd` or `cat a.zst b.zst` make), skippable frames
// allowed, in bounded memory (the frame's window, at most 2^27 bytes by libzstd's default).
//
// Two ways to decode, one result. The file's decoder streams: ZstdStream hands libzstd one
// whole unit of a frame at a time, so where it meets a fault depends on the bytes only.
// Whole frames can also be moved out (take) and decoded in one call on another thread
// (decode_zstd_frames); should that call fail, the same frames are streamed again from
// memory, as the file's decoder would have, to fail at the same byte with the same words.
#define ZSTD_STATIC_LINKING_ONLY  // the frame header and buffer-less decoding
#include <zstd.h>
#include <zstd_errors.h>

#include <cstring>
#include <new>

#include "error.h"
#include "io_decoder.h"

namespace b24::io {

namespace {

// The largest window a frame may ask for: libzstd's default limit for streaming (2^27).
constexpr unsigned long long kMaxWindow = 1ull << ZSTD_WINDOWLOG_LIMIT_DEFAULT;

// True if the `n` (< 4) bytes at `p` begin a frame magic or a skippable frame magic.
bool is_magic_prefix(const unsigned char* p, std::size_t n) {
    static const unsigned char frame[4] = {0x28, 0xB5, 0x2F, 0xFD};
    static const unsigned char skippable[4] = {0x50, 0x2A, 0x4D, 0x18};  // 0x184D2A5?
    bool f = true, s = true;
    for (std::size_t i = 0; i < n; ++i) {
        f = f && p[i] == frame[i];
        s = s && (i == 0 ? (p[0] & 0xF0) == 0x50 : p[i] == skippable[i]);
    }
    return f || s;
}

struct DCtxFree {
    void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};
using DCtxPtr = std::unique_ptr<ZSTD_DCtx, DCtxFree>;

DCtxPtr make_dctx() {
    DCtxPtr d(ZSTD_createDCtx());
    if (!d) throw std::bad_alloc();
    return d;
}

// A zstd stream over a window: the decoding loop both ways of decoding share. It uses
// libzstd's buffer-less API: each call of ZSTD_decompressContinue takes exactly one unit of
// the frame (its header, a block header, a block, the checksum) and decodes a block straight
// into a ring as large as the frame's window needs (ZSTD_decodingBufferSize_min), where the
// caller may read it (next_view). ZSTD_decompressStream decodes into a ring of its own and
// copies out of it: reading the ring saves that copy (0.97-0.99 of the one-thread time).
class ZstdStream {
public:
    ZstdStream(InputWindow& win, const std::string& name) : win_(win), name_(name), dctx_(make_dctx()) {}

    // The bytes of the next block that holds any, as a view into the ring, followed by
    // kViewPadding readable bytes and valid until the next call; empty at the end. What is
    // decoded, where a fault is met and what it says depend on the frame's bytes only:
    // every unit is handed over whole, the ring's size and each block's room in it follow
    // from the frame's header, and every frame starts afresh (ZSTD_decompressBegin).
    std::string_view next_view() {
        for (;;) {
            if (!in_frame_ && !start_frame()) return {};
            const std::string_view v = next_unit();
            if (!v.empty()) return v;
        }
    }

    // Decodes into out[0, cap) (see Decoder::produce); with `frame_stops`, returns at the
    // end of a frame once some bytes are written.
    void produce(char* out, std::size_t cap, std::size_t& written, bool frame_stops) {
        written = 0;
        while (written < cap) {
            if (!left_.empty()) {
                const std::size_t k = std::min(cap - written, left_.size());
                std::memcpy(out + written, left_.data(), k);
                left_.remove_prefix(k);
                written += k;
                continue;
            }
            if (!in_frame_) {
                if (frame_stops && written > 0) return;
                if (!start_frame()) return;
            }
            left_ = next_unit();
        }
        // Block headers and the checksum decode to nothing: read them now, so that a frame
        // whose last bytes filled `out` ends here, where take() can be tried, and not in
        // the next call, which would go on into the next frame (streaming compressors,
        // pzstd among them, end a frame with an empty block: its header, then the checksum).
        while (in_frame_ && left_.empty()) {
            const ZSTD_nextInputType_e next = ZSTD_nextInputType(dctx_.get());
            if (next != ZSTDnit_blockHeader && next != ZSTDnit_checksum) break;
            next_unit();
        }
    }

    // See Decoder::take_frames.
    bool take(ZstdFrames& out, const FrameLimits& lim) {
        if (in_frame_ || !left_.empty()) return false;  // not at a boundary yet
        std::size_t taken = 0, content = 0;
        bool exact = true;
        while (content < lim.min_content) {
            // The header first: a frame the stream must decode (too large a size, or a
            // window past the limit, which the stream refuses) is not read ahead.
            ZSTD_frameHeader h;
            const std::size_t need = header_at(taken, h);
            if (need != 0) break;  // cut, corrupt, or not a frame: the stream says which
            if (h.frameType == ZSTD_frame && h.windowSize > kMaxWindow) break;
            const bool sized =
                h.frameType != ZSTD_frame || h.frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN;
            Extent e;
            if (!sized) {
                e = frame_extent(taken, h, lim.max_content - content, lim.max_bytes);
            } else {
                e.bound = h.frameType == ZSTD_frame ? h.frameContentSize : 0;
                if (e.bound > lim.max_content - content) break;
                e.size = frame_size(taken, lim.max_bytes);
            }
            if (e.size == 0) break;
            taken += e.size;
            content += e.bound;
            exact = exact && sized;
        }
        if (taken == 0) return false;
        out.offset = win_.offset();
        out.bytes.assign(win_.data(), win_.data() + taken);
        out.content = content;
        out.exact = exact;
        win_.consume(taken);
        return true;
    }

private:
    struct Extent {
        std::size_t size = 0;   // compressed bytes, 0 if the frame is not taken
        std::size_t bound = 0;  // decoded bytes, at most
    };

    // The header of the frame `at` bytes into the window, read as ZSTD_getFrameHeader does
    // (0, or an error code, or the bytes it needs where the input ends before them).
    std::size_t header_at(std::size_t at, ZSTD_frameHeader& h) {
        std::size_t need = 0;
        while ((need = ZSTD_getFrameHeader(&h, win_.data() + at, win_.avail() - at)) > 0 &&
               !ZSTD_isError(need) && win_.ensure(at + need)) {
        }
        return need;
    }

    // The frame `at` bytes into the window, of header `h` and unknown content size, from its
    // block headers (RFC 8878 3.1.1.2): a raw or RLE block decodes to its stated size, a
    // compressed one to at most the block maximum. Not taken ({}) when it is cut, has a
    // reserved block type (the stream reports it), or reads past `max_content` decoded or
    // `max_bytes` compressed: the walk stops there, so the read-ahead stays bounded.
    Extent frame_extent(std::size_t at, const ZSTD_frameHeader& h, std::size_t max_content,
                        std::size_t max_bytes) {
        constexpr std::size_t kBlockHeader = 3;
        std::size_t pos = at + h.headerSize, bound = 0;
        for (bool last = false; !last;) {
            if (pos + kBlockHeader - at > max_bytes || !win_.ensure(pos + kBlockHeader)) return {};
            const auto* b = reinterpret_cast<const unsigned char*>(win_.data() + pos);
            const std::uint32_t header = b[0] | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16);
            const std::uint32_t type = (header >> 1) & 3;  // 0 raw, 1 RLE, 2 compressed
            const std::size_t size = header >> 3;
            if (type == 3) return {};
            last = (header & 1) != 0;
            pos += kBlockHeader + (type == 1 ? 1 : size);
            bound += type == 2 ? h.blockSizeMax : size;
            if (bound > max_content) return {};
        }
        if (h.checksumFlag) pos += 4;
        if (pos - at > max_bytes || !win_.ensure(pos)) return {};
        return {pos - at, bound};
    }

    // The compressed size of the frame `at` bytes into the window, reading up to `max`
    // bytes for it; 0 if it is not whole within them (cut, corrupt, or too big).
    std::size_t frame_size(std::size_t at, std::size_t max) {
        for (;;) {
            const std::size_t r = ZSTD_findFrameCompressedSize(win_.data() + at, win_.avail() - at);
            if (!ZSTD_isError(r)) return r <= max ? r : 0;
            if (ZSTD_getErrorCode(r) != ZSTD_error_srcSize_wrong) return 0;
            if (win_.avail() - at >= max || !win_.ensure(win_.avail() + 1)) return 0;
        }
    }

    // At a frame boundary: false at a clean end; throws unless a frame starts here.
    // Skippable frames are passed over here, never handed to libzstd: it would want the
    // whole of one (up to 4 GiB) in one piece.
    bool start_frame() {
        for (;;) {
            if (!win_.ensure(4)) {
                if (win_.avail() == 0) return false;
                // 1 to 3 bytes left: the start of a cut-off frame, or garbage.
                const bool prefix = is_magic_prefix(
                    reinterpret_cast<const unsigned char*>(win_.data()), win_.avail());
                if (prefix) truncated();
                fault_at(name_, win_.offset(), "trailing garbage after zstd stream");
            }
            if (!is_zstd_magic(reinterpret_cast<const unsigned char*>(win_.data())))
                fault_at(name_, win_.offset(), "trailing garbage after zstd stream");
            ZSTD_frameHeader h;
            const std::size_t need = header_at(0, h);
            if (ZSTD_isError(need)) fail(need);
            if (need != 0) truncated();
            if (h.frameType == ZSTD_skippableFrame) {
                skip(ZSTD_SKIPPABLEHEADERSIZE + std::uint64_t{h.frameContentSize});
                continue;
            }
            if (h.windowSize > kMaxWindow)
                fault_at(name_, win_.offset(), "zstd frame needs a window larger than 128 MiB "
                                               "(made with --long?), refused to bound memory");
            const std::size_t ring = ZSTD_decodingBufferSize_min(h.windowSize, h.frameContentSize);
            if (ZSTD_isError(ring)) fail(ring);
            if (ring > ring_cap_) {
                // Zeroed: the padding after a block, read and ignored by the parsers, is
                // then never uninitialized memory.
                ring_ = make_zeroed_buffer(ring + kViewPadding);
                ring_cap_ = ring;
            }
            ring_size_ = ring;
            block_max_ = h.blockSizeMax;
            content_ = h.frameContentSize;
            at_ = 0;
            const std::size_t r = ZSTD_decompressBegin(dctx_.get());
            if (ZSTD_isError(r)) fail(r);
            in_frame_ = true;
            return true;
        }
    }

    // Hands the next unit of the frame to libzstd; returns the bytes it decoded (none for a
    // header or a checksum).
    std::string_view next_unit() {
        const std::size_t n = ZSTD_nextSrcSizeToDecompress(dctx_.get());
        if (!win_.ensure(n)) truncated();
        // Too near the ring's end for a whole block, and the frame may go on: back to its
        // start, as ZSTD_decompressStream does (the ring keeps the window behind either way).
        if (at_ + block_max_ > ring_size_ && ring_size_ < content_) at_ = 0;
        char* const dst = ring_.get() + at_;
        const std::size_t r =
            ZSTD_decompressContinue(dctx_.get(), dst, ring_size_ - at_, win_.data(), n);
        if (ZSTD_isError(r)) fail(r);
        win_.consume(n);
        at_ += r;
        if (ZSTD_nextSrcSizeToDecompress(dctx_.get()) == 0) in_frame_ = false;  // checked, too
        return {dst, r};
    }

    // Passes over `n` bytes of input; throws if it ends before.
    void skip(std::uint64_t n) {
        while (n > 0) {
            if (win_.avail() == 0 && !win_.refill()) truncated();
            const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, win_.avail()));
            win_.consume(k);
            n -= k;
        }
    }

    // Where the input ended inside a frame: the fault is placed at its end.
    [[noreturn]] void truncated() {
        fault_at(name_, win_.offset() + win_.avail(), "truncated zstd stream");
    }

    // A unit libzstd refused is placed at its first byte.
    [[noreturn]] void fail(std::size_t code) {
        if (ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation) throw std::bad_alloc();
        fault_at(name_, win_.offset(), std::string("corrupt zstd stream: ") + ZSTD_getErrorName(code));
    }

    InputWindow& win_;
    const std::string& name_;
    DCtxPtr dctx_;
    bool in_frame_ = false;
    AlignedBuffer ring_;  // decoded blocks, and the window they refer back to
    std::size_t ring_cap_ = 0, ring_size_ = 0;  // allocated, and used by this frame
    std::size_t block_max_ = 0;                 // this frame's largest block
    unsigned long long content_ = 0;            // its size, or ZSTD_CONTENTSIZE_UNKNOWN (the most)
    std::size_t at_ = 0;                        // where the next block goes in the ring
    std::string_view left_;  // decoded bytes produce() has not handed out yet
};

class ZstdDecoder final : public Decoder {
public:
    ZstdDecoder(std::unique_ptr<InputFile> file, std::size_t read_size)
        : Decoder(std::move(file)), win_(*file_, read_size), stream_(win_, file_->name()) {}
    const char* compression() const override { return "zstd"; }

protected:
    void produce(char* out, std::size_t cap, std::size_t& written) override {
        stream_.produce(out, cap, written, frame_stops_);
    }
    bool take(ZstdFrames& out, const FrameLimits& lim) override { return stream_.take(out, lim); }
    bool views() const override { return true; }
    std::string_view produce_view() override { return stream_.next_view(); }

private:
    InputWindow win_;
    ZstdStream stream_;
};

}  // namespace

std::unique_ptr<Decoder> make_zstd_decoder(std::unique_ptr<InputFile> file, std::size_t read_size) {
    return std::make_unique<ZstdDecoder>(std::move(file), read_size);
}

std::size_t decode_zstd_frames(const ZstdFrames& frames, const std::string& name,
                               std::size_t chunk, char* out, std::exception_ptr& fault) {
    fault = nullptr;
    thread_local DCtxPtr dctx = make_dctx();
    const std::size_t r = ZSTD_decompressDCtx(dctx.get(), out, frames.content, frames.bytes.data(),
                                              frames.bytes.size());
    if (!ZSTD_isError(r) && (r == frames.content || !frames.exact)) return r;
    if (ZSTD_isError(r) && ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
        throw std::bad_alloc();

    // Stream them again as the file's decoder would have, for its bytes and its fault.
    std::size_t pos = 0;
    InputWindow win(
        [&frames, &pos](char* buf, std::size_t n) {
            const std::size_t k = std::min(n, frames.bytes.size() - pos);
            std::memcpy(buf, frames.bytes.data() + pos, k);
            pos += k;
            return k;
        },
        chunk, frames.offset);
    ZstdStream stream(win, name);
    std::size_t good = 0;
    try {
        for (;;) {
            std::size_t n = 0;
            if (good < frames.content) {
                struct Count {  // the bytes before a fault count too
                    std::size_t& good;
                    const std::size_t& n;
                    ~Count() { good += n; }
                } count{good, n};
                stream.produce(out + good, frames.content - good, n, false);
            } else {  // all there: what follows is a fault (a checksum) or the end
                char spare[64];
                stream.produce(spare, sizeof spare, n, false);
                if (n > 0) fault_at(name, frames.offset, "corrupt zstd stream: frame content size is wrong");
            }
            if (n == 0) break;
        }
        // Only the one call failed: no byte to point at but the frames' first.
        fault_at(name, frames.offset, "corrupt zstd stream");
    } catch (const Error&) {
        fault = std::current_exception();
    }
    return good;
}

}  // namespace b24::io
