// zstd: one or many frames (as `pzstd` or `cat a.zst b.zst` make), skippable frames
// allowed, in bounded memory (the frame's window, at most 2^27 bytes by libzstd's default).
#include <zstd.h>
#include <zstd_errors.h>

#include <new>

#include "error.h"
#include "io_decoder.h"

namespace b24::io {

namespace {

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

// Keeps a decoder's `written` in step with its output buffer, also while an error unwinds.
struct WrittenSync {
    std::size_t& written;
    const ZSTD_outBuffer& out;
    ~WrittenSync() { written = out.pos; }
};

class ZstdDecoder final : public Decoder {
public:
    ZstdDecoder(std::unique_ptr<InputFile> file, std::size_t read_size)
        : Decoder(std::move(file)), win_(*file_, read_size), dctx_(ZSTD_createDCtx()) {
        if (dctx_ == nullptr) throw std::bad_alloc();
    }
    ~ZstdDecoder() override { ZSTD_freeDCtx(dctx_); }
    const char* compression() const override { return "zstd"; }

protected:
    void produce(char* out, std::size_t cap, std::size_t& written) override {
        ZSTD_outBuffer o{out, cap, 0};
        WrittenSync sync{written, o};
        while (o.pos < o.size) {
            if (!in_frame_ && !start_frame()) return;
            ZSTD_inBuffer in{win_.data(), win_.avail(), 0};
            const std::size_t out_before = o.pos;
            const std::size_t r = ZSTD_decompressStream(dctx_, &o, &in);
            win_.consume(in.pos);
            if (ZSTD_isError(r)) fail(r);
            if (r == 0) {  // frame decoded and flushed
                in_frame_ = false;
                continue;
            }
            if (in.pos == 0 && o.pos == out_before) {
                // zstd takes every input byte it is given, so no progress means it needs
                // more input; the end of the input here is inside a frame.
                if (win_.avail() > 0) fault(win_.offset(), "zstd decoder made no progress");
                if (!win_.refill()) fault(win_.offset(), "truncated zstd stream");
            }
        }
    }

private:
    // At a frame boundary: false at a clean end; throws unless a frame starts here.
    bool start_frame() {
        if (!win_.ensure(4)) {
            if (win_.avail() == 0) return false;
            // 1 to 3 bytes left: the start of a cut-off frame, or garbage.
            const bool prefix = is_magic_prefix(
                reinterpret_cast<const unsigned char*>(win_.data()), win_.avail());
            if (prefix) fault(win_.offset() + win_.avail(), "truncated zstd stream");
            fault(win_.offset(), "trailing garbage after zstd stream");
        }
        if (!is_zstd_magic(reinterpret_cast<const unsigned char*>(win_.data())))
            fault(win_.offset(), "trailing garbage after zstd stream");
        in_frame_ = true;
        return true;
    }

    [[noreturn]] void fail(std::size_t code) {
        if (ZSTD_getErrorCode(code) == ZSTD_error_frameParameter_windowTooLarge)
            fault(win_.offset(), "zstd frame needs a window larger than 128 MiB "
                                 "(made with --long?), refused to bound memory");
        if (ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation)
            throw std::bad_alloc();
        fault(win_.offset(), std::string("corrupt zstd stream: ") + ZSTD_getErrorName(code));
    }

    InputWindow win_;
    ZSTD_DCtx* dctx_;
    bool in_frame_ = false;
};

}  // namespace

std::unique_ptr<Decoder> make_zstd_decoder(std::unique_ptr<InputFile> file, std::size_t read_size) {
    return std::make_unique<ZstdDecoder>(std::move(file), read_size);
}

}  // namespace b24::io
