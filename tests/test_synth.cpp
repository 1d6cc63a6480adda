#include <catch2/catch.hpp>
#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "error.h"
#include "micros.h"
#include "synth.h"

using namespace b24;

namespace {

std::string generate(SynthOptions opt) {
    std::ostringstream out;
    synth(out, opt);
    return out.str();
}

SynthOptions options(std::uint64_t seed, std::uint64_t bytes, std::string format = "ndjson",
                     std::string compression = "none") {
    SynthOptions o;
    o.seed = seed;
    o.target_bytes = bytes;
    o.format = std::move(format);
    o.compression = std::move(compression);
    return o;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        REQUIRE(nl != std::string::npos);  // every line ends with a newline
        out.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

// Decompresses every zstd frame; returns the text and counts the frames.
std::string unzstd(const std::string& z, int& frames) {
    std::string out;
    frames = 0;
    std::size_t pos = 0;
    while (pos < z.size()) {
        const std::size_t size = ZSTD_findFrameCompressedSize(z.data() + pos, z.size() - pos);
        REQUIRE_FALSE(ZSTD_isError(size));
        ZSTD_DCtx* d = ZSTD_createDCtx();
        ZSTD_inBuffer in{z.data() + pos, size, 0};
        std::vector<char> buf(ZSTD_DStreamOutSize());
        std::size_t r = 1;
        while (in.pos < in.size) {
            ZSTD_outBuffer o{buf.data(), buf.size(), 0};
            r = ZSTD_decompressStream(d, &o, &in);
            REQUIRE_FALSE(ZSTD_isError(r));
            out.append(buf.data(), o.pos);
        }
        ZSTD_freeDCtx(d);
        CHECK(r == 0);  // the frame is complete
        pos += size;
        ++frames;
    }
    return out;
}

// Decompresses every gzip member; returns the text and counts the members.
std::string ungzip(const std::string& z, int& members) {
    std::string out;
    members = 0;
    z_stream s{};
    REQUIRE(inflateInit2(&s, 15 + 16) == Z_OK);
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(z.data()));
    s.avail_in = static_cast<uInt>(z.size());
    std::vector<char> buf(1 << 16);
    while (s.avail_in > 0) {
        s.next_out = reinterpret_cast<Bytef*>(buf.data());
        s.avail_out = static_cast<uInt>(buf.size());
        const int rc = inflate(&s, Z_NO_FLUSH);
        REQUIRE((rc == Z_OK || rc == Z_STREAM_END));
        out.append(buf.data(), buf.size() - s.avail_out);
        if (rc == Z_STREAM_END) {
            ++members;
            inflateReset(&s);
        }
    }
    inflateEnd(&s);
    return out;
}

// What SPEC §2.1 asks of a hit line, checked with the simdjson DOM: an object with a time
// (number or RFC 3339 string, under `ts` or an alias), a portal and a method as strings,
// and fields of the right types. Returns "" for a good line, else why it is bad.
std::string why_bad(simdjson::dom::parser& parser, const std::string& line) {
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc)) return "not JSON";
    simdjson::dom::object obj;
    if (doc.get_object().get(obj)) return "not an object";
    auto field = [&](const char* k) { return obj[k]; };
    simdjson::dom::element ts;
    if (field("ts").get(ts) && field("@timestamp").get(ts) && obj.at_pointer("/time/start").get(ts))
        return "no time";
    if (ts.is_string()) {
        if (!rfc3339_to_micros(std::string_view(ts.get_string().value()))) return "bad time";
    } else if (!ts.is_number()) {
        return "time of a wrong type";
    }
    simdjson::dom::element portal, method;
    if (field("portal").get(portal) && field("host").get(portal) && field("domain").get(portal))
        return "no portal";
    if (!portal.is_string()) return "portal not a string";
    if (field("method").get(method)) return "no method";
    if (!method.is_string()) return "method not a string";
    simdjson::dom::element e;
    if (!field("duration").get(e) && !e.is_number()) return "duration not a number";
    if (!field("status").get(e) && !e.is_int64()) return "status not an integer";
    if (!field("cmd").get(e)) {
        std::size_t n = 0;
        if (e.is_array()) {
            for (auto c : e.get_array()) n += c.is_string() ? 1 : 1000;
        } else if (e.is_object()) {
            for (auto kv : e.get_object()) n += kv.value.is_string() ? 1 : 1000;
        } else {
            return "cmd of a wrong type";
        }
        if (n == 0 || n > 50) return "cmd with a wrong count";
    }
    return "";
}

// The time of a good hit line in µs, from the number's own text (On-Demand keeps it).
std::int64_t time_of(simdjson::ondemand::parser& parser, const std::string& line) {
    simdjson::padded_string padded(line);
    simdjson::ondemand::document doc = parser.iterate(padded);
    auto from = [](simdjson::ondemand::value v) -> std::int64_t {
        if (v.type() == simdjson::ondemand::json_type::string)
            return rfc3339_to_micros(std::string_view(v.get_string().value())).value();
        std::string_view text = v.raw_json_token();
        while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
        return decimal_to_micros(text).value();
    };
    for (auto field : doc.get_object()) {
        const std::string_view key = field.unescaped_key().value();
        if (key == "ts" || key == "@timestamp") return from(field.value());
        if (key == "time") return from(field.value().find_field_unordered("start").value());
    }
    FAIL("no time in " << line);
    return 0;
}

}  // namespace

