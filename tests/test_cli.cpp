// End to end: the built binary on the fixtures, compared with golden output, and on bad
// input, asserting the exit code, the message and that nothing crashes or leaks a secret.
#include <catch2/catch.hpp>

#include "cli_run.h"

using b24::test_cli::fixture;
using b24::test_cli::run;
using b24::test_cli::slurp;
using namespace std::string_literals;
namespace tio = b24::test_io;

namespace {

// The multi-portal fixture, named relative to the fixtures directory so the golden
// report's file names do not depend on where the checkout is.
const std::string kMulti = "acme.ndjson big.ndjson shop.access.log";

// Secrets that are in the fixtures and must never come out.
const char* kSecrets[] = {"abcdef0123456789", "f00dfeedcafe", "s3cr3tw3bh00k", "0123456789abcdef"};

void require_no_secret(const std::string& text) {
    for (const char* s : kSecrets) {
        INFO("secret " << s);
        REQUIRE(text.find(s) == std::string::npos);
    }
}

std::string cd_fixtures() { return std::string("cd ") + B24_FIXTURES + " && "; }

b24::test_cli::Result sh(const std::string& args) {
    // Run the binary from the fixtures directory (relative names in reports).
    tio::TempDir dir;
    const std::string out = dir.path("out"), err = dir.path("err");
    const std::string cmd = cd_fixtures() + "NO_COLOR=1 " + B24_BINARY + " " + args +
                            " </dev/null >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    b24::test_cli::Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

}  // namespace

TEST_CASE("cli: the multi-portal replay matches its golden JSON report", "[cli]") {
    const auto r = sh("replay --format json " + kMulti);
    CHECK(r.code == 1);  // a block, and --fail-on defaults to block
    CHECK(r.err.empty());
    REQUIRE(r.out == slurp(fixture("golden/multi.report.json")));
    require_no_secret(r.out);
}

TEST_CASE("cli: the report is byte-identical across runs and thread counts", "[cli]") {
    const auto a = sh("replay --format json --threads 1 " + kMulti);
    const auto b = sh("replay --format json --threads 2 " + kMulti);
    const auto c = sh("replay --format json --threads 8 " + kMulti);
    REQUIRE(a.out == b.out);
    REQUIRE(a.out == c.out);
}

TEST_CASE("cli: B24LOAD_WORKER_NICE takes 0 to 19 and changes no byte", "[cli]") {
    const std::string args = "replay --format json --threads 2 " + kMulti;
    const auto want = sh(args);
    for (const char* ok : {"0", "19", ""}) {
        ::setenv("B24LOAD_WORKER_NICE", ok, 1);
        const auto r = sh(args);
        CHECK(r.code == want.code);
        CHECK(r.out == want.out);
    }
    for (const char* bad : {"-1", "20", "100", "abc", "5x", " 5"}) {
        ::setenv("B24LOAD_WORKER_NICE", bad, 1);
        const auto r = sh(args);
        CHECK(r.code == 2);
        CHECK(r.err.find("B24LOAD_WORKER_NICE") != std::string::npos);
    }
    ::unsetenv("B24LOAD_WORKER_NICE");
}

TEST_CASE("cli: a generated log with blocks replays to the same bytes on 1, 2 and 8 threads",
          "[cli]") {
    // One zstd frame (pieces cut by the reading thread), many frames (decoded by the
    // workers), and a gzip access log merged with it. With 2 threads one engine replays
    // on the consuming thread; with 8 replay shards the portals.
    tio::TempDir dir;
    const std::string one = dir.path("one.zst"), many = dir.path("many.zst"),
                      acc = dir.path("acc.log.gz");
    REQUIRE(run("synth --seed 11 --size 6M --compress zstd -o " + one).code == 0);
    REQUIRE(run("synth --seed 11 --size 6M --compress zstd --frame-size 256K -o " + many).code == 0);
    REQUIRE(run("synth --seed 12 --size 2M --format access --compress gzip -o " + acc).code == 0);
    for (const std::string& files : {one, many, many + " " + acc}) {
        INFO(files);
        const auto a = run("replay --format json --fail-on never --threads 1 " + files);
        REQUIRE(a.code == 0);
        // Not an empty comparison: several portals, a block, a warning.
        CHECK(a.out.find("\"portals\": 5") != std::string::npos);
        CHECK(a.out.find("\"verdict\": \"block\"") != std::string::npos);
        CHECK(a.out.find("\"verdict\": \"warn\"") != std::string::npos);
        for (const char* threads : {"2", "8"}) {
            INFO("--threads " << threads);
            CHECK(run("replay --format json --fail-on never --threads " + std::string(threads) +
                      " " + files).out == a.out);
            CHECK(run("stats --format json --threads " + std::string(threads) + " " + files).out ==
                  run("stats --format json --threads 1 " + files).out);
            for (const char* format : {"text", "junit", "ndjson"}) {
                INFO(format);
                const std::string args =
                    std::string("replay --fail-on never --format ") + format + " " + files;
                CHECK(run(args + " --threads " + threads).out == run(args + " --threads 1").out);
            }
        }
    }
}

TEST_CASE("cli: stats matches its golden JSON and the hand count", "[cli]") {
    const auto r = sh("stats --format json " + kMulti);
    CHECK(r.code == 0);
    REQUIRE(r.out == slurp(fixture("golden/multi.stats.json")));
    // Hand count (fixtures/README.md): acme 60 + 20 + 180 hits, big 27 + 300, shop 14 + 14.
    const auto csv = sh("stats --format csv --by portal " + kMulti);
    CHECK(csv.out ==
          "portal,hits,cost_s,cost_unknown,refused\n"
          "big.bitrix24.com,327,13.8,0,0\n"
          "acme.bitrix24.com,260,1645.0,0,0\n"
          "shop.bitrix24.com,28,1404.2,0,0\n");
    require_no_secret(r.out);
}

TEST_CASE("cli: --fail-on decides the exit code", "[cli]") {
    CHECK(sh("replay --format json --fail-on never " + kMulti).code == 0);
    CHECK(sh("replay --format json --fail-on block " + kMulti).code == 1);
    CHECK(sh("replay --format json --fail-on notice big.ndjson").code == 1);
    CHECK(sh("replay --format json --fail-on warn big.ndjson").code == 0);
    CHECK(sh("replay --format json acme.ndjson").code == 0);
}

TEST_CASE("cli: text, junit and ndjson formats", "[cli]") {
    const auto text = sh("replay --format text " + kMulti);
    CHECK(text.out.find("LARGE_LOAD") != std::string::npos);
    CHECK(text.out.find("has been blocked due to the high load") != std::string::npos);
    CHECK(text.out.find("\x1b[") == std::string::npos);  // NO_COLOR, and not a terminal
    require_no_secret(text.out);

    const auto junit = sh("replay --format junit " + kMulti);
    CHECK(junit.out.rfind("<?xml", 0) == 0);
    CHECK(junit.out.find("<failure") != std::string::npos);
    // A block is a failure whatever --fail-on says (SPEC §4); a notice only with notice.
    CHECK(sh("replay --format junit --fail-on never " + kMulti).out.find("<failure") !=
          std::string::npos);
    CHECK(sh("replay --format junit big.ndjson").out.find("<failure") == std::string::npos);
    CHECK(sh("replay --format junit --fail-on notice big.ndjson").out.find("<failure") !=
          std::string::npos);

    const auto nd = sh("replay --format ndjson " + kMulti);
    std::istringstream lines(nd.out);
    std::string line, last;
    int findings = 0;
    while (std::getline(lines, line)) {
        if (line.find("\"type\":\"finding\"") != std::string::npos) ++findings;
        last = line;
    }
    CHECK(findings == 2);  // POLLING and LARGE_LOAD
    CHECK(last.find("\"type\":\"summary\"") != std::string::npos);
}

TEST_CASE("cli: compressed, multi-frame, gzip and stdin inputs give the same numbers", "[cli]") {
    tio::TempDir dir;
    const std::string plain = slurp(fixture("acme.ndjson"));
    const std::string zst = dir.write("a.zst", tio::zstd_frames(plain, 4096));
    const std::string gz = dir.write("a.gz", tio::gzip_member(plain.substr(0, 10000)) +
                                                 tio::gzip_member(plain.substr(10000)));
    const auto want = run("stats --format csv " + fixture("acme.ndjson"));
    REQUIRE(want.code == 0);
    CHECK(run("stats --format csv " + zst).out == want.out);
    CHECK(run("stats --format csv " + gz).out == want.out);
    CHECK(run("stats --format csv -", zst).out == want.out);
}

TEST_CASE("cli: several files merge by time, whatever their order", "[cli]") {
    const auto ab = sh("stats --format csv acme.ndjson big.ndjson");
    const auto ba = sh("stats --format csv big.ndjson acme.ndjson");
    CHECK(ab.out == ba.out);
}

TEST_CASE("cli: a truncated or corrupt stream is exit 2 with file and byte offset", "[cli]") {
    tio::TempDir dir;
    const std::string plain = slurp(fixture("acme.ndjson"));
    const std::string z = tio::zstd_frames(plain, 8192);
    const std::string cut = dir.write("cut.ndjson.zst", z.substr(0, z.size() - 100));
    auto r = run("replay --format json " + cut);
    CHECK(r.code == 2);
    CHECK(r.err.find(cut + ": byte ") != std::string::npos);
    CHECK(r.out.find("\"complete\": false") != std::string::npos);
    CHECK(r.out.find("\"hits\": 0,") == std::string::npos);  // hits before the fault count

    const std::string g = tio::gzip_member(plain);
    const std::string gcut = dir.write("cut.ndjson.gz", g.substr(0, g.size() / 2));
    r = run("stats --format json " + gcut);
    CHECK(r.code == 2);
    CHECK(r.err.find(gcut + ": byte ") != std::string::npos);

    std::string spoiled = z;
    spoiled[spoiled.size() / 2] ^= 0x55;
    spoiled[spoiled.size() / 2 + 1] ^= 0x55;
    const std::string bad = dir.write("bad.zst", spoiled);
    r = run("replay --format json " + bad);
    CHECK(r.code == 2);
    CHECK(r.err.find(bad + ": byte ") != std::string::npos);
}

TEST_CASE("cli: missing files, directories and usage errors are exit 2", "[cli]") {
    auto r = run("replay /nonexistent/x.log");
    CHECK(r.code == 2);
    CHECK(r.err.find("/nonexistent/x.log") != std::string::npos);
    r = run(std::string("replay ") + B24_FIXTURES);
    CHECK(r.code == 2);
    CHECK(r.err.find("directory") != std::string::npos);
    CHECK(run("replay").code == 2);
    CHECK(run("replay --format xml " + fixture("acme.ndjson")).code == 2);
    CHECK(run("replay --max-skew abc " + fixture("acme.ndjson")).code == 2);
    CHECK(run("stats --by portal,week " + fixture("acme.ndjson")).code == 2);
    CHECK(run("nosuchcommand").code == 2);
}

TEST_CASE("cli: garbage, NUL bytes, invalid UTF-8 and a 20 MiB line never crash", "[cli]") {
    tio::TempDir dir;
    std::string garbage;
    std::uint32_t x = 12345;
    for (int i = 0; i < 200000; ++i) {
        x = x * 1664525u + 1013904223u;
        garbage += static_cast<char>(x >> 24);
    }
    auto r = run("replay --format json --fail-on never " + dir.write("garbage.bin", garbage));
    CHECK(r.code == 0);
    CHECK(r.out.find("\"bad_lines\": 0,") == std::string::npos);

    const std::string good = "{\"ts\":1795849200,\"portal\":\"p.bitrix24.com\",\"method\":\"user.get\"}\n";
    std::string odd = good + "{\"ts\":1,\"portal\":\"a\0b\",\"method\":\"x\"}\n"s +
                      "{\"ts\":1795849201,\"portal\":\"\xff\xfe\",\"method\":\"user.get\"}\n" +
                      "\0\0\0\n"s + good;
    r = run("stats --format json " + dir.write("odd.ndjson", odd));
    CHECK(r.code == 0);
    CHECK(r.out.find("\"bad_lines\": 3,") != std::string::npos);
    CHECK(r.out.find("\"hits\": 2,") != std::string::npos);

    // A valid hit 20 MiB long (a huge unknown field), then a 20 MiB line of junk.
    std::string big = "{\"ts\":1795849200,\"portal\":\"p\",\"method\":\"m\",\"pad\":\"" +
                      std::string(20u << 20, 'x') + "\"}\n" + std::string(20u << 20, '{') + "\n";
    r = run("stats --format csv --by portal " + dir.write("big.ndjson", big));
    CHECK(r.code == 0);
    CHECK(r.out == "portal,hits,cost_s,cost_unknown,refused\np,1,0.0,1,0\n");
}

TEST_CASE("cli: --strict stops at the first bad line with its place", "[cli]") {
    // One thread parses line by line; more parse runs on workers: the same first line.
    for (const char* threads : {"1", "2"}) {
        INFO("--threads " << threads);
        const auto r = sh(std::string("replay --strict --threads ") + threads + " acme.ndjson");
        CHECK(r.code == 2);
        CHECK(r.err.find("acme.ndjson:51") != std::string::npos);
        CHECK(r.err.find("missing field \"ts\"") != std::string::npos);
    }
}

TEST_CASE("cli: bad lines are counted and placed, and their secrets redacted", "[cli]") {
    tio::TempDir dir;
    const std::string f = dir.write(
        "s.ndjson",
        "{\"ts\":1795849200,\"portal\":\"p\",\"method\":\"m\",\"webhook\":\"1/topsecretvalue\"}\n"
        "{\"ts\":\"yesterday\",\"portal\":\"p\",\"method\":\"m\",\"webhook\":\"1/topsecretvalue\"}\n");
    auto r = run("replay --format json " + f);
    CHECK(r.code == 0);
    CHECK(r.out.find(f + ":2\"") != std::string::npos);
    for (const char* threads : {"1", "2"}) {
        INFO("--threads " << threads);
        r = run(std::string("replay --strict --threads ") + threads + " " + f);
        CHECK(r.code == 2);
        CHECK(r.err.find(f + ":2") != std::string::npos);
        CHECK(r.err.find("topsecretvalue") == std::string::npos);
        CHECK(r.out.find("topsecretvalue") == std::string::npos);
    }
}

TEST_CASE("cli: rules --print-default round-trips through rules --check and --rules", "[cli]") {
    tio::TempDir dir;
    const auto def = run("rules --print-default");
    CHECK(def.code == 0);
    const std::string f = dir.write("rules.json", def.out);
    const auto chk = run("rules --check " + f);
    CHECK(chk.code == 0);
    CHECK(chk.out.find("ok") != std::string::npos);
    // Same policy, same identity: a report under the printed file equals the default one.
    CHECK(sh("replay --format json --rules " + f + " " + kMulti).out ==
          sh("replay --format json " + kMulti).out);

    const std::string bad = dir.write(
        "bad.json", "{\"plans\":{\"standard\":{\"capacity\":0}},\"operating\":{\"windw_s\":1}}");
    const auto b = run("rules --check " + bad);
    CHECK(b.code == 2);
    CHECK(b.err.find("$.plans.standard.capacity") != std::string::npos);
    CHECK(b.err.find("$.operating.windw_s") != std::string::npos);
    CHECK(run("replay --rules " + bad + " " + fixture("acme.ndjson")).code == 2);
}

TEST_CASE("cli: --rules and --plan change the verdicts", "[cli]") {
    tio::TempDir dir;
    // Operating limit raised: the helpdesk apps are no longer refused.
    const std::string f = dir.write("r.json", "{\"operating\":{\"limit_s\":600}}");
    const auto r = sh("replay --format json --rules " + f + " acme.ndjson");
    CHECK(r.code == 0);
    CHECK(r.out.find("\"OPERATION_TIME_LIMIT\": 0") != std::string::npos);
    CHECK(r.out.find("\"OPERATION_TIME_LIMIT\": 20") == std::string::npos);
    CHECK(run("replay --plan gold " + fixture("acme.ndjson")).code == 2);
    // --plan names the plan of portals the hits and the rules leave open.
    const auto ent = sh("replay --format json --plan enterprise acme.ndjson");
    CHECK(ent.out.find("\"plan\": \"standard\"") == std::string::npos);
    CHECK(ent.out.find("\"plan\": \"enterprise\"") != std::string::npos);
}

TEST_CASE("cli: --version and --help on every subcommand", "[cli]") {
    CHECK(run("--version").out.rfind("b24load ", 0) == 0);
    for (const char* c : {"replay", "stats", "rules", "synth"}) {
        const auto r = run(std::string(c) + " --help");
        INFO(c);
        CHECK(r.code == 0);
        CHECK(r.out.find("Usage") != std::string::npos);
    }
}
