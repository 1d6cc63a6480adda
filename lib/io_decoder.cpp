#include "io_decoder.h"

#include <algorithm>
#include <cstring>

#include "error.h"

namespace b24::io {

std::size_t Decoder::fill(char* out, std::size_t cap) {
    if (pending_) std::rethrow_exception(pending_);
    std::size_t written = 0;
    try {
        produce(out, cap, written);
    } catch (...) {
        pending_ = std::current_exception();
        if (written == 0) throw;
    }
    return written;
}

void Decoder::fault(std::uint64_t offset, const std::string& message) const {
    throw Error(file_->name() + ": byte " + std::to_string(offset), message);
}

InputWindow::InputWindow(InputFile& file, std::size_t cap)
    : file_(file), buf_(std::make_unique<char[]>(std::max<std::size_t>(cap, 64))),
      cap_(std::max<std::size_t>(cap, 64)) {}

bool InputWindow::refill() {
    if (pos_ > 0) {
        std::memmove(buf_.get(), buf_.get() + pos_, size_ - pos_);
        base_ += pos_;
        size_ -= pos_;
        pos_ = 0;
    }
    if (size_ == cap_) return true;  // callers refill only with few unread bytes
    std::size_t n = file_.read(buf_.get() + size_, cap_ - size_, true);
    size_ += n;
    return n > 0;
}

bool InputWindow::ensure(std::size_t k) {
    while (avail() < k) {
        if (!refill()) return false;
    }
    return true;
}

bool is_zstd_magic(const unsigned char* p) {
    const std::uint32_t m = std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                            std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
    return m == 0xFD2FB528u || (m & 0xFFFFFFF0u) == 0x184D2A50u;
}

namespace {

class PlainDecoder final : public Decoder {
public:
    using Decoder::Decoder;
    const char* compression() const override { return "plain"; }

protected:
    void produce(char* out, std::size_t cap, std::size_t& written) override {
        // Not `full`: a pipe's bytes are handed on as they come (nothing depends on chunking).
        written = file_->read(out, cap, false);
    }
};

}  // namespace

std::unique_ptr<Decoder> make_plain_decoder(std::unique_ptr<InputFile> file) {
    return std::make_unique<PlainDecoder>(std::move(file));
}

std::unique_ptr<Decoder> make_decoder(std::unique_ptr<InputFile> file, std::size_t read_size) {
    const std::string head = file->peek(4);
    const auto* p = reinterpret_cast<const unsigned char*>(head.data());
    if (head.size() == 4 && is_zstd_magic(p)) return make_zstd_decoder(std::move(file), read_size);
    if (head.size() >= 2 && p[0] == 0x1F && p[1] == 0x8B)
        return make_gzip_decoder(std::move(file), read_size);
    return make_plain_decoder(std::move(file));
}

}  // namespace b24::io
