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
    int level = 3;                       // compression level: zstd 1..19 (and the negative
                                         // fast levels), gzip 0..9
    std::uint64_t target_bytes = 1 << 20;  // uncompressed size: whole lines until at least this
    std::int64_t start_us = 1'795'000'000'000'000;  // first timestamp
    bool bad_lines = true;              // a sprinkle of bad lines (~0.01 %, the first early)
    std::uint64_t frame_bytes = 0;      // zstd: end a frame (gzip: a member) after every N
                                        // uncompressed bytes, mid-line like pzstd (0: one)
};

// Writes the traffic to `out` (compressed as asked). The uncompressed text depends only on
// the options (not on the compression): the same seed writes the same lines, and a smaller
// size writes a prefix of a larger one. Throws Error for an unknown format or compression,
// a level out of range, or an I/O fault.
void synth(std::ostream& out, const SynthOptions& opt);

}  // namespace b24
