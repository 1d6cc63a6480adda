// FileHits with a pool (FileFeed: pieces cut anywhere, lines across pieces joined, whole
// zstd frames decompressed by the workers) against FileHits without one: the same hits,
// the same counts, the same fault at the same byte, whatever the piece size.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "error.h"
#include "file_hits.h"
#include "hit_text.h"
#include "io_test_files.h"
#include "parse_pool.h"
#include "rules.h"
#include "symbols.h"

using namespace b24;
using namespace b24::test_io;

namespace {

struct Drained {
    std::vector<std::string> hits;  // every field, names instead of ids
    FileCounters counters;
    std::string error;  // what() of the read error, "" without one
};

// Every hit of `path`, read on this thread (piece == 0) or through a pool of `workers`
// with pieces of `piece` bytes.
Drained drain(const std::string& path, std::size_t piece, int workers = 2,
              std::size_t in_flight = 4, std::size_t budget = std::size_t{24} << 20) {
    SymbolTable symbols;
    const Rules rules = default_rules();
    const ParseContext ctx{&symbols, &rules};
    InputOptions opt;
    std::optional<ParsePool> pool;
    FileFeed::Limits limits;
    if (piece > 0) {
        pool.emplace(workers, ctx);
        limits.piece = piece;
        limits.in_flight = in_flight;
        limits.budget = budget;
    }
    FileHits file(path, 0, ctx, opt, pool ? &*pool : nullptr, limits);
    Drained d;
    while (const Hit* h = file.next())
        d.hits.push_back(std::to_string(h->place.line) + ' ' + test_hit::hit_text(symbols, *h));
    d.counters = file.counters();
    if (d.counters.read_error) d.error = d.counters.read_error->what();
    return d;
}

constexpr std::size_t kAllPieces[] = {1, 2, 3, 7, 64, 1000, 1 << 20};
constexpr std::size_t kSomePieces[] = {3, 1000, 65536, 1 << 20};  // for larger files

template <class Pieces = decltype(kAllPieces)>
void check_same(const std::string& path, std::size_t min_hits = 1,
                const Pieces& pieces = kAllPieces) {
    const Drained want = drain(path, 0);
    REQUIRE(want.hits.size() >= min_hits);
    for (std::size_t piece : pieces) {
        INFO(path << ", pieces of " << piece << " bytes");
        const Drained got = drain(path, piece);
        CHECK(got.hits == want.hits);
        CHECK(got.counters.hits == want.counters.hits);
        CHECK(got.counters.skipped == want.counters.skipped);
        CHECK(got.counters.late == want.counters.late);
        CHECK(got.counters.bad_lines == want.counters.bad_lines);
        CHECK(got.counters.bad_lines_first == want.counters.bad_lines_first);
        CHECK(got.error == want.error);
    }
}

// NDJSON hits with the awkward bits: a BOM, CRLF, blank and bad lines, a batch, an
// unknown cost, a line out of order, and no newline at the end.
std::string awkward_ndjson() {
    std::string s = "\xEF\xBB\xBF";
    s += "{\"ts\":1795000000.5,\"portal\":\"A.bitrix24.com\",\"app\":\"local.1\",\"method\":\"crm.deal.list\",\"cost\":0.25}\r\n";
    s += "\n   \n";
    s += "not json at all\n";
    s += "{\"ts\":1795000001,\"portal\":\"a.bitrix24.com\",\"webhook\":\"1/abcdefsecret\",\"method\":\"batch\","
         "\"cmd\":[\"crm.lead.get\",\"crm.deal.get\"],\"ip\":\"10.0.0.1\"}\n";
    s += "{\"ts\":1794999990,\"portal\":\"b.bitrix24.com\",\"app\":\"x\",\"method\":\"user.get\",\"status\":503}\n";
    for (int i = 0; i < 300; ++i)
        s += "{\"ts\":" + std::to_string(1795000002 + i) + ",\"portal\":\"p" + std::to_string(i % 7) +
             ".bitrix24.com\",\"app\":\"app" + std::to_string(i % 3) + "\",\"method\":\"m" +
             std::to_string(i % 11) + ".list\",\"cost\":" + std::to_string(i % 5) + "}\n";
    s += "{\"ts\":1795009999,\"portal\":\"z.bitrix24.com\",\"app\":\"last\",\"method\":\"crm.item.list\"}";
    return s;
}

// 30 copies of `good`, each with a byte flipped or cut short at a place drawn from
// `seed`, read with pieces of 7 bytes, 4 KiB and 1 MiB as on one thread: the same hits
// and the same fault. Returns how many copies had a fault.
int check_damaged(TempDir& dir, const std::string& good, const std::string& ext,
                  std::uint32_t seed) {
    std::uint32_t x = seed;
    auto draw = [&x](std::size_t n) {
        x = x * 1664525u + 1013904223u;
        return static_cast<std::size_t>(x >> 8) % n;
    };
    int faults = 0;
    for (int i = 0; i < 30; ++i) {
        std::string bytes = good;
        if (i % 3 == 2) {
            bytes.resize(draw(bytes.size()));
        } else {
            const std::size_t at = draw(bytes.size());
            bytes[at] = static_cast<char>(bytes[at] ^ (1 + draw(255)));
        }
        const std::string path = dir.write("damaged" + std::to_string(i) + ext, bytes);
        const Drained want = drain(path, 0);
        if (!want.error.empty()) ++faults;
        for (std::size_t piece : {std::size_t{7}, std::size_t{4096}, std::size_t{1} << 20}) {
            INFO("case " << i << ", pieces of " << piece);
            const Drained got = drain(path, piece);
            CHECK(got.error == want.error);
            CHECK(got.hits == want.hits);
            CHECK(got.counters.bad_lines == want.counters.bad_lines);
        }
    }
    return faults;
}

}  // namespace

