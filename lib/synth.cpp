// `b24load synth`: deterministic, realistic multi-portal Bitrix24 REST traffic as NDJSON
// (SPEC §2.1) or access-log lines (SPEC §2.2), streamed through zstd or gzip.
//
// How it works: a small discrete-event simulation. Each *actor* (a webhook, one worker of an
// app, one worker of an export job...) wakes up at times of its own and makes at most one
// REST call per wake-up; a priority queue runs the actors in time order, so the log comes out
// sorted (then a few lines get a small clock jitter on purpose). Each call goes through a
// model of the server — the leaky bucket per (portal, ip) and the operating time per
// (portal, method) of SPEC §3.2/§3.3 — which decides the status the log records and lets
// the clients react as real ones do: the polite exporter waits for the method's reset, the
// careless client retries a 503 at once. Overload blocking (§3.4) is *not* modelled: finding
// it is the replay's job, and the log is "what happened without it".
//
// The traffic does not depend on the output format: the simulation draws from its own
// random streams, the rendering (jitter, bad lines, decorations) from another.
// Everything random comes from our own xoshiro256** and integer arithmetic, never from
// <random> distributions (whose output differs between standard libraries), so the bytes
// depend only on the options (and, compressed, on the zstd/zlib version).
#include "synth.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error.h"
#include "hit.h"  // IntegrationKind

