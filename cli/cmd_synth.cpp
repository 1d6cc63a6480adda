// `b24load synth`: deterministic synthetic traffic for demos, tests and benchmarks.
#include <fstream>
#include <iostream>
#include <memory>

#include "common.h"
#include "error.h"
#include "synth.h"

namespace b24cli {

namespace {

struct SynthFlags {
    b24::SynthOptions opt;
    std::string size = "1M", frame_size = "0", output;
    bool no_bad_lines = false;
};

// "1048576", "512K", "1M", "4G" (powers of 1024).
std::uint64_t parse_size(const std::string& flag, const std::string& s) {
    std::size_t pos = 0;
    unsigned long long n = 0;
    try {
        n = std::stoull(s, &pos);
    } catch (const std::exception&) {
        throw b24::Error(flag, "expected a size like 1048576, 512K, 100M or 1G");
    }
    const std::string unit = s.substr(pos);
    std::uint64_t mult = 1;
    if (unit == "K" || unit == "k") mult = 1ull << 10;
    else if (unit == "M" || unit == "m") mult = 1ull << 20;
    else if (unit == "G" || unit == "g") mult = 1ull << 30;
    else if (!unit.empty()) throw b24::Error(flag, "expected a size like 1048576, 512K, 100M or 1G");
    return n * mult;
}

int run(SynthFlags& f) {
    f.opt.target_bytes = parse_size("--size", f.size);
    f.opt.frame_bytes = parse_size("--frame-size", f.frame_size);
    f.opt.bad_lines = !f.no_bad_lines;
    Output out(f.output);
    b24::synth(out.stream(), f.opt);
    out.close();
    return kExitOk;
}

}  // namespace

Action add_synth(CLI::App& root) {
    auto f = std::make_shared<SynthFlags>();
    CLI::App* cmd = root.add_subcommand("synth", "Write synthetic multi-portal REST traffic");
    cmd->add_option("--seed", f->opt.seed, "Seed: the same seed writes the same bytes")
        ->capture_default_str();
    cmd->add_option("--format", f->opt.format, "ndjson or access (nginx access log)")
        ->check(CLI::IsMember({"ndjson", "access"}))
        ->capture_default_str();
    cmd->add_option("--compress", f->opt.compression, "none, zstd or gzip")
        ->check(CLI::IsMember({"none", "zstd", "gzip"}))
        ->capture_default_str();
    cmd->add_option("--level", f->opt.level, "Compression level")->capture_default_str();
    cmd->add_option("--size", f->size, "Uncompressed size to write (K, M, G suffixes)")
        ->capture_default_str();
    cmd->add_option("--frame-size", f->frame_size,
                    "zstd: start a new frame every SIZE of input (multi-frame files)");
    cmd->add_flag("--no-bad-lines", f->no_bad_lines, "Write no deliberately bad lines");
    cmd->add_option("-o,--output", f->output, "Write to FILE instead of standard output");
    return [f] { return run(*f); };
}

}  // namespace b24cli
