// Sliding window sum over integer-µs times (SPEC §3: "window W at t" is (t − W, t]).
// Entries are (t, value) with non-decreasing t; entries with equal t are merged, so a burst
// at one instant costs one slot. Storage is a ring buffer that grows by doubling and shrinks
// when mostly empty: memory follows the entries inside the window, and a steady stream of
// hits allocates nothing.
#pragma once
#include <cstdint>
#include <memory>

namespace b24 {

class SlidingSum {
public:
    SlidingSum() = default;
    SlidingSum(SlidingSum&&) noexcept = default;
    SlidingSum& operator=(SlidingSum&&) noexcept = default;

    // Adds `value` at time t (t never below the last added time). A zero value stores nothing.
    void add(std::int64_t t, std::int64_t value) {
        if (value == 0) return;
        sum_ += value;
        if (size_ > 0) {
            Entry& last = at(size_ - 1);
            if (last.t == t) {
                last.value += value;
                return;
            }
        }
        if (size_ == cap_) reshape(cap_ == 0 ? 4 : cap_ * 2);
        at(size_) = Entry{t, value};
        ++size_;
    }

    // Drops the entries outside the window W at `now`, i.e. those with t <= now − W.
    void evict(std::int64_t now, std::int64_t window) {
        // now − W computed without overflow for any now and W > 0.
        const std::int64_t edge = now < INT64_MIN + window ? INT64_MIN : now - window;
        while (size_ > 0 && buf_[head_].t <= edge) {
            sum_ -= buf_[head_].value;
            head_ = (head_ + 1) & (cap_ - 1);
            --size_;
        }
        if (size_ == 0) {
            sum_ = 0;
            if (cap_ > 4) release();  // a small buffer stays: sparse flows then allocate nothing
        } else if (cap_ > 16 && size_ * 4 <= cap_) {
            reshape(cap_ / 2);
        }
    }

    std::int64_t sum() const { return sum_; }
    std::size_t size() const { return size_; }   // distinct times held
    std::size_t capacity() const { return cap_; }

private:
    struct Entry {
        std::int64_t t;
        std::int64_t value;
    };
    Entry& at(std::size_t i) { return buf_[(head_ + i) & (cap_ - 1)]; }

    void reshape(std::size_t cap) {  // cap: a power of two >= size_
        auto next = std::make_unique<Entry[]>(cap);
        for (std::size_t i = 0; i < size_; ++i) next[i] = at(i);
        buf_ = std::move(next);
        cap_ = cap;
        head_ = 0;
    }
    void release() {
        buf_.reset();
        cap_ = 0;
        head_ = 0;
    }

    std::unique_ptr<Entry[]> buf_;
    std::size_t cap_ = 0;  // 0 or a power of two
    std::size_t head_ = 0;
    std::size_t size_ = 0;
    std::int64_t sum_ = 0;
};

}  // namespace b24
