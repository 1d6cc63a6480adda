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

std::string_view Decoder::next(char* buf, std::size_t cap) {
    if (!views()) return {buf, fill(buf, cap)};
    if (pending_) std::rethrow_exception(pending_);
    try {
        return produce_view();
    } catch (...) {
        pending_ = std::current_exception();
        throw;
    }
}

bool Decoder::take(ZstdFrames&, const FrameLimits&) { return false; }

void Decoder::fault(std::uint64_t offset, const std::string& message) const {
    fault_at(file_->name(), offset, message);
}

void fault_at(const std::string& name, std::uint64_t offset, const std::string& message) {
    throw Error(name + ": byte " + std::to_string(offset), message);
}

InputWindow::InputWindow(InputFile& file, std::size_t chunk)
    : InputWindow([&file](char* buf, std::size_t n) { return file.read(buf, n, true); }, chunk,
                  0) {}

InputWindow::InputWindow(ReadFn read, std::size_t chunk, std::uint64_t base)
    : read_(std::move(read)), chunk_(std::max<std::size_t>(chunk, 64)), base_(base) {}

bool InputWindow::refill() {
    if (pos_ > 0) {
        std::memmove(buf_.get(), buf_.get() + pos_, size_ - pos_);
        base_ += pos_;
        size_ -= pos_;
        pos_ = 0;
    }
    // Up to the next multiple of chunk_: where every reader of this file ends its reads.
    const std::size_t n = chunk_ - static_cast<std::size_t>((base_ + size_) % chunk_);
    if (size_ + n > cap_) {
        const std::size_t cap = std::max(size_ + n, cap_ + cap_ / 2);
        AlignedBuffer grown = make_aligned_buffer(cap);
        if (size_ > 0) std::memcpy(grown.get(), buf_.get(), size_);
        buf_ = std::move(grown);
        cap_ = cap;
    }
    const std::size_t got = read_(buf_.get() + size_, n);
    size_ += got;
    return got > 0;
}

bool InputWindow::ensure(std::size_t k) {
    while (avail() < k) {
        if (!refill()) return false;
    }
    return true;
}

std::size_t OutputSteps::drain(char* out, std::size_t cap) {
    const std::size_t k = std::min(cap, stage_len_ - staged_);
    if (k > 0) std::memcpy(out, stage_.get() + staged_, k);
    staged_ += k;
    return k;
}

OutputSteps::Room OutputSteps::next(char* out, std::size_t cap) {
    const std::size_t room = step_ - static_cast<std::size_t>(decoded_ % step_);
    if (cap >= room) return {out, room, false};
    if (!stage_) stage_ = make_aligned_buffer(step_);
    return {stage_.get(), room, true};
}

std::size_t OutputSteps::wrote(const Room& r, std::size_t n) {
    decoded_ += n;
    if (!r.staging) return n;
    staged_ = 0;
    stage_len_ = n;
    return 0;
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
