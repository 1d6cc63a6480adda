#include "line_reader.h"

#include <algorithm>
#include <cstring>

#include "line_parse.h"

namespace b24 {

// A line inside a block is followed by the rest of the block and its padding.
static_assert(kBlockPadding >= kLinePadding);

namespace {
// A carry buffer grown past this by one huge line is given back once the line is done.
constexpr std::size_t kCarryKeep = std::size_t{4} << 20;
}  // namespace

LineReader::LineReader(std::unique_ptr<ByteSource> src) : src_(std::move(src)) {}

void LineReader::append(const char* p, std::size_t n) {
    const std::size_t need = carry_len_ + n + kLinePadding;
    if (need > carry_cap_) {
        const std::size_t cap = std::max({need, carry_cap_ * 2, std::size_t{4096}});
        AlignedBuffer grown = make_zeroed_buffer(cap);  // the padding is defined
        if (carry_len_ > 0) std::memcpy(grown.get(), carry_.get(), carry_len_);
        carry_ = std::move(grown);
        carry_cap_ = cap;
    }
    if (n > 0) std::memcpy(carry_.get() + carry_len_, p, n);
    carry_len_ += n;
}

void LineReader::release_carry() {
    if (!carry_out_) return;
    carry_out_ = false;
    carry_len_ = 0;
    if (carry_cap_ > kCarryKeep) {
        carry_.reset();
        carry_cap_ = 0;
    }
}

bool LineReader::fetch() {
    if (eof_) return false;
    if (error_) std::rethrow_exception(error_);
    try {
        block_ = src_->next_block();
    } catch (...) {
        error_ = std::current_exception();
        carry_len_ = 0;  // a line cut by the fault is truncated: dropped
        throw;
    }
    if (block_.empty()) eof_ = true;
    return !eof_;
}

bool LineReader::next_run(std::string_view& run) {
    release_carry();
    for (;;) {
        if (!block_.empty()) {
            if (carry_len_ == 0) {
                const auto* last = static_cast<const char*>(
                    memrchr(block_.data(), '\n', block_.size()));
                if (last != nullptr) {
                    const auto len = static_cast<std::size_t>(last - block_.data()) + 1;
                    run = block_.substr(0, len);
                    block_.remove_prefix(len);
                    return true;
                }
            } else {
                // Finish the line that spans blocks first: a run of that one line.
                const auto* nl =
                    static_cast<const char*>(std::memchr(block_.data(), '\n', block_.size()));
                if (nl != nullptr) {
                    const auto len = static_cast<std::size_t>(nl - block_.data()) + 1;
                    append(block_.data(), len);
                    block_.remove_prefix(len);
                    run = {carry_.get(), carry_len_};
                    carry_out_ = true;
                    return true;
                }
            }
            append(block_.data(), block_.size());
            block_ = {};
        }
        if (!fetch()) {
            if (carry_len_ == 0) return false;
            run = {carry_.get(), carry_len_};  // the last line, without a newline
            carry_out_ = true;
            return true;
        }
    }
}

}  // namespace b24
