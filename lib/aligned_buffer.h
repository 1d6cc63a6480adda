// Byte buffers that read(2) and memcpy fill at full speed: 64-byte aligned. Both copy large
// blocks with `rep movsb`, which on the AMD EPYC we measure on runs at a quarter of its
// speed into a destination that is only 16-byte aligned (what `new char[]` gives): reading
// a 1 GB log from the page cache took 0.76 s instead of 0.17 s.
#pragma once
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>

namespace b24 {

inline constexpr std::size_t kBufferAlign = 64;

struct AlignedDelete {
    void operator()(char* p) const { ::operator delete[](p, std::align_val_t{kBufferAlign}); }
};
using AlignedBuffer = std::unique_ptr<char[], AlignedDelete>;

// `n` uninitialized bytes.
inline AlignedBuffer make_aligned_buffer(std::size_t n) {
    return AlignedBuffer(static_cast<char*>(::operator new[](n, std::align_val_t{kBufferAlign})));
}

// `n` zeroed bytes.
inline AlignedBuffer make_zeroed_buffer(std::size_t n) {
    AlignedBuffer b = make_aligned_buffer(n);
    std::memset(b.get(), 0, n);
    return b;
}

}  // namespace b24
