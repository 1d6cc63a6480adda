// `b24load synth`: realistic, deterministic (from a seed) multi-portal REST traffic for the
// demo, the tests and the benchmarks.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>

namespace b24 {

struct SynthOptions {
    std::uint64_t seed = 1;
    std::string format = "ndjson";      // "ndjson" or "access"
    std::string compression = "none";   // "none", "zstd", "gzip"
    int level = 3;                       // compression level
    std::uint64_t target_bytes = 1 << 20;  // uncompressed size to write, approximately
    std::int64_t start_us = 1'795'000'000'000'000;  // first timestamp
    bool bad_lines = true;              // a sprinkle of bad lines
    std::uint64_t frame_bytes = 0;      // zstd: start a new frame every N input bytes (0: one)
};

// Writes the traffic to `out` (compressed as asked). Throws Error on an I/O fault.
void synth(std::ostream& out, const SynthOptions& opt);

}  // namespace b24
