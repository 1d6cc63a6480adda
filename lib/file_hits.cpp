#include "file_hits.h"

#include <algorithm>
#include <climits>

#include "redact.h"

namespace b24 {

FileHits::FileHits(std::string name, std::uint32_t index, const ParseContext& ctx,
                   InputOptions opt)
    : name_(std::move(name)), index_(index), ctx_(ctx), opt_(opt),
      lines_(ByteSource::open(name_)) {}

FileHits::~FileHits() = default;

bool FileHits::read_one(Hit& out) {
    std::string_view line;
    std::uint64_t line_no = 0;
    while (!ended_) {
        try {
            if (!lines_.next(line, line_no)) {
                ended_ = true;
                break;
            }
        } catch (const Error& e) {
            counters_.read_error = e;
            ended_ = true;
            break;
        }
        if (format_ == Format::Unknown) {
            if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // BOM
            const auto first = line.find_first_not_of(" \t\r\f\v");
            if (first == std::string_view::npos) {
                ++counters_.skipped;  // blank before the first content line
                continue;
            }
            if (line[first] == '{') {
                format_ = Format::Ndjson;
                ndjson_ = std::make_unique<NdjsonParser>(ctx_);
            } else {
                format_ = Format::AccessLog;
                access_ = std::make_unique<AccessLogParser>(ctx_);
            }
        }
        out.cmds.clear();
        reason_.clear();
        const LineKind kind = format_ == Format::Ndjson ? ndjson_->parse(line, out, reason_)
                                                        : access_->parse(line, out, reason_);
        switch (kind) {
            case LineKind::Hit:
                out.place = Place{index_, line_no};
                return true;
            case LineKind::Blank:
            case LineKind::Skipped:
                ++counters_.skipped;
                break;
            case LineKind::Bad:
                if (opt_.strict)
                    throw Error(name_ + ":" + std::to_string(line_no), "bad line: " + reason_);
                ++counters_.bad_lines;
                if (counters_.bad_lines_first.size() < 10)
                    counters_.bad_lines_first.push_back(line_no);
                break;
        }
    }
    return false;
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
        if (!read_one(h)) continue;  // ended_: drain the buffer
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