TEST_CASE("synth: the same seed writes the same bytes, another seed others", "[synth]") {
    const std::string a = generate(options(7, 300'000));
    CHECK(a == generate(options(7, 300'000)));
    CHECK(a != generate(options(8, 300'000)));
    const std::string access = generate(options(7, 300'000, "access"));
    CHECK(access == generate(options(7, 300'000, "access")));
    CHECK(access != a);
}

TEST_CASE("synth: the size is honoured, in whole lines", "[synth]") {
    for (const std::uint64_t target : {1ull, 10'000ull, 250'000ull, 1'000'000ull}) {
        for (const char* format : {"ndjson", "access"}) {
            const std::string s = generate(options(3, target, format));
            CHECK(s.size() >= target);
            CHECK(s.size() < target + 8'192);  // at most one more line (a batch, a bad line)
            CHECK(s.back() == '\n');
        }
    }
    CHECK(generate(options(3, 0)).empty());
}

TEST_CASE("synth: a smaller size writes a prefix of a larger one", "[synth]") {
    const std::string small = generate(options(11, 100'000));
    const std::string large = generate(options(11, 400'000));
    CHECK(large.compare(0, small.size(), small) == 0);
}

TEST_CASE("synth: zstd output decompresses to the plain bytes, one frame or many", "[synth]") {
    const std::string plain = generate(options(5, 600'000));
    int frames = 0;
    CHECK(unzstd(generate(options(5, 600'000, "ndjson", "zstd")), frames) == plain);
    CHECK(frames == 1);

    SynthOptions multi = options(5, 600'000, "ndjson", "zstd");
    multi.frame_bytes = 100'000;  // frames end mid-line, as pzstd's do
    const std::string z = generate(multi);
    CHECK(unzstd(z, frames) == plain);
    CHECK(frames == static_cast<int>((plain.size() + 99'999) / 100'000));
    REQUIRE(z.size() > 4);
    CHECK(z.compare(0, 4, "\x28\xb5\x2f\xfd") == 0);  // the zstd magic
}

TEST_CASE("synth: gzip output decompresses to the plain bytes, one member or many",
          "[synth]") {
    const std::string plain = generate(options(5, 300'000, "access"));
    int members = 0;
    SynthOptions one = options(5, 300'000, "access", "gzip");
    one.level = 6;
    const std::string z = generate(one);
    REQUIRE(z.size() > 2);
    CHECK(static_cast<unsigned char>(z[0]) == 0x1f);  // the gzip magic
    CHECK(static_cast<unsigned char>(z[1]) == 0x8b);
    CHECK(ungzip(z, members) == plain);
    CHECK(members == 1);

    one.frame_bytes = 64 * 1024;
    CHECK(ungzip(generate(one), members) == plain);
    CHECK(members == static_cast<int>((plain.size() + 65'535) / 65'536));
}

TEST_CASE("synth: an empty output is still a valid compressed file", "[synth]") {
    int n = 0;
    CHECK(unzstd(generate(options(1, 0, "ndjson", "zstd")), n).empty());
    CHECK(n == 1);
    CHECK(ungzip(generate(options(1, 0, "ndjson", "gzip")), n).empty());
    CHECK(n == 1);
}

TEST_CASE("synth: NDJSON lines are hits, bar a sprinkle of deliberately bad ones", "[synth]") {
    simdjson::dom::parser parser;
    SynthOptions opt = options(9, 3'000'000);
    const auto lines = lines_of(generate(opt));
    std::size_t bad = 0;
    for (const auto& l : lines) bad += !why_bad(parser, l).empty();
    CHECK(bad >= 1);                    // even a small sample has one
    CHECK(bad * 2'000 < lines.size());  // ~0.01 %, far below 0.05 %

    opt.bad_lines = false;
    const auto clean = lines_of(generate(opt));
    for (const auto& l : clean) {
        INFO(l);
        REQUIRE(why_bad(parser, l).empty());
    }
}

TEST_CASE("synth: time runs forward, bar a jitter of under 5 s", "[synth]") {
    simdjson::ondemand::parser parser;
    SynthOptions opt = options(4, 2'000'000);
    opt.bad_lines = false;
    const auto lines = lines_of(generate(opt));
    std::int64_t newest = 0, worst = 0;
    std::size_t behind = 0;
    for (const auto& l : lines) {
        const std::int64_t t = time_of(parser, l);
        if (t < newest) {
            ++behind;
            worst = std::max(worst, newest - t);
        }
        newest = std::max(newest, t);
    }
    CHECK(behind > 0);  // the reordering gets some work
    CHECK(behind * 100 < lines.size());
    CHECK(worst < 5'000'000);
    CHECK(time_of(parser, lines.front()) >= opt.start_us);
}

TEST_CASE("synth: the NDJSON traffic has the promised mix", "[synth]") {
    simdjson::dom::parser parser;
    SynthOptions opt = options(7, 1'500'000);
    opt.bad_lines = false;
    const auto lines = lines_of(generate(opt));
    std::set<std::string> portals, ips, errors, time_forms;
    std::size_t batches = 0, no_duration = 0, enterprise = 0, webhooks = 0, unknown_fields = 0;
    std::size_t longest_batch = 0;
    for (const auto& l : lines) {
        simdjson::dom::object o = parser.parse(l).get_object().value();
        std::string_view s;
        if (!o["portal"].get(s) || !o["host"].get(s) || !o["domain"].get(s)) portals.insert(std::string(s));
        if (!o["ip"].get(s) || !o["client_ip"].get(s) || !o["remote_addr"].get(s)) ips.insert(std::string(s));
        if (!o["error"].get(s)) errors.insert(std::string(s));
        if (!o["plan"].get(s) && s == "enterprise") ++enterprise;
        if (!o["webhook"].get(s)) {
            ++webhooks;
            // "USER_ID/SECRET" with a made-up hex secret of 16 digits.
            const auto slash = s.find('/');
            REQUIRE(slash != std::string_view::npos);
            CHECK(s.size() - slash - 1 == 16);
        }
        simdjson::dom::element e;
        if (o["duration"].error() && o.at_pointer("/time/duration").error()) ++no_duration;
        if (!o["cmd"].get(e)) {
            ++batches;
            const std::size_t n = e.is_array() ? e.get_array().size() : e.get_object().size();
            longest_batch = std::max(longest_batch, n);
        }
        if (!o["ts"].get(e)) time_forms.insert(e.is_string() ? "rfc3339" : "epoch");
        if (!o["@timestamp"].error()) time_forms.insert("@timestamp");
        if (!o.at_pointer("/time/start").error()) time_forms.insert("time.start");
        if (!o["request_id"].error() || !o["ua"].error() || !o["trace"].error()) ++unknown_fields;
    }
    CHECK(portals.size() >= 5);
    CHECK(portals.count("bigcorp.bitrix24.com") == 1);
    CHECK(ips.size() >= 8);
    CHECK(errors.count("QUERY_LIMIT_EXCEEDED") == 1);   // the bursty and the retrying clients
    CHECK(errors.count("OPERATION_TIME_LIMIT") == 1);   // a method pushed past 480 s
    CHECK(time_forms.size() == 4);
    CHECK(batches > 50);
    CHECK(longest_batch == 50);
    CHECK(enterprise > 100);
    CHECK(webhooks > 100);
    CHECK(unknown_fields > 10);
    CHECK(no_duration * 200 > lines.size());  // ~2 %
    CHECK(no_duration * 20 < lines.size());
}

TEST_CASE("synth: access-log lines are vhost_combined with a request time", "[synth]") {
    SynthOptions opt = options(7, 1'000'000, "access");
    const auto lines = lines_of(generate(opt));
    // portal:443 client - - [time] "METHOD PATH PROTO" status bytes "referer" "agent" [time]
    const std::regex combined(
        R"(^[a-z0-9.-]+:443 [0-9.]+ - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] )"
        R"re("(GET|POST) (\S+) HTTP/[0-9.]+" \d{3} \d+ "-" "[^"]*"( \d+\.\d{3})?$)re");
    std::size_t rest = 0, webhook = 0, app = 0, other = 0, with_time = 0, odd = 0;
    std::smatch m;
    for (const auto& l : lines) {
        if (!std::regex_match(l, m, combined)) {
            ++odd;  // the deliberately bad lines
            continue;
        }
        const std::string path = m[2];
        if (path.rfind("/rest/", 0) != 0) {
            ++other;
            continue;
        }
        ++rest;
        if (path.find("?auth=") != std::string::npos) ++app;
        else if (std::count(path.begin(), path.end(), '/') == 4) ++webhook;  // /rest/ID/SECRET/m
        if (m[3].matched) ++with_time;
    }
    CHECK(odd >= 1);
    CHECK(odd * 2'000 < lines.size());
    CHECK(other > 10);  // pages and scripts: skipped, not hits
    CHECK(other * 10 < rest);
    CHECK(webhook > 100);
    CHECK(app > 100);
    CHECK(with_time * 100 > rest * 95);  // ~2 % without
    CHECK(with_time < rest);
}

TEST_CASE("synth: impossible options are refused", "[synth]") {
    SynthOptions o = options(1, 1000);
    o.format = "xml";
    CHECK_THROWS_AS(generate(o), Error);
    o = options(1, 1000, "ndjson", "lz4");
    CHECK_THROWS_AS(generate(o), Error);
    o = options(1, 1000, "ndjson", "gzip");
    o.level = 10;
    CHECK_THROWS_AS(generate(o), Error);
    o = options(1, 1000, "ndjson", "zstd");
    o.level = 99;
    CHECK_THROWS_AS(generate(o), Error);
}
