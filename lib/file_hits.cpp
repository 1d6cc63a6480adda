#include "file_hits.h"

#include <algorithm>
#include <climits>

#include "parse_pool.h"

namespace b24 {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";        // a UTF-8 BOM, dropped at file start
constexpr std::size_t kCarryKeep = std::size_t{4} << 20;  // a longer joined line's room is freed

}  // namespace

FileHits::FileHits(std::string name, std::uint32_t index, const ParseContext& ctx,
                   InputOptions opt, ParsePool* pool, const FileFeed::Limits& limits)
    : name_(std::move(name)), index_(index), ctx_(ctx), opt_(opt), pool_(pool), parser_(ctx_) {
    if (pool_) {
        feed_ = std::make_unique<FileFeed>(name_, *pool_, limits);
    } else {
        ByteSource::Options o;
        o.read_size = limits.read_size;
        lines_ = std::make_unique<LineReader>(ByteSource::open(name_, o));
    }
}

FileHits::~FileHits() = default;

bool FileHits::next_text(std::string_view& text) {
    if (reader_done_) return false;
    try {
        if (!lines_->next_run(text)) {
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
        if (text.substr(0, 3) == kBom) text.remove_prefix(3);
    }
    if (!format_) format_ = detect_format(text);
    return true;
}

void FileHits::take(ParsedRun& run) {
    cur_ = &run;
    run_next_ = 0;
    run_first_line_ = lines_seen_ + 1;
    lines_seen_ += run.lines;
    counters_.skipped += run.skipped;
    for (const auto& [index, reason] : run.bad) bad_line(run_first_line_ + index, reason);
    counters_.bad_lines += run.bad_count;
    remap_ = run.worker >= 0 ? &pool_->names(run.worker, run.names_end, *ctx_.symbols) : nullptr;
}

void FileHits::bad_line(std::uint64_t line, const std::string& reason) {
    if (opt_.strict) throw Error(name_ + ":" + std::to_string(line), "bad line: " + reason);
    if (counters_.bad_lines_first.size() < 10) counters_.bad_lines_first.push_back(line);
}

bool FileHits::read_inline(Hit& out) {
    for (;;) {
        if (text_at_ == text_end_) {
            std::string_view text;
            if (!next_text(text)) return false;
            text_at_ = text.data();
            text_end_ = text.data() + text.size();
        }
        const std::uint64_t number = ++lines_seen_;
        const LineKind kind =
            parser_.parse_next(text_at_, text_end_, format_.value_or(LineFormat::Ndjson), out);
        if (kind == LineKind::Hit) {
            out.place = Place{index_, number};
            return true;
        }
        if (kind == LineKind::Bad) {
            bad_line(number, parser_.reason());
            ++counters_.bad_lines;
        } else {
            ++counters_.skipped;
        }
    }
}

void FileHits::parse_joined(LineFormat format, bool newline) {
    std::size_t skip = 0;
    if (lines_seen_ == 0 && std::string_view(carry_).substr(0, 3) == kBom) skip = 3;
    if (newline) carry_.push_back('\n');
    const std::size_t len = carry_.size();
    carry_.append(kLinePadding, '\0');  // the parsers read ahead
    parser_.parse(std::string_view(carry_).substr(skip, len - skip), format, joined_);
    carry_.clear();
    if (carry_.capacity() > kCarryKeep) carry_.shrink_to_fit();
    take(joined_);
}

bool FileHits::load_piece() {
    if (piece_run_due_) {
        piece_run_due_ = false;
        take(piece_->run);
        return true;
    }
    while (!feed_done_) {
        if (!feed_->next(piece_)) {
            feed_done_ = true;
            if (carry_.empty()) return false;
            parse_joined(last_format_, false);  // the last line, without a newline
            return true;
        }
        Piece& p = *piece_;
        last_format_ = p.format;
        carry_ += p.head;
        if (p.error) {  // every line before the fault, but one cut by it
            counters_.read_error = *p.error;
            feed_done_ = true;
        }
        if (p.has_newline) {
            parse_joined(p.format, true);
            if (!p.error) carry_ = p.tail;
            piece_run_due_ = true;
            return true;
        }
        if (p.error) carry_.clear();
    }
    return false;
}

bool FileHits::read_one(Hit& out) {
    if (!feed_) return read_inline(out);
    while (run_next_ >= cur_->hits.size()) {
        if (!load_piece()) return false;
    }
    // A worker parsed the run on another core, so its hits are in no cache of this one and
    // are first read here: fetching one a few hits ahead took 0.93-0.96 of the CPU time on
    // one NDJSON frame with two threads (interleaved rounds; the access log: no change).
    if (const std::size_t ahead = run_next_ + 6; ahead < cur_->hits.size())
        __builtin_prefetch(&cur_->hits[ahead]);
    out = std::move(cur_->hits[run_next_++]);
    if (remap_) {  // parsed on a worker: its ids to ours
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

Hit* FileHits::next() {
    // Keep every hit until no later line can precede it: a later hit is either late
    // (t < newest - skew, replayed at newest) or at t >= newest - skew.
    while (true) {
        if (!pending_.empty() &&
            (ended_ || pending_.front().t_us <= newest_ - opt_.max_skew_us)) {
            // Handed out where it is: its slot is only filled again by a later push_back.
            Hit& h = pending_.front();
            pending_.pop_front();
            return &h;
        }
        if (ended_) return nullptr;
        Hit& h = pending_.push_back();
        bool got;
        try {
            got = read_one(h);
        } catch (...) {  // --strict: a bad line
            pending_.pop_back();
            throw;
        }
        if (!got) {
            pending_.pop_back();
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
        // The new hit has the highest line number, so it goes after every hit with the same
        // time. In-order input (the common case) leaves it at the back.
        pending_.settle_back();
    }
}

}  // namespace b24
