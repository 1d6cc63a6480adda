// zstd: one or many frames (as `pzstd` or `cat a.zst b.zst` make), skippable frames
// allowed, in bounded memory (the frame's window, at most 2^27 bytes by libzstd's default).
//
// Two ways to decode, one result. The file's decoder streams: ZstdStream feeds libzstd the
// window one step at a time (up to the next multiple of the read chunk), so where it meets
// a fault depends on the bytes only. Whole frames can also be moved out (take) and decoded
// in one call on another thread (decode_zstd_frames); should that call fail, the same
// frames are streamed again from memory, with the steps the file's decoder would have
// taken, to fail at the same byte with the same words.
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader, for the window size
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

// A zstd stream over a window: the decoding loop both ways of decoding share.
class ZstdStream {
public:
    ZstdStream(InputWindow& win, const std::string& name) : win_(win), name_(name), dctx_(make_dctx()) {}

    // Decodes into out[0, cap) (see Decoder::produce); with `frame_stops`, returns at the
    // end of a frame once some bytes are written. What libzstd does at a call (decode a
    // small frame in one pass or stream it, where it meets a fault, its words, the bytes a
    // failing call takes with it) depends on its input, its output room and the buffers
    // of its context: input steps (InputWindow), output steps (OutputSteps) and a fresh
    // context per frame make them a function of the file alone.
    void produce(char* out, std::size_t cap, std::size_t& written, bool frame_stops) {
        written = 0;
        while (written < cap) {
            if (steps_.staged()) {
                written += steps_.drain(out + written, cap - written);
                continue;
            }
            if (!in_frame_) {
                if (frame_stops && written > 0) return;
                if (!start_frame()) return;
            }
            const OutputSteps::Room room = steps_.next(out + written, cap - written);
            ZSTD_outBuffer o{room.dst, room.size, 0};
            ZSTD_inBuffer in{win_.data(), win_.step(), 0};
            const std::size_t r = ZSTD_decompressStream(dctx_.get(), &o, &in);
            win_.consume(in.pos);
            written += steps_.wrote(room, o.pos);  // o.pos is 0 after a fault
            if (ZSTD_isError(r)) fail(r);
            if (r == 0) {  // frame decoded and flushed
                in_frame_ = false;
                continue;
            }
            if (in.pos == 0 && o.pos == 0) {
                // zstd takes every input byte it is given, so no progress means it needs
                // more input; the end of the input here is inside a frame.
                if (in.size > 0) fault_at(name_, win_.offset(), "zstd decoder made no progress");
                if (!win_.refill()) fault_at(name_, win_.offset(), "truncated zstd stream");
            }
        }
    }

    // See Decoder::take_frames.
    bool take(ZstdFrames& out, const FrameLimits& lim) {
        if (in_frame_ || steps_.staged()) return false;  // not at a boundary yet
        std::size_t taken = 0, content = 0;
        bool exact = true;
        while (content < lim.min_content) {
            // The header first: a frame the stream must decode (too large a size, or a
            // window past the limit, which the stream refuses) is not read ahead.
            ZSTD_frameHeader h;
            std::size_t need = 0;
            while ((need = ZSTD_getFrameHeader(&h, win_.data() + taken, win_.avail() - taken)) > 0 &&
                   !ZSTD_isError(need) && win_.ensure(taken + need)) {
            }
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
    bool start_frame() {
        if (!win_.ensure(4)) {
            if (win_.avail() == 0) return false;
            // 1 to 3 bytes left: the start of a cut-off frame, or garbage.
            const bool prefix = is_magic_prefix(
                reinterpret_cast<const unsigned char*>(win_.data()), win_.avail());
            if (prefix) fault_at(name_, win_.offset() + win_.avail(), "truncated zstd stream");
            fault_at(name_, win_.offset(), "trailing garbage after zstd stream");
        }
        if (!is_zstd_magic(reinterpret_cast<const unsigned char*>(win_.data())))
            fault_at(name_, win_.offset(), "trailing garbage after zstd stream");
        // A fresh context for every frame: libzstd sizes its buffers from the frames it
        // has seen, and where a corrupt block overflows them decides its words.
        if (frames_ > 0) dctx_ = make_dctx();
        ++frames_;
        steps_.restart();
        in_frame_ = true;
        return true;
    }

    [[noreturn]] void fail(std::size_t code) {
        if (ZSTD_getErrorCode(code) == ZSTD_error_frameParameter_windowTooLarge)
            fault_at(name_, win_.offset(), "zstd frame needs a window larger than 128 MiB "
                                           "(made with --long?), refused to bound memory");
        if (ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation) throw std::bad_alloc();
        fault_at(name_, win_.offset(), std::string("corrupt zstd stream: ") + ZSTD_getErrorName(code));
    }

    InputWindow& win_;
    const std::string& name_;
    DCtxPtr dctx_;
    bool in_frame_ = false;
    std::uint64_t frames_ = 0;  // frames started
    OutputSteps steps_{ZSTD_BLOCKSIZE_MAX};  // output room per call: one block at most
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
