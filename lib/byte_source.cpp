#include "byte_source.h"

#include <algorithm>
#include <cstring>

#include "aligned_buffer.h"
#include "io_decoder.h"

namespace b24 {

static_assert(io::kViewPadding >= kBlockPadding);

std::string_view ByteSource::next_block() {
    if (!rest_.empty()) {
        const std::string_view r = rest_;
        rest_ = {};
        return r;
    }
    return fetch();
}

std::size_t ByteSource::read(char* buf, std::size_t n) {
    if (n == 0) return 0;
    if (rest_.empty()) rest_ = fetch();
    const std::size_t k = std::min(n, rest_.size());
    if (k == 0) return 0;  // the end
    std::memcpy(buf, rest_.data(), k);
    rest_.remove_prefix(k);
    return k;
}

namespace {

// A block buffer with kBlockPadding readable bytes after its `size` usable ones.
AlignedBuffer make_block(std::size_t size) {
    return make_zeroed_buffer(size + kBlockPadding);
}

// Decodes on the caller's thread, into one block (or hands out the decoder's own, zstd's).
class DecodedSource final : public ByteSource {
public:
    DecodedSource(std::unique_ptr<io::Decoder> dec, std::size_t block_size)
        : dec_(std::move(dec)), block_(make_block(block_size)), size_(block_size) {}
    const char* compression() const override { return dec_->compression(); }
    const std::string& name() const override { return dec_->file().name(); }
    std::uint64_t input_offset() const override { return dec_->file().offset(); }
    std::uint64_t input_size() const override { return dec_->file().size(); }

protected:
    std::string_view fetch() override {
        return dec_->next(block_.get(), size_);
    }

private:
    std::unique_ptr<io::Decoder> dec_;
    AlignedBuffer block_;
    std::size_t size_;
};

}  // namespace

std::unique_ptr<ByteSource> ByteSource::open(const std::string& path) {
    return open(path, Options{});
}

std::unique_ptr<ByteSource> ByteSource::open(const std::string& path, const Options& opt) {
    const std::size_t block_size = std::max<std::size_t>(opt.block_size, 1);
    const std::size_t read_size = std::max<std::size_t>(opt.read_size, 64);
    auto dec = io::make_decoder(std::make_unique<io::InputFile>(path), read_size);
    return std::make_unique<DecodedSource>(std::move(dec), block_size);
}

}  // namespace b24
