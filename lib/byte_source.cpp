#include "byte_source.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "io_decoder.h"

namespace b24 {

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
std::unique_ptr<char[]> make_block(std::size_t size) {
    return std::make_unique<char[]>(size + kBlockPadding);
}

class DecodedSource : public ByteSource {
public:
    explicit DecodedSource(std::unique_ptr<io::Decoder> dec) : dec_(std::move(dec)) {}
    const char* compression() const override { return dec_->compression(); }
    const std::string& name() const override { return dec_->file().name(); }
    std::uint64_t input_offset() const override { return dec_->file().offset(); }
    std::uint64_t input_size() const override { return dec_->file().size(); }

protected:
    std::unique_ptr<io::Decoder> dec_;
};

// Decodes on the consumer's thread, into one block.
class InlineSource final : public DecodedSource {
public:
    InlineSource(std::unique_ptr<io::Decoder> dec, std::size_t block_size)
        : DecodedSource(std::move(dec)), block_(make_block(block_size)), size_(block_size) {}

protected:
    std::string_view fetch() override {
        return {block_.get(), dec_->fill(block_.get(), size_)};
    }

private:
    std::unique_ptr<char[]> block_;
    std::size_t size_;
};

// Decodes on a thread of its own into a fixed pool of blocks: the consumer holds at most
// one, the producer fills the others ahead of it. The end of the input and a fault travel
// behind the last good block, so every decoded byte is handed out before the fault.
class ThreadedSource final : public DecodedSource {
public:
    ThreadedSource(std::unique_ptr<io::Decoder> dec, std::size_t block_size, std::size_t blocks)
        : DecodedSource(std::move(dec)), block_size_(block_size) {
        for (std::size_t i = 0; i < blocks; ++i) {
            pool_.push_back({make_block(block_size), 0});
            free_.push_back(i);
        }
        thread_ = std::thread([this] { produce(); });
    }

    ~ThreadedSource() override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        free_cv_.notify_all();
        dec_->file().interrupt();  // ends a read blocked on a pipe or terminal
        thread_.join();
    }

protected:
    std::string_view fetch() override {
        std::unique_lock<std::mutex> lock(mutex_);
        if (held_ != kNone) {
            free_.push_back(held_);
            held_ = kNone;
            free_cv_.notify_one();
        }
        filled_cv_.wait(lock, [this] { return !filled_.empty() || done_; });
        if (!filled_.empty()) {
            held_ = filled_.front();
            filled_.pop_front();
            return {pool_[held_].data.get(), pool_[held_].size};
        }
        if (error_) std::rethrow_exception(error_);
        return {};
    }

private:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    struct Block {
        std::unique_ptr<char[]> data;
        std::size_t size;
    };

    void produce() {
        for (;;) {
            std::size_t i = 0;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                free_cv_.wait(lock, [this] { return !free_.empty() || stop_; });
                if (stop_) return;
                i = free_.front();
                free_.pop_front();
            }
            std::size_t n = 0;
            std::exception_ptr error;
            try {
                n = dec_->fill(pool_[i].data.get(), block_size_);
            } catch (...) {
                error = std::current_exception();  // the decoder threw with n == 0
            }
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (n > 0) {
                    pool_[i].size = n;
                    filled_.push_back(i);
                } else {
                    free_.push_back(i);
                    error_ = error;
                    done_ = true;
                }
            }
            filled_cv_.notify_one();
            if (n == 0) return;
        }
    }

    const std::size_t block_size_;
    std::vector<Block> pool_;
    std::mutex mutex_;
    std::condition_variable free_cv_, filled_cv_;
    std::deque<std::size_t> free_, filled_;  // indexes into pool_
    std::size_t held_ = kNone;               // the block the consumer reads
    bool done_ = false;                      // the producer has met the end or a fault
    bool stop_ = false;                      // the consumer is going away
    std::exception_ptr error_;
    std::thread thread_;  // last: started once everything above exists
};

}  // namespace

std::unique_ptr<ByteSource> ByteSource::open(const std::string& path) {
    return open(path, Options{});
}

std::unique_ptr<ByteSource> ByteSource::open(const std::string& path, const Options& opt) {
    const std::size_t block_size = std::max<std::size_t>(opt.block_size, 1);
    const std::size_t read_size = std::max<std::size_t>(opt.read_size, 64);
    auto dec = io::make_decoder(std::make_unique<io::InputFile>(path), read_size);
    if (!opt.background) return std::make_unique<InlineSource>(std::move(dec), block_size);
    return std::make_unique<ThreadedSource>(std::move(dec), block_size,
                                            std::max<std::size_t>(opt.blocks, 2));
}

}  // namespace b24
