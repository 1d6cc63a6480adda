// libFuzzer target for reading whole files (scripts/fuzz): the input is a file's bytes,
// plain, zstd or gzip (the corpus seeds both), most often corrupt after mutation. It is
// read three ways that must agree to the byte, hits, counters and fault alike:
//   - ByteSource blocks of the default size and of 777 bytes (the decoded bytes, the fault);
//   - FileHits on the calling thread (--threads 1) and with a pool of two parse workers
//     and pieces of 4 KiB (lines cut across pieces, the reading thread's own decoding).
// Any difference aborts, as does any crash.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "../hit_text.h"
#include "byte_source.h"
#include "error.h"
#include "file_hits.h"
#include "parse_pool.h"
#include "rules.h"
#include "symbols.h"

using namespace b24;

namespace {

std::string drain(const std::string& path, std::size_t block_size) {
    ByteSource::Options opt;
    opt.block_size = block_size;
    std::string out;
    try {
        auto src = ByteSource::open(path, opt);
        out += src->compression();
        out += '|';
        for (std::string_view b = src->next_block(); !b.empty(); b = src->next_block()) out += b;
    } catch (const Error& e) {
        out += "|error: ";
        out += e.what();
    }
    return out;
}

std::string hits(const std::string& path, bool pool) {
    SymbolTable symbols;
    Rules rules = default_rules();
    ParseContext ctx{&symbols, &rules};
    InputOptions opt;
    std::optional<ParsePool> workers;
    if (pool) workers.emplace(2, ctx);
    FileFeed::Limits limits;
    limits.piece = 4096;
    limits.in_flight = 4;
    limits.budget = 64 << 10;
    std::ostringstream o;
    try {
        FileHits file(path, 0, ctx, opt, pool ? &*workers : nullptr, limits);
        while (const Hit* h = file.next()) {
            o << h->place.line << ' ' << test_hit::hit_text(symbols, *h) << '\n';
        }
        const FileCounters& c = file.counters();
        o << "hits " << c.hits << " skipped " << c.skipped << " late " << c.late << " bad "
          << c.bad_lines << " first";
        for (auto line : c.bad_lines_first) o << ' ' << line;
        if (c.read_error) o << " error " << c.read_error->what();
    } catch (const Error& e) {
        o << "error " << e.what();
    }
    return o.str();
}

[[noreturn]] void differ(const char* what, const std::string& a, const std::string& b) {
    std::fprintf(stderr, "%s differ\n--- one\n%s\n--- other\n%s\n", what, a.c_str(), b.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/dev/shm/b24load-fuzz-" + std::to_string(getpid());
    {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    const std::string a = drain(path, std::size_t{128} << 10), b = drain(path, 777);
    if (a != b) differ("blocks of 128 KiB and of 777 bytes", a, b);
    const std::string c = hits(path, false), d = hits(path, true);
    if (c != d) differ("one thread and parse workers", c, d);
    return 0;
}
