// The hits of one input file, in replay order: lines are parsed (format detected from the
// first non-blank byte) and reordered within the skew bound (SPEC §2.3).
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "access_log_parser.h"
#include "error.h"
#include "hit.h"
#include "line_parse.h"
#include "line_reader.h"
#include "ndjson_parser.h"

namespace b24 {

struct InputOptions {
    std::int64_t max_skew_us = 60'000'000;
    bool strict = false;  // the first bad line throws Error("FILE:LINE", reason)
};

// What reading one file found, besides its hits.
struct FileCounters {
    std::int64_t hits = 0, skipped = 0, late = 0, cost_unknown = 0, bad_lines = 0;
    std::vector<std::uint64_t> bad_lines_first;  // line numbers of the first 10 bad lines
    std::optional<Error> read_error;            // corrupt/truncated stream: the file ended early
};

class FileHits {
public:
    // Opens the file (throws Error for a missing or unreadable one).
    FileHits(std::string name, std::uint32_t index, const ParseContext& ctx, InputOptions opt);
    ~FileHits();
    // The next hit in (t, line) order; false at the end. Read errors end the file and are
    // kept in counters().read_error; with opt.strict a bad line throws.
    bool next(Hit& out);
    const FileCounters& counters() const { return counters_; }
    const std::string& name() const { return name_; }

private:
    bool read_one(Hit& out);  // the next valid hit in line order
    std::string name_;
    std::uint32_t index_;
    const ParseContext& ctx_;
    InputOptions opt_;
    LineReader lines_;
    enum class Format { Unknown, Ndjson, AccessLog } format_ = Format::Unknown;
    std::unique_ptr<NdjsonParser> ndjson_;
    std::unique_ptr<AccessLogParser> access_;
    std::deque<Hit> pending_;  // sorted by (t, line); the skew buffer
    std::int64_t newest_ = INT64_MIN;
    bool ended_ = false;
    FileCounters counters_;
    std::string reason_;
};

}  // namespace b24
