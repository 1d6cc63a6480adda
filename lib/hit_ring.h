// The skew buffer of FileHits: hits in (t, line) order, in a ring of slots that are reused.
// A slot is filled in place (push_back returns it) and emptied by moving out of it, so the
// steady state of an in-order log moves each hit once in and once out, with no allocation.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "hit.h"

namespace b24 {

class HitRing {
public:
    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    Hit& front() { return at(0); }
    Hit& back() { return at(size_ - 1); }
    // The slot keeps its hit until a later push_back() fills it again.
    void pop_front() {
        head_ = (head_ + 1) & mask_;
        --size_;
    }
    // A new last slot, holding whatever an earlier hit left in it: the caller fills it.
    Hit& push_back() {
        if (slots_.empty() || size_ > mask_) grow();
        ++size_;
        return back();
    }
    void pop_back() { --size_; }
    // Moves the last hit before every other hit with a later time; hits with its time keep
    // their place before it (they came from earlier lines).
    void settle_back() {
        if (size_ > 1 && at(size_ - 2).t_us > at(size_ - 1).t_us) move_back_in();
    }

private:
    // settle_back() for a hit that is out of order: a binary search and a shift.
    [[gnu::noinline]] void move_back_in() {
        const std::size_t last = size_ - 1;
        const std::int64_t t = at(last).t_us;
        std::size_t lo = 0, hi = last - 1;  // the first later hit is in [lo, hi]
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (at(mid).t_us > t) hi = mid;
            else lo = mid + 1;
        }
        Hit moving = std::move(at(last));
        for (std::size_t i = last; i > lo; --i) at(i) = std::move(at(i - 1));
        at(lo) = std::move(moving);
    }
    Hit& at(std::size_t i) { return slots_[(head_ + i) & mask_]; }
    void grow() {
        std::vector<Hit> bigger(slots_.empty() ? 64 : 2 * slots_.size());
        for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(at(i));
        slots_.swap(bigger);
        mask_ = slots_.size() - 1;
        head_ = 0;
    }

    std::vector<Hit> slots_;  // a power of two of them
    std::size_t mask_ = 0;    // slots_.size() - 1, kept: that size is a division by sizeof(Hit)
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

}  // namespace b24