TEST_CASE("feed: NDJSON, plain, zstd of many frames and gzip read as on one thread",
          "[file_feed]") {
    TempDir dir;
    const std::string text = awkward_ndjson();
    check_same(dir.write("a.ndjson", text), 300);
    check_same(dir.write("a.zst", zstd_frames(text, 1000)), 300);
    check_same(dir.write("unsized.zst", zstd_frames(text, 1000, false)), 300);
    check_same(dir.write("b.zst", zstd_skippable("x") + zstd_frame(text) + zstd_skippable("yz", 3)), 300);
    check_same(dir.write("a.gz", gzip_member(text.substr(0, 5000)) + gzip_member(text.substr(5000))), 300);
}

TEST_CASE("feed: an access log, and a file of blanks before its first line", "[file_feed]") {
    TempDir dir;
    std::string log = "\n\n";
    for (int i = 0; i < 200; ++i)
        log += "10.0.0." + std::to_string(i % 5) + " - - [27/Nov/2026:07:00:" +
               std::to_string(10 + i % 40) +
               " +0000] \"GET /rest/1/secretsecret/crm.deal.list.json?start=0 HTTP/1.1\" 200 512 "
               "\"-\" \"curl\" 0.125\r\n";
    check_same(dir.write("acc.log", log), 200);
    check_same(dir.write("acc.zst", zstd_frames(log, 333)), 200);
}

TEST_CASE("feed: a line longer than many pieces", "[file_feed]") {
    TempDir dir;
    std::string text = "{\"ts\":1795000000,\"portal\":\"a.bitrix24.com\",\"app\":\"x\",\"method\":\"m.get\"}\n";
    text += "{\"ts\":1795000001,\"portal\":\"a.bitrix24.com\",\"app\":\"x\",\"method\":\"m.get\",\"pad\":\"" +
            std::string(3 << 20, 'p') + "\"}\n";
    text += text.substr(0, text.find('\n') + 1);
    const std::string path = dir.write("long.ndjson", text);
    const Drained want = drain(path, 0);
    REQUIRE(want.hits.size() == 3);
    CHECK(drain(path, 4096).hits == want.hits);
    CHECK(drain(dir.write("long.zst", zstd_frames(text, 100'000)), 65536).hits == want.hits);
}

TEST_CASE("feed: a fault ends the file at the same byte, after the same lines", "[file_feed]") {
    TempDir dir;
    const std::string text = sample_lines(400'000, 5);
    // A byte flipped inside a middle frame: a worker's one-call decode fails, and the frame
    // is streamed again to find the byte where the file's own decoder stops.
    std::string frames = zstd_frames(text, 50'000);
    std::string corrupt = frames;
    corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
    check_same(dir.write("corrupt.zst", corrupt), 1, kSomePieces);
    // Cut inside the last frame, cut inside one frame, garbage after the last.
    check_same(dir.write("cut.zst", frames.substr(0, frames.size() - 1000)), 1, kSomePieces);
    const std::string one = zstd_frame(text);
    check_same(dir.write("cut1.zst", one.substr(0, one.size() / 2)), 1, kSomePieces);
    check_same(dir.write("garbage.zst", frames + "garbage!"), 1, kSomePieces);
    std::string gz = gzip_member(text);
    check_same(dir.write("cut.gz", gz.substr(0, gz.size() - 100)), 1, kSomePieces);
    const Drained d = drain(dir.path("corrupt.zst"), 1 << 20);
    CHECK(d.error.find(dir.path("corrupt.zst") + ": byte ") == 0);
    CHECK(d.error.find("corrupt zstd stream") != std::string::npos);
}

TEST_CASE("feed: one worker, one piece in flight, or a tiny budget still read everything",
          "[file_feed]") {
    TempDir dir;
    const std::string text = awkward_ndjson();
    const std::string path = dir.write("a.zst", zstd_frames(text, 777));
    const Drained want = drain(path, 0);
    CHECK(drain(path, 100, 1, 1).hits == want.hits);
    CHECK(drain(path, 100, 8, 2).hits == want.hits);
    // A budget smaller than a frame: the reading thread decodes the frames itself.
    CHECK(drain(path, 100, 2, 4, 500).hits == want.hits);
}

TEST_CASE("feed: a byte flipped or a cut anywhere in a multi-frame file reads as on one thread",
          "[file_feed]") {
    TempDir dir;
    const std::string text = sample_lines(120'000, 9);
    // Small frames: libzstd's one-pass path for a frame that fits the output room too.
    const int faults = check_damaged(dir, zstd_frames(text, 1'500), ".zst", 12345);
    CHECK(faults >= 25);  // checksums catch every flip; a cut between frames is rare
}

TEST_CASE("feed: damage in frames that leave their size out reads as on one thread",
          "[file_feed]") {
    TempDir dir;
    const std::string text = sample_lines(120'000, 11);
    // Decoded by the workers into room bounded by the block headers, which a flip in a
    // header can make too small: the same fault either way.
    const int faults = check_damaged(dir, zstd_frames(text, 1'500, false), ".zst", 4242);
    CHECK(faults >= 25);
}

TEST_CASE("feed: a byte flipped or a cut anywhere in a gzip file reads as on one thread",
          "[file_feed]") {
    TempDir dir;
    const std::string text = sample_lines(120'000, 10);
    const std::string gz = gzip_member(text.substr(0, 50'000)) + gzip_member(text.substr(50'000));
    const int faults = check_damaged(dir, gz, ".gz", 777);
    CHECK(faults >= 25);  // the CRC catches every flip; a cut between members is rare
}
