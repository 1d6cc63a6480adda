// gzip: one or many members (as `cat a.gz b.gz` makes), inflated with zlib in bounded
// memory (a 32 KiB window).
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <new>

#include "error.h"
#include "io_decoder.h"

namespace b24::io {

namespace {

class GzipDecoder final : public Decoder {
public:
    GzipDecoder(std::unique_ptr<InputFile> file, std::size_t read_size)
        : Decoder(std::move(file)), win_(*file_, std::min<std::size_t>(read_size, UINT_MAX)) {
        // 15 + 16: the largest window, gzip wrapper only.
        if (inflateInit2(&zs_, 15 + 16) != Z_OK) throw std::bad_alloc();
    }
    ~GzipDecoder() override { inflateEnd(&zs_); }
    const char* compression() const override { return "gzip"; }

protected:
    void produce(char* out, std::size_t cap, std::size_t& written) override {
        written = 0;
        while (written < cap) {
            if (steps_.staged()) {
                written += steps_.drain(out + written, cap - written);
                continue;
            }
            if (deferred_) std::rethrow_exception(deferred_);  // after the bytes before it
            if (!in_member_ && !start_member()) return;
            if (win_.avail() == 0 && !win_.refill()) fault(win_.offset(), "truncated gzip stream");
            // Input and output steps of the stream's own (see OutputSteps): zlib's fast
            // path, and so where it finds a fault, depends on the room it has.
            const OutputSteps::Room room = steps_.next(out + written, cap - written);
            zs_.next_out = reinterpret_cast<Bytef*>(room.dst);
            zs_.avail_out = static_cast<uInt>(room.size);
            zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(win_.data()));
            zs_.avail_in = static_cast<uInt>(win_.step());  // one chunk: it fits in uInt
            const uInt in_before = zs_.avail_in;
            const int r = inflate(&zs_, Z_NO_FLUSH);
            win_.consume(in_before - zs_.avail_in);
            written += steps_.wrote(room, room.size - zs_.avail_out);  // zlib counts, faults too
            if (steps_.staged()) {  // a fault waits for the bytes staged before it
                try {
                    check(r);
                } catch (const Error&) {
                    deferred_ = std::current_exception();
                }
            } else {
                check(r);
            }
        }
    }

private:
    // Turns inflate's result into the member's state or a fault.
    void check(int r) {
        switch (r) {
        case Z_STREAM_END:
            in_member_ = false;
            ++members_;
            break;
        case Z_OK:
        case Z_BUF_ERROR:  // no progress: wants input, which the top of the loop reads
            break;
        case Z_NEED_DICT:
            fault(win_.offset(), "corrupt gzip stream: needs a preset dictionary");
        case Z_MEM_ERROR:
            throw std::bad_alloc();
        default:
            fault(win_.offset(), std::string("corrupt gzip stream: ") +
                                     (zs_.msg != nullptr ? zs_.msg : "data error"));
        }
    }

    // At a member boundary: false at a clean end; throws unless a member starts here.
    bool start_member() {
        if (!win_.ensure(2)) {
            if (win_.avail() == 0) return false;
            if (static_cast<unsigned char>(win_.data()[0]) == 0x1F)
                fault(win_.offset() + 1, "truncated gzip stream");
            fault(win_.offset(), "trailing garbage after gzip stream");
        }
        const auto* p = reinterpret_cast<const unsigned char*>(win_.data());
        if (p[0] != 0x1F || p[1] != 0x8B) fault(win_.offset(), "trailing garbage after gzip stream");
        if (members_ > 0 && inflateReset(&zs_) != Z_OK) throw std::bad_alloc();
        steps_.restart();
        in_member_ = true;
        return true;
    }

    InputWindow win_;
    OutputSteps steps_{std::size_t{64} << 10};
    std::exception_ptr deferred_;  // a fault met by a call whose bytes are still staged
    z_stream zs_{};
    bool in_member_ = false;
    std::uint64_t members_ = 0;
};

}  // namespace

std::unique_ptr<Decoder> make_gzip_decoder(std::unique_ptr<InputFile> file, std::size_t read_size) {
    return std::make_unique<GzipDecoder>(std::move(file), read_size);
}

}  // namespace b24::io