namespace b24 {
namespace {

constexpr std::int64_t kMs = 1'000;
constexpr std::int64_t kSec = 1'000'000;
constexpr std::int64_t kMin = 60 * kSec;
constexpr std::int64_t kHour = 60 * kMin;
constexpr std::int64_t kNever = INT64_MAX;

// ---------------------------------------------------------------------------------------
// Random numbers

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// A stable hash of a few numbers: for values that several actors must agree on.
std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    std::uint64_t x = a ^ (b * 0xd1342543de82ef95ull);
    return splitmix64(x);
}

// Quantiles -ln(k/64) of Exp(1), in millionths, k = 1..64: the exponential sampler below
// interpolates linearly inside each 1/64 bin (exact enough, and no libm involved).
constexpr std::array<std::int64_t, 64> kExpQuantile = {
    4158883, 3465736, 3060271, 2772589, 2549445, 2367124, 2212973, 2079442, 1961659, 1856298,
    1760988, 1673976, 1593934, 1519826, 1450833, 1386294, 1325670, 1268511, 1214444, 1163151,
    1114361, 1067841, 1023389, 980829,  940007,  900787,  863046,  826679,  791587,  757686,
    724896,  693147,  662376,  632523,  603535,  575364,  547965,  521297,  495321,  470004,
    445311,  421213,  397683,  374693,  352221,  330242,  308735,  287682,  267063,  246860,
    227057,  207639,  188591,  169899,  151550,  133531,  115832,  98440,   81346,   64539,
    48009,   31749,   15748,   0};

class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        for (auto& w : s_) w = splitmix64(seed);
    }
    std::uint64_t next() {  // xoshiro256**
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // Uniform in [0, n) (n ≥ 1); the modulo bias is below 2^-40 for the n used here.
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    // Uniform in [lo, hi].
    std::int64_t range(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
    }
    bool chance(std::uint64_t per_million) { return below(1'000'000) < per_million; }
    // Exponentially distributed with the given mean.
    std::int64_t exp(std::int64_t mean) {
        std::int64_t base = 0;  // millionths
        for (;;) {
            const auto bin = static_cast<std::size_t>(below(64));
            const auto frac = static_cast<std::int64_t>(below(1'000'000));
            if (bin == 0) {  // the tail is again exponential (memoryless): shift and redraw
                base += kExpQuantile[0];
                if (base > 40'000'000) return mean * 40;
                continue;
            }
            const std::int64_t hi = kExpQuantile[bin - 1], lo = kExpQuantile[bin];
            return mean * (base + lo + (hi - lo) * frac / 1'000'000) / 1'000'000;
        }
    }
    // Roughly log-normal spread around `median`: a typical server-time shape.
    std::int64_t around(std::int64_t median) {
        // Sum of two uniforms in [-1, 1] as a power of ~2.7: median·[0.37, 2.7], peaked.
        const std::int64_t k = range(0, 100) + range(0, 100) - 100;  // -100..100, triangular
        std::int64_t v = median;
        if (k >= 0) v += median * k * 17 / 1000;  // up to 2.7×
        else v += median * k * 63 / 10000;        // down to 0.37×
        if (chance(8'000)) v *= range(4, 12);     // the occasional slow call
        return std::max<std::int64_t>(v, 1 * kMs);
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

std::string hex(Rng& r, int digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < digits; ++i) s += kHex[r.below(16)];
    return s;
}

// ---------------------------------------------------------------------------------------
// Output: a line buffer, and the sink that compresses

class Buf {
public:
    void clear() { n_ = 0; }
    std::size_t size() const { return n_; }
    std::string_view view() const { return {v_.data(), n_}; }
    void truncate(std::size_t n) { n_ = std::min(n, n_); }
    Buf& put(std::string_view s) {
        room(s.size());
        std::memcpy(v_.data() + n_, s.data(), s.size());
        n_ += s.size();
        return *this;
    }
    Buf& put(char c) {
        room(1);
        v_[n_++] = c;
        return *this;
    }
    Buf& num(std::int64_t v) {
        room(24);
        n_ = static_cast<std::size_t>(std::to_chars(v_.data() + n_, v_.data() + n_ + 24, v).ptr -
                                      v_.data());
        return *this;
    }
    // v zero-padded to `width` digits (v ≥ 0).
    Buf& pad(std::int64_t v, int width) {
        room(static_cast<std::size_t>(width));
        for (int i = width - 1; i >= 0; --i) {
            v_[n_ + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
        n_ += static_cast<std::size_t>(width);
        return *this;
    }
    // Micro-units as a decimal with `decimals` (1..6) digits, truncated: 1234567 -> "1.234".
    Buf& micros(std::int64_t v, int decimals) {
        num(v / kSec).put('.');
        std::int64_t frac = v % kSec;
        for (int i = decimals; i < 6; ++i) frac /= 10;
        return pad(frac, decimals);
    }

private:
    void room(std::size_t k) {
        if (n_ + k > v_.size()) v_.resize(std::max<std::size_t>(v_.size() * 2, n_ + k + 4096));
    }
    std::vector<char> v_;
    std::size_t n_ = 0;
};

// Streams bytes to `out`, compressed as asked. With frame_bytes, a zstd frame (or a gzip
// member) ends after every frame_bytes bytes of input, wherever that falls (mid-line, as
// pzstd does), so readers meet lines split across frames.
class Sink {
public:
    Sink(std::ostream& out, const SynthOptions& opt)
        : out_(out), frame_bytes_(opt.frame_bytes) {
        if (opt.compression == "zstd") {
            if (opt.level < ZSTD_minCLevel() || opt.level > ZSTD_maxCLevel())
                throw Error("--level", "zstd levels are " + std::to_string(ZSTD_minCLevel()) +
                                           ".." + std::to_string(ZSTD_maxCLevel()));
            zstd_ = ZSTD_createCCtx();
            if (!zstd_) throw Error("", "out of memory");
            ZSTD_CCtx_setParameter(zstd_, ZSTD_c_compressionLevel, opt.level);
            ZSTD_CCtx_setParameter(zstd_, ZSTD_c_checksumFlag, 1);  // as the zstd CLI does
            obuf_.resize(ZSTD_CStreamOutSize());
        } else if (opt.compression == "gzip") {
            if (opt.level < 0 || opt.level > 9) throw Error("--level", "gzip levels are 0..9");
            // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
            if (deflateInit2(&gz_, opt.level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
                Z_OK)
                throw Error("", "zlib: cannot start a gzip stream");
            gzip_ = true;
            obuf_.resize(256 * 1024);
        } else if (opt.compression != "none") {
            throw Error("--compress", "expected none, zstd or gzip, not \"" +
                                          opt.compression + "\"");
        }
        ibuf_.reserve(kChunk + 64 * 1024);
    }
    ~Sink() {
        if (zstd_) ZSTD_freeCCtx(zstd_);
        if (gzip_) deflateEnd(&gz_);
    }
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;

    void write(std::string_view s) {
        ibuf_.append(s);
        raw_ += s.size();
        if (ibuf_.size() >= kChunk) drain();
    }
    std::uint64_t raw_bytes() const { return raw_; }

    void finish() {
        drain();
        if (zstd_ || gzip_) {
            // Close the open frame; an empty input still gets one (empty) frame, so the
            // output is a valid compressed file.
            if (in_frame_ > 0 || frames_ == 0) end_frame();
        }
        out_.flush();
        if (!out_) throw Error("", "write failed");
    }

private:
    static constexpr std::size_t kChunk = 1 << 20;

    void drain() {
        const char* p = ibuf_.data();
        std::size_t n = ibuf_.size();
        while (n > 0) {
            std::size_t take = n;
            if (frame_bytes_ > 0 && (zstd_ || gzip_))
                take = static_cast<std::size_t>(
                    std::min<std::uint64_t>(n, frame_bytes_ - in_frame_));
            compress(p, take);
            p += take;
            n -= take;
            in_frame_ += take;
            if (frame_bytes_ > 0 && in_frame_ == frame_bytes_) end_frame();
        }
        ibuf_.clear();
    }

    void compress(const char* p, std::size_t n) {
        if (zstd_) {
            ZSTD_inBuffer in{p, n, 0};
            while (in.pos < in.size) {
                ZSTD_outBuffer o{obuf_.data(), obuf_.size(), 0};
                const std::size_t r = ZSTD_compressStream2(zstd_, &o, &in, ZSTD_e_continue);
                if (ZSTD_isError(r)) throw Error("", std::string("zstd: ") + ZSTD_getErrorName(r));
                emit(obuf_.data(), o.pos);
            }
        } else if (gzip_) {
            gz_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
            gz_.avail_in = static_cast<uInt>(n);
            while (gz_.avail_in > 0) {
                gz_.next_out = reinterpret_cast<Bytef*>(obuf_.data());
                gz_.avail_out = static_cast<uInt>(obuf_.size());
                if (deflate(&gz_, Z_NO_FLUSH) == Z_STREAM_ERROR)
                    throw Error("", "zlib: deflate failed");
                emit(obuf_.data(), obuf_.size() - gz_.avail_out);
            }
        } else {
            emit(p, n);
        }
    }

    void end_frame() {
        if (zstd_) {
            ZSTD_inBuffer in{nullptr, 0, 0};
            std::size_t left = 0;
            do {
                ZSTD_outBuffer o{obuf_.data(), obuf_.size(), 0};
                left = ZSTD_compressStream2(zstd_, &o, &in, ZSTD_e_end);
                if (ZSTD_isError(left))
                    throw Error("", std::string("zstd: ") + ZSTD_getErrorName(left));
                emit(obuf_.data(), o.pos);
            } while (left != 0);
        } else if (gzip_) {
            int rc = Z_OK;
            gz_.next_in = nullptr;
            gz_.avail_in = 0;
            do {
                gz_.next_out = reinterpret_cast<Bytef*>(obuf_.data());
                gz_.avail_out = static_cast<uInt>(obuf_.size());
                rc = deflate(&gz_, Z_FINISH);
                if (rc == Z_STREAM_ERROR) throw Error("", "zlib: deflate failed");
                emit(obuf_.data(), obuf_.size() - gz_.avail_out);
            } while (rc != Z_STREAM_END);
            deflateReset(&gz_);  // the next member starts with a fresh gzip header
        }
        in_frame_ = 0;
        ++frames_;
    }

    void emit(const char* p, std::size_t n) {
        if (n == 0) return;
        out_.write(p, static_cast<std::streamsize>(n));
        if (!out_) throw Error("", "write failed");
    }

    std::ostream& out_;
    std::uint64_t frame_bytes_;
    std::uint64_t in_frame_ = 0, frames_ = 0, raw_ = 0;
    std::string ibuf_;
    std::vector<char> obuf_;
    ZSTD_CCtx* zstd_ = nullptr;
    z_stream gz_{};
    bool gzip_ = false;
};

// ---------------------------------------------------------------------------------------
// The world: portals, methods, client identities

enum Method : int {
    kDealGet, kDealAdd, kDealUpdate, kDealList, kContactGet, kContactAdd, kContactUpdate,
    kContactList, kCompanyGet, kCompanyList, kLeadAdd, kLeadList, kActivityList, kActivityAdd,
    kTimelineCommentAdd, kItemList, kProductGet, kDuplicateFind, kTaskAdd, kTaskList,
    kNotify, kUserCurrent, kUserGet, kDepartmentGet, kCallRegister, kCallFinish,
    kCallAttachRecord, kBatch, kServerTime, kMethodCount
};

// As integrations write them (one in camelCase: method names compare case-insensitively).
constexpr std::array<std::string_view, kMethodCount> kMethodName = {
    "crm.deal.get", "crm.deal.add", "crm.deal.update", "crm.deal.list", "crm.contact.get",
    "crm.contact.add", "crm.contact.update", "crm.contact.list", "crm.company.get",
    "crm.company.list", "crm.lead.add", "crm.lead.list", "crm.activity.list",
    "crm.activity.add", "crm.timeline.comment.add", "crm.item.list", "crm.product.get",
    "crm.duplicate.findbycomm", "tasks.task.add", "tasks.task.list", "im.notify.system.add",
    "user.current", "user.get", "department.get", "telephony.externalcall.register",
    "telephony.externalcall.finish", "telephony.externalcall.attachRecord", "batch",
    "server.time"};

bool is_list(int m) {
    const std::string_view n = kMethodName[static_cast<std::size_t>(m)];
    return n.size() > 5 && n.substr(n.size() - 5) == ".list";
}

// How an integration's own logger writes its NDJSON lines (field names, time forms).
enum class Style {
    Epoch6,    // "ts":1795000000.123456 — the canonical form
    Epoch3,    // "ts":1795000000.123 (a logger with milliseconds)
    RfcZ,      // "ts":"2026-11-18T11:06:40.123456Z"
    RfcLocal,  // "ts":"2026-11-18T14:06:40.123+03:00" (the portal's offset)
    Bitrix,    // the shape of Bitrix24 responses: "time":{"start","duration","operating"},
               // "domain", "client_ip"
    Logstash,  // "@timestamp", "host", "remote_addr"
};

struct Portal {
    std::string name;
    bool enterprise = false;
    int tz_min = 0;              // UTC offset of the portal's own clock, minutes
    const char* plan_field = nullptr;  // "plan" written on its lines (some of them)
    int plan_pct = 0;            // ... on this share of its lines
};

struct Client {
    int portal = 0;
    IntegrationKind kind = IntegrationKind::App;
    std::string id;          // app client id, or "USER_ID/SECRET" of a webhook
    std::string user_id, secret;  // webhook parts (access-log URLs)
    int ip = 0;              // index into World::ips
    Style style = Style::Epoch6;
    std::string_view agent;  // access-log user agent
    std::uint64_t token_seed = 0;  // access-log auth tokens (they rotate every hour)
    int extra_pct = 0;       // share of lines with fields b24load does not know
};

struct Cmd {
    int method;
    std::int64_t start;
};

// One REST call as the client makes it.
struct Call {
    const Client* who = nullptr;
    int method = 0;
    std::int64_t cost_us = 0;       // server time if it executes
    std::int64_t start = -1;        // list offset (-1: none)
    std::int64_t object_id = -1;    // id= of get/update calls (access-log query)
    const std::vector<Cmd>* cmds = nullptr;  // batch commands
    bool cmd_object = false;        // batch cmd written as an object {"c0": ...}
};

// What the server did with it.
struct Outcome {
    int status = 200;
    std::string_view error;
    std::int64_t duration_us = 0;
    std::int64_t operating_us = 0;  // running sum of the (first) method in its window
    std::int64_t reset_at = 0;      // 429: when the method block ends
    bool logged_duration = true;    // false: the logger lost the time (~2 % of lines)
    bool ok() const { return status == 200; }
};

// The server model of SPEC §3.2 and §3.3, integer µs, so the log's statuses are those the
// replay would derive for the same traffic (bar what jitter and overload blocks change).
struct Bucket {
    std::int64_t level = 0;  // micro-hits
    std::int64_t t0 = 0;
};
struct MethodLoad {
    std::deque<std::pair<std::int64_t, std::int64_t>> window;  // (t, cost) in the last 600 s
    std::int64_t sum = 0;
    std::int64_t blocked_until = 0;
};

constexpr std::int64_t kOpWindow = 600 * kSec, kOpLimit = 480 * kSec, kOpBlock = 600 * kSec;

class World;

class Actor {
public:
    virtual ~Actor() = default;
    // Does what the actor does at `now` (at most one call) and says when it acts next.
    virtual std::int64_t act(World& w, std::int64_t now) = 0;
};

// Day and night: integrations of people (webhooks, telephony) are quieter at night.
int local_hour(const Portal& p, std::int64_t t) {
    const std::int64_t s = t / kSec + p.tz_min * 60;
    return static_cast<int>((s / 3600) % 24);
}

class Renderer;

class World {
public:
    World(const SynthOptions& opt, Sink& sink);
    ~World();
    void run();

    // The server's answer to `c` at `t`; the line is written.
    Outcome call(const Call& c, std::int64_t t);
    const Portal& portal(int i) const { return portals_[static_cast<std::size_t>(i)]; }
    const std::string& ip_name(int i) const { return ips_[static_cast<std::size_t>(i)]; }
    bool night(int portal_idx, std::int64_t t) const {
        const int h = local_hour(portal(portal_idx), t);
        return h < 8 || h >= 21;
    }

private:
    int add_portal(std::string name, bool enterprise, int tz_min, const char* plan = nullptr,
                   int plan_pct = 0);
    int ip(std::string addr);
    Client* client(int portal, IntegrationKind kind, std::string id, int ip, Style style,
                   std::string_view agent, int extra_pct = 0);
    Client* webhook(Rng& r, int portal, int user_id, int ip, Style style, std::string_view agent,
                    int extra_pct = 0);
    void populate();

    const SynthOptions& opt_;
    Sink& sink_;
    std::vector<Portal> portals_;
    std::vector<std::string> ips_;
    std::vector<std::unique_ptr<Client>> clients_;
    std::unique_ptr<Renderer> render_;
    std::vector<std::unique_ptr<Actor>> actors_;
    std::vector<Bucket> buckets_;          // portal × ip
    std::vector<MethodLoad> methods_;      // portal × method
    Buf line_, extra_;
    Rng lost_{0};  // which lines lose their duration (part of the traffic, not the format)
};

// ---------------------------------------------------------------------------------------
// Rendering: one simulated call to one line (or, now and then, a deliberately bad one)

// Hinnant's civil_from_days.
void civil(std::int64_t days, std::int64_t& y, int& m, int& d) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

// Deliberately bad NDJSON lines that are still JSON (the others are cut short or not JSON).
enum class Bad { None, NoMethod, WrongType };

class Renderer {
public:
    Renderer(const SynthOptions& opt, World& w)
        : access_(opt.format == "access"), bad_lines_(opt.bad_lines), w_(w),
          r_(mix(opt.seed, 0x5eed0f11e5ull)) {
        if (opt.format != "ndjson" && opt.format != "access")
            throw Error("--format", "expected ndjson or access, not \"" + opt.format + "\"");
        next_bad_ = static_cast<std::uint64_t>(r_.range(400, 1'600));
    }

    // Renders the call into `line` (with its newline); `extra` gets a line to write before it
    // (a bad line, a non-REST request), or stays empty.
    void render(const Call& c, const Outcome& o, std::int64_t t, Buf& line, Buf& extra) {
        line.clear();
        extra.clear();
        ++lines_;
        // A few lines are written late by their logger: a clock jitter under 5 s that the
        // reader's reordering must absorb.
        if (r_.chance(2'500)) t = std::max<std::int64_t>(0, t - r_.range(100 * kMs, 4'900 * kMs));
        const bool no_duration = !o.logged_duration;
        if (access_) {
            access_line(c, o, t, no_duration, line);
            if (r_.chance(30'000)) other_request(c, t, extra);
        } else {
            ndjson_line(c, o, t, no_duration, Bad::None, line);
        }
        line.put('\n');
        if (bad_lines_ && lines_ >= next_bad_) {
            // ~0.01 %: one bad line every 5 000..15 000 lines (the first one early, so even
            // a small sample has one).
            next_bad_ = lines_ + static_cast<std::uint64_t>(r_.range(5'000, 15'000));
            bad_line(c, o, t, line, extra);
        }
    }

private:
    // ---- NDJSON ----
    void ndjson_line(const Call& c, const Outcome& o, std::int64_t t, bool no_duration, Bad bad,
                     Buf& b) {
        const Client& cl = *c.who;
        const Portal& p = w_.portal(cl.portal);
        const std::string& ip = w_.ip_name(cl.ip);
        b.put('{');
        switch (cl.style) {
            case Style::Bitrix:
                b.put("\"time\":{\"start\":").micros(t, 6);
                if (!no_duration) {
                    // Bitrix24 prints more digits than µs; these round back to the same µs.
                    b.put(",\"duration\":").micros(o.duration_us, 6);
                    b.put(static_cast<char>('0' + r_.below(5))).put(static_cast<char>('0' + r_.below(10)));
                }
                b.put(",\"operating\":").micros(o.operating_us, 6).put('}');
                b.put(",\"domain\":\"").put(p.name).put('"');
                break;
            case Style::Logstash:
                b.put("\"@timestamp\":\"");
                rfc3339(b, t, 0, 3);
                b.put("\",\"host\":\"").put(p.name).put('"');
                break;
            default:
                b.put("\"ts\":");
                if (cl.style == Style::Epoch6) b.micros(t, 6);
                else if (cl.style == Style::Epoch3) b.micros(t, 3);
                else {
                    b.put('"');
                    if (cl.style == Style::RfcZ) rfc3339(b, t, 0, 6);
                    else rfc3339(b, t, p.tz_min, 3);
                    b.put('"');
                }
                b.put(",\"portal\":\"").put(p.name).put('"');
        }
        if (bad != Bad::NoMethod)
            b.put(",\"method\":\"").put(kMethodName[static_cast<std::size_t>(c.method)]).put('"');
        if (cl.kind == IntegrationKind::App) b.put(",\"app\":\"").put(cl.id).put('"');
        else if (cl.kind == IntegrationKind::Webhook) b.put(",\"webhook\":\"").put(cl.id).put('"');
        b.put(cl.style == Style::Bitrix     ? ",\"client_ip\":\""
              : cl.style == Style::Logstash ? ",\"remote_addr\":\""
                                            : ",\"ip\":\"")
            .put(ip)
            .put('"');
        if (cl.style != Style::Bitrix && !no_duration)
            b.put(",\"duration\":").micros(o.duration_us, cl.style == Style::Epoch3 ? 3 : 6);
        if (bad == Bad::WrongType) b.put(",\"status\":\"").num(o.status).put('"');  // a string
        else b.put(",\"status\":").num(o.status);
        if (!o.error.empty()) b.put(",\"error\":\"").put(o.error).put('"');
        if (c.cmds && !c.cmds->empty()) {
            b.put(c.cmd_object ? ",\"cmd\":{" : ",\"cmd\":[");
            int i = 0;
            for (const Cmd& cmd : *c.cmds) {
                if (i > 0) b.put(',');
                if (c.cmd_object) b.put("\"c").num(i).put("\":");
                b.put('"').put(kMethodName[static_cast<std::size_t>(cmd.method)]);
                b.put("?start=").num(cmd.start).put('"');
                ++i;
            }
            b.put(c.cmd_object ? '}' : ']');
        }
        if (c.start >= 0) {
            if (cl.extra_pct >= 50) b.put(",\"params\":{\"start\":").num(c.start).put('}');
            else b.put(",\"start\":").num(c.start);
        }
        if (p.plan_field && r_.below(100) < static_cast<std::uint64_t>(p.plan_pct))
            b.put(",\"plan\":\"").put(p.plan_field).put('"');
        if (cl.extra_pct > 0 && r_.below(100) < static_cast<std::uint64_t>(cl.extra_pct)) {
            // Fields b24load does not know (and must ignore).
            switch (r_.below(3)) {
                case 0: b.put(",\"request_id\":\"").put(hex(r_, 16)).put('"'); break;
                case 1: b.put(",\"ua\":\"").put(cl.agent).put('"'); break;
                default: b.put(",\"trace\":{\"span\":").num(r_.range(1, 99999)).put(",\"ok\":true}");
            }
        }
        b.put('}');
    }

    // "2026-11-18T11:06:40.123456Z" or "...+03:00" (the local time at that offset).
    void rfc3339(Buf& b, std::int64_t t, int tz_min, int decimals) {
        const std::int64_t local = t + tz_min * kMin;
        const std::int64_t secs = local / kSec;
        std::int64_t y = 0;
        int mo = 0, d = 0;
        civil(secs / 86400, y, mo, d);
        const std::int64_t sod = secs % 86400;
        b.pad(y, 4).put('-').pad(mo, 2).put('-').pad(d, 2).put('T');
        b.pad(sod / 3600, 2).put(':').pad(sod / 60 % 60, 2).put(':').pad(sod % 60, 2).put('.');
        std::int64_t frac = local % kSec;
        for (int i = decimals; i < 6; ++i) frac /= 10;
        b.pad(frac, decimals);
        if (tz_min == 0) {
            b.put('Z');
        } else {
            const int a = tz_min < 0 ? -tz_min : tz_min;
            b.put(tz_min < 0 ? '-' : '+').pad(a / 60, 2).put(':').pad(a % 60, 2);
        }
    }

    // ---- access log ----
    // "[18/Nov/2026:11:06:40 +0000]": nginx $time_local, in the portal's zone.
    void clf_time(Buf& b, std::int64_t t, int tz_min) {
        static constexpr std::string_view kMon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        const std::int64_t secs = (t + tz_min * kMin) / kSec;
        std::int64_t y = 0;
        int mo = 0, d = 0;
        civil(secs / 86400, y, mo, d);
        const std::int64_t sod = secs % 86400;
        b.put('[').pad(d, 2).put('/').put(kMon[mo - 1]).put('/').pad(y, 4).put(':');
        b.pad(sod / 3600, 2).put(':').pad(sod / 60 % 60, 2).put(':').pad(sod % 60, 2);
        const int a = tz_min < 0 ? -tz_min : tz_min;
        b.put(tz_min < 0 ? " -" : " +").pad(a / 60, 2).pad(a % 60, 2).put(']');
    }

    void access_line(const Call& c, const Outcome& o, std::int64_t t, bool no_duration, Buf& b) {
        const Client& cl = *c.who;
        const Portal& p = w_.portal(cl.portal);
        const std::string_view method = kMethodName[static_cast<std::size_t>(c.method)];
        b.put(p.name).put(":443 ").put(w_.ip_name(cl.ip)).put(" - - ");
        clf_time(b, t, p.tz_min);
        const bool post = c.cmds || method.find(".add") != std::string_view::npos ||
                          method.find(".update") != std::string_view::npos ||
                          method.find(".register") != std::string_view::npos;
        b.put(post ? " \"POST /rest/" : " \"GET /rest/");
        // The suffix is usually .json, sometimes absent, rarely .xml.
        const std::uint64_t sfx = r_.below(100);
        const std::string_view suffix = sfx < 85 ? ".json" : sfx < 99 ? "" : ".xml";
        char sep = '?';
        if (cl.kind == IntegrationKind::Webhook) {
            b.put(cl.user_id).put('/').put(cl.secret).put('/').put(method).put(suffix);
        } else {
            b.put(method).put(suffix);
            if (cl.kind == IntegrationKind::App) {
                // Tokens rotate every hour: the app is named by its client address.
                std::uint64_t x = mix(cl.token_seed, static_cast<std::uint64_t>(t / kHour));
                b.put("?auth=");
                for (int i = 0; i < 2; ++i) {
                    std::uint64_t v = splitmix64(x);
                    for (int k = 0; k < 16; ++k, v >>= 4) b.put("0123456789abcdef"[v & 15]);
                }
                sep = '&';
            }
        }
        if (c.start >= 0) b.put(sep).put("start=").num(c.start), sep = '&';
        if (c.object_id >= 0) b.put(sep).put("id=").num(c.object_id);
        b.put(" HTTP/1.1\" ").num(o.status).put(' ');
        std::int64_t bytes = 180;
        if (o.ok()) bytes = c.cmds ? 20'000 + r_.range(0, 200'000)
                          : is_list(c.method) ? r_.range(2'000, 40'000)
                                              : r_.range(150, 3'000);
        b.num(bytes).put(" \"-\" \"").put(cl.agent).put('"');
        if (!no_duration) b.put(' ').micros(o.duration_us, 3);
    }

    // Requests that are not REST calls (pages, scripts, probes): skipped by the reader.
    void other_request(const Call& c, std::int64_t t, Buf& b) {
        static constexpr std::string_view kPaths[] = {
            "GET /crm/deal/details/", "GET /bitrix/js/main/core/core.min.js?17312",
            "POST /bitrix/services/main/ajax.php?action=crm.timeline.item.load&c=",
            "GET /favicon.ico?", "GET /online/?IM_DIALOG=chat", "GET /pub/form/7_contact/"};
        const Portal& p = w_.portal(c.who->portal);
        b.put(p.name).put(":443 192.0.2.").num(r_.range(2, 250)).put(" - - ");
        clf_time(b, t, p.tz_min);
        b.put(" \"").put(kPaths[r_.below(6)]).num(r_.range(1, 9999)).put(" HTTP/2.0\" 200 ");
        b.num(r_.range(300, 90'000));
        b.put(" \"-\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/131.0 Safari/537.36\" ");
        b.micros(r_.range(2 * kMs, 400 * kMs), 3).put('\n');
    }

    void bad_line(const Call& c, const Outcome& o, std::int64_t t, const Buf& good, Buf& b) {
        const std::uint64_t kind = r_.below(4);
        if (access_) {
            if (kind < 2) {  // a line cut short while the log rotated
                b.put(good.view().substr(0, good.size() * static_cast<std::size_t>(r_.range(15, 45)) / 100));
            } else {         // a stray line of another log in the same file
                b.put("2026/11/18 03:14:07 [error] 2191#2191: *88412 upstream timed out "
                      "(110: Connection timed out) while reading response header");
            }
        } else {
            switch (kind) {
                case 0:  // cut short while the log rotated
                    b.put(good.view().substr(0, good.size() * static_cast<std::size_t>(r_.range(20, 80)) / 100));
                    break;
                case 1: ndjson_line(c, o, t, false, Bad::NoMethod, b); break;
                case 2: ndjson_line(c, o, t, false, Bad::WrongType, b); break;
                default: b.put("<html><body><h1>502 Bad Gateway</h1></body></html>");
            }
        }
        b.put('\n');
    }

    bool access_;
    bool bad_lines_;
    World& w_;
    Rng r_;
    std::uint64_t lines_ = 0, next_bad_ = 0;
};

// ---------------------------------------------------------------------------------------
// The actors

// Cheap calls of people's integrations, with the median server time of each.
struct MethodMix {
    std::vector<std::pair<int, std::int64_t>> items;  // (method, median cost)
    int pick(Rng& r, std::int64_t& cost) const {
        const auto& it = items[static_cast<std::size_t>(r.below(items.size()))];
        cost = r.around(it.second);
        return it.first;
    }
};

const MethodMix kWebhookMix{{{kDealGet, 60 * kMs},
                             {kDealGet, 60 * kMs},
                             {kDealUpdate, 120 * kMs},
                             {kDealAdd, 150 * kMs},
                             {kContactGet, 50 * kMs},
                             {kContactAdd, 130 * kMs},
                             {kContactList, 180 * kMs},
                             {kDealList, 220 * kMs},
                             {kLeadAdd, 140 * kMs},
                             {kTimelineCommentAdd, 90 * kMs},
                             {kTaskAdd, 160 * kMs},
                             {kNotify, 40 * kMs},
                             {kUserCurrent, 20 * kMs},
                             {kDepartmentGet, 30 * kMs}}};

std::int64_t object_id_for(int m, Rng& r) {
    const std::string_view n = kMethodName[static_cast<std::size_t>(m)];
    if (n.ends_with(".get") || n.ends_with(".update")) return r.range(1, 250'000);
    return -1;
}

// A person's webhook (a form on a website, a script, a spreadsheet): calls at random with a
// mean gap, sometimes a few in a row; well under 1 hit/s and cheap.
class WebhookActor : public Actor {
public:
    WebhookActor(const Client* c, std::int64_t mean_gap, std::uint64_t seed)
        : c_(c), mean_gap_(mean_gap), r_(seed) {}
    std::int64_t act(World& w, std::int64_t now) override {
        if (first_) {
            first_ = false;
            return now + r_.exp(mean_gap_);
        }
        Call call{c_};
        call.method = kWebhookMix.pick(r_, call.cost_us);
        call.object_id = object_id_for(call.method, r_);
        if (is_list(call.method)) call.start = 0;
        const Outcome o = w.call(call, now);
        if (run_left_ > 0) {
            --run_left_;
            return now + o.duration_us + r_.range(30 * kMs, 600 * kMs);
        }
        if (r_.chance(300'000)) {  // a small run: create a contact, a deal, a comment...
            run_left_ = static_cast<int>(r_.range(1, 3));
            return now + o.duration_us + r_.range(30 * kMs, 600 * kMs);
        }
        const std::int64_t gap = r_.exp(mean_gap_);
        return now + o.duration_us + (w.night(c_->portal, now) ? gap * 4 : gap);
    }

private:
    const Client* c_;
    std::int64_t mean_gap_;
    Rng r_;
    int run_left_ = 0;
    bool first_ = true;
};

// A telephony app: every call on the PBX fans out into a burst of REST calls within a second
// or two (register, find the contact, finish, attach the record...). Bursts of more than
// ~50 overflow a standard bucket and get QUERY_LIMIT_EXCEEDED; the app does not retry.
class TelephonyActor : public Actor {
public:
    TelephonyActor(const Client* c, std::int64_t mean_gap, std::uint64_t seed)
        : c_(c), mean_gap_(mean_gap), r_(seed) {}
    std::int64_t act(World& w, std::int64_t now) override {
        if (left_ < 0) {  // the first call of the day comes after a while
            left_ = 0;
            return now + r_.exp(mean_gap_ / 2);
        }
        if (left_ == 0) {  // a new burst
            left_ = r_.chance(550'000) ? r_.range(8, 40) : r_.range(45, 110);
            return now + r_.range(0, 500 * kMs);
        }
        static const MethodMix mix{{{kCallRegister, 45 * kMs},
                                    {kDuplicateFind, 70 * kMs},
                                    {kCallFinish, 40 * kMs},
                                    {kCallAttachRecord, 90 * kMs},
                                    {kUserGet, 25 * kMs},
                                    {kActivityAdd, 80 * kMs}}};
        Call call{c_};
        call.method = mix.pick(r_, call.cost_us);
        w.call(call, now);
        if (--left_ > 0) return now + r_.range(4 * kMs, 40 * kMs);  // its workers do not wait
        const std::int64_t gap = r_.exp(mean_gap_);
        return now + (w.night(c_->portal, now) ? gap * 3 : gap);
    }

private:
    const Client* c_;
    std::int64_t mean_gap_;
    Rng r_;
    std::int64_t left_ = -1;
};

// An app that sweeps a list every `period` (± a little jitter, as a cron job does) instead
// of listening to events: the POLLING pattern of the Bitrix24 helpdesk.
class PollerActor : public Actor {
public:
    PollerActor(const Client* c, int method, std::int64_t period, std::int64_t jitter,
                std::int64_t pages_lo, std::int64_t pages_hi, std::int64_t page_cost,
                std::int64_t first, std::uint64_t seed)
        : c_(c), method_(method), period_(period), jitter_(jitter), pages_lo_(pages_lo),
          pages_hi_(pages_hi), page_cost_(page_cost), next_sweep_(first), r_(seed) {}
    std::int64_t act(World& w, std::int64_t now) override {
        if (page_ < 0) {  // time for a sweep
            if (now < next_sweep_) return next_sweep_;
            pages_ = r_.range(pages_lo_, pages_hi_);
            page_ = 0;
            next_sweep_ += period_ + r_.range(-jitter_, jitter_);
        }
        Call call{c_};
        call.method = method_;
        call.start = page_ * 50;
        call.cost_us = r_.around(page_cost_);
        const Outcome o = w.call(call, now);
        if (++page_ < pages_) return now + o.duration_us + r_.range(50 * kMs, 400 * kMs);
        page_ = -1;
        return std::max(now + o.duration_us, next_sweep_);
    }

private:
    const Client* c_;
    int method_;
    std::int64_t period_, jitter_, pages_lo_, pages_hi_, page_cost_;
    std::int64_t next_sweep_;
    Rng r_;
    std::int64_t page_ = -1, pages_ = 0;
};

// A bulk export: every `every` a session starts; each worker pages through one entity with
// `batch` calls of up to 50 `*.list?start=N` commands, back to back — each command costs
// the server a fraction of a second, so a batch takes several seconds and one worker keeps
// about one server core busy. The polite exporter waits for the method's reset after a 429;
// the careless one retries after a short fixed pause and gives up after a few failures.
struct ExportJob {
    std::int64_t first = 0, every = 0, jitter = 0;
    std::uint64_t seed = 0;
    std::int64_t session_start(std::int64_t k) const {  // agreed on by all its workers
        if (k == 0) return first;
        const std::uint64_t h = mix(seed, static_cast<std::uint64_t>(k));
        return first + k * every +
               static_cast<std::int64_t>(h % static_cast<std::uint64_t>(2 * jitter + 1)) - jitter;
    }
};

class ExportWorker : public Actor {
public:
    struct Params {
        int method = kDealList;
        std::int64_t pages_lo = 0, pages_hi = 0;  // per session, in pages of 50 records
        std::int64_t cmds_lo = 10, cmds_hi = 50;  // commands per batch
        std::int64_t cmd_cost = 300 * kMs;        // median server time of one command
        std::int64_t stagger = 0;                 // start after the session begins
        bool polite = true;
        bool cmd_object = false;
    };
    ExportWorker(const Client* c, std::shared_ptr<const ExportJob> job, Params p,
                 std::uint64_t seed)
        : c_(c), job_(std::move(job)), p_(p), r_(seed) {}
    std::int64_t act(World& w, std::int64_t now) override {
        if (pages_left_ == 0) {
            if (!started_) {  // between sessions: wait for the next one
                started_ = true;
                return std::max(now, job_->session_start(session_) + p_.stagger);
            }
            pages_left_ = r_.range(p_.pages_lo, p_.pages_hi);
            next_start_ = 0;
            failures_ = 0;
        }
        const std::int64_t n = std::min(pages_left_, r_.range(p_.cmds_lo, p_.cmds_hi));
        cmds_.clear();
        std::int64_t cost = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            cmds_.push_back({p_.method, next_start_ + 50 * i});
            cost += r_.around(p_.cmd_cost);
        }
        Call call{c_};
        call.method = kBatch;
        call.cmds = &cmds_;
        call.cmd_object = p_.cmd_object;
        call.cost_us = cost;
        const Outcome o = w.call(call, now);
        std::int64_t next = now + o.duration_us + r_.range(100 * kMs, 1'200 * kMs);
        if (o.status == 429 && p_.polite) {
            next = std::max(next, o.reset_at + r_.range(1 * kSec, 20 * kSec));
        } else if (!o.ok() && !p_.polite) {
            next = now + o.duration_us + r_.range(5 * kSec, 15 * kSec);
            if (++failures_ >= 12) pages_left_ = n;  // the job gives up; the rest is lost
        }
        if (o.ok() || failures_ >= 12) {
            pages_left_ -= n;
            next_start_ += 50 * n;
        }
        if (pages_left_ == 0) {  // session over
            ++session_;
            started_ = false;
            return std::max(next, job_->session_start(session_) + p_.stagger);
        }
        return next;
    }

private:
    const Client* c_;
    std::shared_ptr<const ExportJob> job_;
    Params p_;
    Rng r_;
    std::vector<Cmd> cmds_;
    std::int64_t session_ = 0, pages_left_ = 0, next_start_ = 0;
    int failures_ = 0;
    bool started_ = false;
};

// A reporting app that builds dashboards from big, slow list calls through the working day
// (08:00-20:00 on the portal's clock): two workers, 5..20 s a call. About one and a half
// server cores, spread over methods — never a block in ten minutes, but more than 3 600 s of
// server time in an hour: NONCRITICAL_LOAD, and WARNING_IGNORED the next day.
class ReportWorker : public Actor {
public:
    ReportWorker(const Client* c, std::int64_t stagger, std::uint64_t seed)
        : c_(c), stagger_(stagger), r_(seed) {}
    std::int64_t act(World& w, std::int64_t now) override {
        if (stagger_ > 0) {
            const std::int64_t s = stagger_;
            stagger_ = 0;
            return now + s;
        }
        const Portal& p = w.portal(c_->portal);
        const int hour = local_hour(p, now);
        if (hour < 8 || hour >= 20) {  // after hours: start again at 08:00 and a few minutes
            const std::int64_t local = now + p.tz_min * kMin;
            std::int64_t next = local - local % (24 * kHour) + 8 * kHour;
            if (next <= local) next += 24 * kHour;
            return next - p.tz_min * kMin + r_.range(0, 15 * kMin);
        }
        static constexpr int kMethods[] = {kItemList, kDealList, kCompanyList, kTaskList};
        Call call{c_};
        call.method = kMethods[r_.below(4)];
        call.start = 0;
        call.cost_us = r_.range(5 * kSec, 20 * kSec);
        const Outcome o = w.call(call, now);
        return now + o.duration_us + r_.range(1 * kSec, 6 * kSec);
    }

private:
    const Client* c_;
    std::int64_t stagger_;
    Rng r_;
};

// A connector that syncs the records changed since its last round, about once an hour, as
// fast as it can, one call per record, and retries a 503 at once (up to 3 times) instead of
// backing off: bigger rounds overflow the bucket and a good share of their hits are refused;
// the rare full resync is refused more than 600 times in ten minutes (LARGE_LOAD).
class RetryActor : public Actor {
public:
    RetryActor(const Client* c, std::int64_t first, std::uint64_t seed)
        : c_(c), next_round_(first), r_(seed) {}
    std::int64_t act(World& w, std::int64_t now) override {
        if (items_left_ == 0) {
            if (now < next_round_) return next_round_;
            const std::uint64_t kind = first_round_ ? 900 : r_.below(1000);
            first_round_ = false;
            items_left_ = kind < 850   ? r_.range(30, 120)
                          : kind < 970 ? r_.range(150, 300)  // (the first round is one)
                                       : r_.range(500, 800);
            next_round_ = now + r_.range(45 * kMin, 120 * kMin);
            retries_ = 0;
        }
        static const MethodMix mix{{{kContactUpdate, 110 * kMs},
                                    {kDealUpdate, 130 * kMs},
                                    {kProductGet, 60 * kMs},
                                    {kContactGet, 50 * kMs}}};
        Call call{c_};
        if (retries_ == 0) {
            method_ = mix.pick(r_, cost_);
            object_ = r_.range(1, 90'000);
        }
        call.method = method_;
        call.cost_us = cost_;
        call.object_id = object_;
        const Outcome o = w.call(call, now);
        if (o.status == 503 && retries_ < 3) {
            ++retries_;
            return now + o.duration_us + r_.range(20 * kMs, 150 * kMs);  // at once
        }
        retries_ = 0;
        if (--items_left_ > 0) return now + o.duration_us + r_.range(10 * kMs, 80 * kMs);
        return next_round_;
    }

private:
    const Client* c_;
    std::int64_t next_round_;
    Rng r_;
    std::int64_t items_left_ = 0, cost_ = 0, object_ = 0;
    int method_ = 0, retries_ = 0;
    bool first_round_ = true;
};

// Calls that carry no app or webhook identity (a proxy that strips the auth).
class AnonymousActor : public Actor {
public:
    AnonymousActor(const Client* c, std::int64_t mean_gap, std::uint64_t seed)
        : c_(c), mean_gap_(mean_gap), r_(seed) {}
    std::int64_t act(World& w, std::int64_t now) override {
        if (first_) {
            first_ = false;
            return now + r_.exp(mean_gap_);
        }
        Call call{c_};
        call.method = r_.chance(700'000) ? kServerTime : kUserCurrent;
        call.cost_us = r_.around(8 * kMs);
        const Outcome o = w.call(call, now);
        return now + o.duration_us + r_.exp(mean_gap_);
    }

private:
    const Client* c_;
    std::int64_t mean_gap_;
    Rng r_;
    bool first_ = true;
};

// ---------------------------------------------------------------------------------------
// The world's cast and the server model

constexpr std::string_view kAgentPhp = "Bitrix24 CRest PHP 1.3";
constexpr std::string_view kAgentPy = "python-requests/2.31.0";
constexpr std::string_view kAgentGo = "Go-http-client/1.1";
constexpr std::string_view kAgentNode = "axios/1.6.8";
constexpr std::string_view kAgentJava = "Apache-HttpClient/4.5.14 (Java/17.0.9)";
constexpr std::string_view kAgentCurl = "curl/7.88.1";

World::World(const SynthOptions& opt, Sink& sink)
    : opt_(opt), sink_(sink), lost_(mix(opt.seed, 0x1057u)) {
    render_ = std::make_unique<Renderer>(opt, *this);
    populate();
    buckets_.resize(portals_.size() * ips_.size());
    methods_.resize(portals_.size() * kMethodCount);
}

World::~World() = default;

int World::add_portal(std::string name, bool enterprise, int tz_min, const char* plan,
                      int plan_pct) {
    portals_.push_back({std::move(name), enterprise, tz_min, plan, plan_pct});
    return static_cast<int>(portals_.size() - 1);
}

int World::ip(std::string addr) {
    ips_.push_back(std::move(addr));
    return static_cast<int>(ips_.size() - 1);
}

Client* World::client(int portal, IntegrationKind kind, std::string id, int ip_idx, Style style,
                      std::string_view agent, int extra_pct) {
    auto c = std::make_unique<Client>();
    c->portal = portal;
    c->kind = kind;
    c->id = std::move(id);
    c->ip = ip_idx;
    c->style = style;
    c->agent = agent;
    c->extra_pct = extra_pct;
    c->token_seed = mix(opt_.seed, 0x70c3u + clients_.size());
    clients_.push_back(std::move(c));
    return clients_.back().get();
}

Client* World::webhook(Rng& r, int portal, int user_id, int ip_idx, Style style,
                       std::string_view agent, int extra_pct) {
    const std::string secret = hex(r, 16);  // made up, like everything here
    Client* c = client(portal, IntegrationKind::Webhook, std::to_string(user_id) + "/" + secret,
                       ip_idx, style, agent, extra_pct);
    c->user_id = std::to_string(user_id);
    c->secret = secret;
    return c;
}

// Who is on stage. Times are from the start; the heavy export starts in the first minute
// and the polling app's 8th sweep is 35 minutes in, so even a 1 MB sample (about an hour)
// shows a block, a notice and refusals. The mix repeats (sessions every few hours, day and
// night), so a multi-GB log is weeks of the same portals.
void World::populate() {
    Rng r(mix(opt_.seed, 0xca57u));
    const std::int64_t t0 = opt_.start_us;
    auto seed = [&] { return r.next(); };
    auto local_app = [&] {
        return "local." + hex(r, 14) + "." + std::to_string(r.range(10'000'000, 99'999'999));
    };

    const int acme = add_portal("acme.bitrix24.com", false, 0);
    const int bigcorp = add_portal("bigcorp.bitrix24.com", true, 60, "enterprise", 100);
    const int shop = add_portal("shop77.bitrix24.de", false, 60);
    const int kontora = add_portal("kontora.bitrix24.ru", false, 180);
    const int north = add_portal("northwind.bitrix24.eu", false, 60, "standard", 15);

    // Vendors' servers (apps) and customers' own servers (webhooks).
    const int ip_export = ip("203.0.113.10"), ip_phone = ip("203.0.113.20"),
              ip_poll = ip("203.0.113.40"), ip_report = ip("203.0.113.50"),
              ip_sync = ip("203.0.113.77"), ip_poll2 = ip("203.0.113.41"),
              ip_forms = ip("203.0.113.90");
    const int ip_acme1 = ip("198.51.100.10"), ip_acme2 = ip("198.51.100.11"),
              ip_big1 = ip("198.51.100.20"), ip_big2 = ip("198.51.100.21"),
              ip_big3 = ip("198.51.100.30"), ip_shop = ip("198.51.100.40"),
              ip_kontora = ip("198.51.100.50"), ip_north = ip("198.51.100.60");

    auto add = [&](Actor* a) { actors_.emplace_back(a); };

    // acme (standard): the heavy exporter, the polling app, three webhooks.
    {
        auto job = std::make_shared<ExportJob>();
        job->first = t0 + 45 * kSec;
        job->every = 6 * kHour;
        job->jitter = 20 * kMin;
        job->seed = seed();
        const Client* exp = client(acme, IntegrationKind::App, "app.datapump.export", ip_export,
                                   Style::Epoch6, kAgentJava);
        static constexpr int kEntities[] = {kDealList, kContactList, kCompanyList, kLeadList};
        for (int k = 0; k < 4; ++k) {
            ExportWorker::Params p;
            p.method = kEntities[k];
            p.pages_lo = 900;
            p.pages_hi = 1'400;
            p.cmds_lo = 20;
            p.cmds_hi = 50;
            p.cmd_cost = 330 * kMs;
            p.stagger = k * 7 * kSec;
            p.polite = false;
            add(new ExportWorker(exp, job, p, seed()));
        }
        const Client* poll = client(acme, IntegrationKind::App, local_app(), ip_poll, Style::RfcZ,
                                    kAgentPhp);
        add(new PollerActor(poll, kActivityList, 5 * kMin, 2 * kSec, 2, 6, 250 * kMs,
                            t0 + 20 * kSec, seed()));
        add(new WebhookActor(webhook(r, acme, 1, ip_acme1, Style::Epoch6, kAgentPhp), 40 * kSec,
                             seed()));
        add(new WebhookActor(webhook(r, acme, 7, ip_acme1, Style::Epoch6, kAgentPhp),
                             150 * kSec, seed()));
        add(new WebhookActor(webhook(r, acme, 15, ip_acme2, Style::Epoch6, kAgentPy),
                             90 * kSec, seed()));
    }
    // bigcorp (enterprise, every line says so): the reporting app, telephony that fits in
    // the enterprise bucket, webhooks, and calls of no identity.
    {
        const Client* rep = client(bigcorp, IntegrationKind::App, "app.insight.reports",
                                   ip_report, Style::Bitrix, kAgentNode);
        add(new ReportWorker(rep, 0, seed()));
        add(new ReportWorker(rep, 4 * kSec, seed()));
        add(new TelephonyActor(client(bigcorp, IntegrationKind::App, "app.voxlink.telephony",
                                      ip_phone, Style::Epoch3, kAgentGo),
                               7 * kMin, seed()));
        add(new WebhookActor(webhook(r, bigcorp, 1, ip_big1, Style::Epoch6, kAgentPhp, 20),
                             60 * kSec, seed()));
        add(new WebhookActor(webhook(r, bigcorp, 42, ip_big2, Style::Epoch6, kAgentPy, 20),
                             120 * kSec, seed()));
        add(new WebhookActor(webhook(r, bigcorp, 108, ip_big2, Style::RfcZ, kAgentCurl, 20),
                             300 * kSec, seed()));
        add(new AnonymousActor(client(bigcorp, IntegrationKind::Unknown, "", ip_big3,
                                      Style::Epoch6, kAgentCurl),
                               4 * kMin, seed()));
    }
    // shop77 (standard): telephony whose big bursts overflow the bucket, two webhooks.
    {
        add(new TelephonyActor(client(shop, IntegrationKind::App, "app.voxlink.telephony",
                                      ip_phone, Style::Logstash, kAgentGo),
                               6 * kMin, seed()));
        add(new WebhookActor(webhook(r, shop, 3, ip_shop, Style::Epoch6, kAgentPhp), 45 * kSec,
                             seed()));
        add(new WebhookActor(webhook(r, shop, 9, ip_shop, Style::Epoch6, kAgentPhp), 240 * kSec,
                             seed()));
    }
    // kontora (standard, +03:00): a polite webhook export that pushes crm.deal.list past
    // 480 s per 10 minutes and waits the block out; another app polling crm.deal.list every
    // 10 minutes (it meets that block); the retrying connector; webhooks.
    {
        auto job = std::make_shared<ExportJob>();
        job->first = t0 + 6 * kMin;
        job->every = 4 * kHour;
        job->jitter = 15 * kMin;
        job->seed = seed();
        ExportWorker::Params p;
        p.method = kDealList;
        p.pages_lo = 3'200;
        p.pages_hi = 4'800;
        p.cmds_lo = 50;
        p.cmds_hi = 50;
        p.cmd_cost = 210 * kMs;
        p.polite = true;
        p.cmd_object = true;
        add(new ExportWorker(webhook(r, kontora, 5, ip_kontora, Style::RfcLocal, kAgentPy), job,
                             p, seed()));
        add(new PollerActor(client(kontora, IntegrationKind::App, local_app(), ip_poll2,
                                   Style::Epoch6, kAgentPhp, 60),
                            kDealList, 10 * kMin, 4 * kSec, 1, 3, 300 * kMs, t0 + 2 * kMin,
                            seed()));
        add(new RetryActor(client(kontora, IntegrationKind::App, "app.syncmaster.connector",
                                  ip_sync, Style::Epoch6, kAgentNode),
                           t0 + 90 * kSec, seed()));
        add(new WebhookActor(webhook(r, kontora, 1, ip_kontora, Style::RfcLocal, kAgentPhp),
                             70 * kSec, seed()));
        add(new WebhookActor(webhook(r, kontora, 12, ip_kontora, Style::RfcLocal, kAgentPhp),
                             200 * kSec, seed()));
    }
    // northwind (standard): an integration bus on a webhook, a forms app, a webhook.
    {
        add(new WebhookActor(webhook(r, north, 2, ip_north, Style::Epoch6, kAgentGo, 30),
                             25 * kSec, seed()));
        add(new WebhookActor(client(north, IntegrationKind::App, "app.formbuilder.pro", ip_forms,
                                    Style::Epoch6, kAgentNode, 30),
                             100 * kSec, seed()));
        add(new WebhookActor(webhook(r, north, 31, ip_north, Style::Epoch6, kAgentPy),
                             180 * kSec, seed()));
    }
}

Outcome World::call(const Call& c, std::int64_t t) {
    Outcome o;
    // ~2 % of lines lose their duration. The server model then counts the call as free, as
    // the replay will (default_cost_s is 0), so that the statuses in the log are the ones the
    // replay derives: a method block here is a method block there.
    o.logged_duration = !lost_.chance(20'000);
    const std::int64_t cost = o.logged_duration ? c.cost_us : 0;
    const Portal& p = portal(c.who->portal);
    const auto pi = static_cast<std::size_t>(c.who->portal);
    Bucket& b = buckets_[pi * ips_.size() + static_cast<std::size_t>(c.who->ip)];
    const std::int64_t cap = (p.enterprise ? 250 : 50) * kSec;  // micro-hits
    const std::int64_t drain = p.enterprise ? 5 : 2;            // hits per second
    b.level = std::max<std::int64_t>(0, b.level - drain * (t - b.t0));
    b.t0 = t;
    if (b.level + kSec > cap) {
        o.status = 503;
        o.error = "QUERY_LIMIT_EXCEEDED";
        o.duration_us = 2 * kMs + (t % 13) * kMs;
    } else {
        b.level += kSec;
        // Operating time: a batch is its commands, each costing an equal share.
        const Cmd single{c.method, c.start};
        const Cmd* cmds = &single;
        std::size_t n = 1;
        if (c.cmds && !c.cmds->empty()) {
            cmds = c.cmds->data();
            n = c.cmds->size();
        }
        const std::int64_t share = cost / static_cast<std::int64_t>(n);
        std::int64_t executed = 0;
        std::size_t executed_cmds = 0;
        for (std::size_t i = 0; i < n; ++i) {
            MethodLoad& m = methods_[pi * kMethodCount + static_cast<std::size_t>(cmds[i].method)];
            // Merge runs of the same method into one window entry (a batch of 50 deal pages).
            std::size_t same = 1;
            while (i + same < n && cmds[i + same].method == cmds[i].method) ++same;
            while (!m.window.empty() && m.window.front().first <= t - kOpWindow) {
                m.sum -= m.window.front().second;
                m.window.pop_front();
            }
            if (t < m.blocked_until) {
                o.reset_at = std::max(o.reset_at, m.blocked_until);
            } else {
                // One command at a time: the one that crosses the limit still executes.
                for (std::size_t k = 0; k < same && t >= m.blocked_until; ++k) {
                    m.sum += share;
                    executed += share;
                    ++executed_cmds;
                    if (!m.window.empty() && m.window.back().first == t) m.window.back().second += share;
                    else m.window.emplace_back(t, share);
                    if (m.sum > kOpLimit) m.blocked_until = t + kOpBlock;
                }
            }
            if (i == 0) o.operating_us = m.sum;
            i += same - 1;
        }
        if (executed_cmds == 0) {
            o.status = 429;
            o.error = "OPERATION_TIME_LIMIT";
            o.duration_us = 5 * kMs + (t % 17) * kMs;
        } else if (o.logged_duration) {
            o.duration_us = executed;  // what the commands that ran cost (all of it, mostly)
        } else {
            o.duration_us = c.cost_us * static_cast<std::int64_t>(executed_cmds) /
                            static_cast<std::int64_t>(n);  // for the client's clock only
        }
    }
    Buf& line = line_;
    Buf& extra = extra_;
    render_->render(c, o, t, line, extra);
    if (extra.size() > 0) sink_.write(extra.view());
    sink_.write(line.view());
    return o;
}

void World::run() {
    // (next time, actor index): ties go to the actor created first, deterministically.
    using Entry = std::pair<std::int64_t, std::size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
    for (std::size_t i = 0; i < actors_.size(); ++i) queue.emplace(opt_.start_us, i);
    while (sink_.raw_bytes() < opt_.target_bytes && !queue.empty()) {
        const auto [t, i] = queue.top();
        queue.pop();
        const std::int64_t next = actors_[i]->act(*this, t);
        queue.emplace(std::max(next, t), i);
    }
}

}  // namespace

void synth(std::ostream& out, const SynthOptions& opt) {
    Sink sink(out, opt);
    World world(opt, sink);
    world.run();
    sink.finish();
}

}  // namespace b24
