// Sliding window sum over integer-µs times (SPEC §3: "window W at t" is (t − W, t]).
// Entries are (t, value) with non-decreasing t; entries with equal t are merged, so a burst
// at one instant costs one slot. Storage is a ring buffer that grows by doubling and shrinks
// when mostly empty: memory follows the entries inside the window, and a steady stream of
// hits allocates nothing.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>

namespace b24 {

// now − W, the open lower end of the window W at now; INT64_MIN where that is lower still.
inline std::int64_t window_edge(std::int64_t now, std::int64_t window) {
    std::int64_t edge = 0;
    if (__builtin_sub_overflow(now, window, &edge)) edge = INT64_MIN;  // W > 0: only below
    return edge;
}

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
        const std::int64_t edge = window_edge(now, window);
        if (size_ > 0 && buf_[head_].t <= edge) {
            // Locals: stores to sum_ could otherwise alias the buffer and force reloads.
            const Entry* const buf = buf_.get();
            const std::size_t mask = cap_ - 1;
            std::size_t head = head_, size = size_;
            std::int64_t sum = sum_;
            do {
                sum -= buf[head].value;
                head = (head + 1) & mask;
                --size;
            } while (size > 0 && buf[head].t <= edge);
            head_ = head;
            size_ = size;
            sum_ = sum;
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

// Three running sums over two windows of different widths, sharing one ring of entries
// (what one integration needs for SPEC 3.4: cost, hits and refusals over the warn window
// and the block window). Entries with equal t are merged; an entry leaves the ring when it
// has left both windows.
struct Sums3 {
    std::int64_t cost = 0, hits = 0, refused = 0;
    Sums3& operator+=(const Sums3& o) {
        cost += o.cost;
        hits += o.hits;
        refused += o.refused;
        return *this;
    }
    Sums3& operator-=(const Sums3& o) {
        cost -= o.cost;
        hits -= o.hits;
        refused -= o.refused;
        return *this;
    }
};

class DualWindow {
public:
    DualWindow() = default;
    DualWindow(DualWindow&&) noexcept = default;
    DualWindow& operator=(DualWindow&&) noexcept = default;

    // Adds v at time t (t never below the last added time); it is inside both windows.
    void add(std::int64_t t, const Sums3& v) {
        sum_[0] += v;
        sum_[1] += v;
        // Merge into the last entry when it has this time (and so is inside both windows).
        if (end_ > head_ && at(end_ - 1).t == t && first_[0] < end_ && first_[1] < end_) {
            at(end_ - 1).v += v;
            return;
        }
        if (end_ - head_ == cap_) reshape(cap_ == 0 ? 4 : cap_ * 2);
        at(end_) = Entry{t, v};
        ++end_;
    }

    // Drops from window i the entries with t <= now − widths[i].
    void evict(std::int64_t now, std::int64_t width0, std::int64_t width1) {
        evict_one(0, now, width0);
        evict_one(1, now, width1);
        head_ = std::min(first_[0], first_[1]);
        const std::size_t size = end_ - head_;
        if (size == 0) {
            sum_[0] = sum_[1] = Sums3{};
            if (cap_ > 4) reshape(0);
        } else if (cap_ > 16 && size * 4 <= cap_) {
            reshape(cap_ / 2);
        }
    }

    const Sums3& sum(int i) const { return sum_[i]; }
    std::size_t size() const { return end_ - head_; }
    std::size_t capacity() const { return cap_; }

private:
    struct Entry {
        std::int64_t t;
        Sums3 v;
    };
    // Entries are addressed by a running count (never reset), so the windows' first
    // entries stay valid across reshapes.
    Entry& at(std::size_t n) { return buf_[n & (cap_ - 1)]; }

    void evict_one(int i, std::int64_t now, std::int64_t width) {
        const std::int64_t edge = window_edge(now, width);
        std::size_t f = first_[i];
        if (f == end_ || at(f).t > edge) return;
        // Locals: stores to sum_ could otherwise alias the buffer and force reloads.
        const Entry* const buf = buf_.get();
        const std::size_t mask = cap_ - 1, end = end_;
        Sums3 sum = sum_[i];
        do {
            sum -= buf[f & mask].v;
            ++f;
        } while (f < end && buf[f & mask].t <= edge);
        sum_[i] = sum;
        first_[i] = f;
    }
    void reshape(std::size_t cap) {  // cap: 0 or a power of two >= size
        std::unique_ptr<Entry[]> next;
        if (cap > 0) {
            next = std::make_unique<Entry[]>(cap);
            for (std::size_t n = head_; n < end_; ++n) next[n & (cap - 1)] = at(n);
        }
        buf_ = std::move(next);
        cap_ = cap;
    }

    std::unique_ptr<Entry[]> buf_;
    std::size_t cap_ = 0;  // 0 or a power of two
    std::size_t head_ = 0, end_ = 0;
    std::size_t first_[2] = {0, 0};  // first entry inside each window
    Sums3 sum_[2];
};

}  // namespace b24
