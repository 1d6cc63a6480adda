#include "file_hits.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "parse_pool.h"

namespace b24 {

namespace {

ByteSource::Options source_options(const InputOptions& opt) {
    ByteSource::Options o;
    o.background = opt.threads > 1;  // --threads 1: decompress on the calling thread too
    return o;
}

// The format of a file is decided by its first non-blank byte: '{' is NDJSON.
std::optional<LineFormat> detect(std::string_view text) {
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') continue;
        return c == '{' ? LineFormat::Ndjson : LineFormat::AccessLog;
    }
    return std::nullopt;
}

}  // namespace

FileHits::FileHits(std::string name, std::uint32_t index, const ParseContext& ctx,
                   InputOptions opt, ParsePool* pool, std::size_t in_flight)
    : name_(std::move(name)), index_(index), ctx_(ctx), opt_(opt),
      lines_(ByteSource::open(name_, source_options(opt))), pool_(pool),
      in_flight_(std::max<std::size_t>(1, in_flight)) {
    if (!pool_) inline_parser_ = std::make_unique<ChunkParser>(ctx_);
}

FileHits::~FileHits() = default;

bool FileHits::next_text(std::string_view& text) {
    if (reader_done_) return false;
    try {
        if (!lines_.next_run(text)) {
            reader_done_ = true;
            return false;
        }
    } catch (const Error& e) {
        counters_.read_error = e;
        reader_done_ = true;
        return false;
    }
    if (first_run_) {
        first_run_ = false;
        if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 BOM
    }
    if (!format_) format_ = detect(text);
    return true;
}

void FileHits::submit_runs() {
    std::string_view text;
    while (pending_runs_.size() < in_flight_ && next_text(text)) {
        auto buffer = std::make_shared<std::vector<char>>(text.size() + kLinePadding);
        std::memcpy(buffer->data(), text.data(), text.size());
        pending_runs_.push_back(
            pool_->submit(std::move(buffer), text.size(), format_.value_or(LineFormat::Ndjson)));
    }
}

void FileHits::take(ParsedRun&& run) {
    run_ = std::move(run);
    run_next_ = 0;
    run_first_line_ = lines_seen_ + 1;
    lines_seen_ += run_.lines;
    counters_.skipped += run_.skipped;
    if (!run_.bad.empty()) {
        if (opt_.strict) {
            const auto& [index, reason] = run_.bad.front();
            throw Error(name_ + ":" + std::to_string(run_first_line_ + index), "bad line: " + reason);
        }
        for (const auto& bad : run_.bad)
            if (counters_.bad_lines_first.size() < 10)
                counters_.bad_lines_first.push_back(run_first_line_ + bad.first);
    }
    counters_.bad_lines += run_.bad_count;
    remap_ = run_.worker >= 0 ? &pool_->names(run_.worker, run_.names_end, *ctx_.symbols) : nullptr;
}

bool FileHits::load_run() {
    if (pool_) {
        submit_runs();
        if (pending_runs_.empty()) return false;
        ParsedRun run = pending_runs_.front().get();
        pending_runs_.pop_front();
        take(std::move(run));
        submit_runs();
        return true;
    }
    std::string_view text;
    if (!next_text(text)) return false;
    ParsedRun run = std::move(run_);  // reuse its buffers
    inline_parser_->parse(text, format_.value_or(LineFormat::Ndjson), run);
    take(std::move(run));
    return true;
}

bool FileHits::read_one(Hit& out) {
    while (run_next_ >= run_.hits.size()) {
        if (!load_run()) return false;
    }
    out = std::move(run_.hits[run_next_++]);
    if (remap_) {  // parsed on a worker: its ids to the run's
        const std::vector<Sym>& ids = *remap_;
        auto map = [&ids](Sym& s) {
            if (s != kNoSym) s = ids[s];
        };
        map(out.portal);
        map(out.integration);
        map(out.ip);
        map(out.method);
        map(out.error);
        for (Sym& c : out.cmds) map(c);
    }
    out.place = Place{index_, run_first_line_ + out.place.line};
    return true;
}

bool FileHits::next(Hit& out) {
    // Keep every hit until no later line can precede it: a later hit is either late
    // (t < newest - skew, replayed at newest) or at t >= newest - skew.
    while (true) {
        if (!pending_.empty() &&
            (ended_ || pending_.front().t_us <= newest_ - opt_.max_skew_us)) {
            out = std::move(pending_.front());
            pending_.pop_front();
            return true;
        }
        if (ended_) return false;
        Hit h;
        if (!read_one(h)) {
            ended_ = true;  // drain the buffer
            continue;
        }
        ++counters_.hits;
        if (h.cost_us == kUnknownCost) ++counters_.cost_unknown;
        if (newest_ != INT64_MIN && h.t_us < newest_ - opt_.max_skew_us) {
            ++counters_.late;
            h.t_us = newest_;
        }
        newest_ = std::max(newest_, h.t_us);
        // Sorted insert; the new hit has the highest line number, so it goes after
        // every hit with the same time. In-order input appends at the back.
        auto pos = std::upper_bound(pending_.begin(), pending_.end(), h.t_us,
                                    [](std::int64_t t, const Hit& x) { return t < x.t_us; });
        pending_.insert(pos, std::move(h));
    }
}

}  // namespace b24
