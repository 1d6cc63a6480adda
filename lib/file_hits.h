// The hits of one input file, in replay order: runs of lines are parsed (format detected
// from the first non-blank byte), on worker threads when there is a pool, their names
// interned in input order, and the hits reordered within the skew bound (SPEC §2.3).
#pragma once
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunk_parser.h"
#include "error.h"
#include "hit.h"
#include "line_parse.h"
#include "line_reader.h"

namespace b24 {

class ParsePool;

struct InputOptions {
    std::int64_t max_skew_us = 60'000'000;
    bool strict = false;  // the first bad line throws Error("FILE:LINE", reason)
    int threads = 1;      // 1: everything on the calling thread; more: see input.h
};

// What reading one file found, besides its hits.
struct FileCounters {
    std::int64_t hits = 0, skipped = 0, late = 0, cost_unknown = 0, bad_lines = 0;
    std::vector<std::uint64_t> bad_lines_first;  // line numbers of the first 10 bad lines
    std::optional<Error> read_error;            // corrupt/truncated stream: the file ended early
};

class FileHits {
public:
    // Opens the file (throws Error for a missing or unreadable one). With a pool, runs are
    // parsed there, at most `in_flight` at a time; without, on the calling thread.
    FileHits(std::string name, std::uint32_t index, const ParseContext& ctx, InputOptions opt,
             ParsePool* pool, std::size_t in_flight);
    ~FileHits();
    // The next hit in (t, line) order; false at the end. Read errors end the file and are
    // kept in counters().read_error; with opt.strict a bad line throws.
    bool next(Hit& out);
    const FileCounters& counters() const { return counters_; }
    const std::string& name() const { return name_; }

private:
    bool read_one(Hit& out);  // the next valid hit in line order
    bool load_run();          // the next parsed run into run_; false at the end
    void submit_runs();       // keeps the pool busy with this file's next runs
    bool next_text(std::string_view& text);  // the next run of lines from the reader
    void take(ParsedRun&& run);

    std::string name_;
    std::uint32_t index_;
    const ParseContext& ctx_;
    InputOptions opt_;
    LineReader lines_;
    ParsePool* pool_;
    std::size_t in_flight_;
    std::unique_ptr<ChunkParser> inline_parser_;  // without a pool
    std::optional<LineFormat> format_;
    bool first_run_ = true;
    bool reader_done_ = false;
    std::deque<std::future<ParsedRun>> pending_runs_;
    ParsedRun run_;
    std::size_t run_next_ = 0;          // next hit of run_ to hand out
    std::uint64_t run_first_line_ = 0;  // line number of run_'s first line
    std::uint64_t lines_seen_ = 0;      // lines of every run taken so far
    const std::vector<Sym>* remap_ = nullptr;  // run_'s ids to ctx_.symbols' (worker runs)

    std::deque<Hit> pending_;  // sorted by (t, line); the skew buffer
    std::int64_t newest_ = INT64_MIN;
    bool ended_ = false;
    FileCounters counters_;
};

}  // namespace b24
