// The hits of one input file, in replay order: lines are parsed (format detected from the
// first non-blank byte) in runs on worker threads when there is a pool (file_feed.h), else
// one by one on the calling thread, their names interned in input order, and the hits
// reordered within the skew bound (SPEC §2.3).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunk_parser.h"
#include "error.h"
#include "file_feed.h"
#include "hit.h"
#include "hit_ring.h"
#include "line_parse.h"
#include "line_reader.h"

namespace b24 {

class ParsePool;

struct InputOptions {
    std::int64_t max_skew_us = 60'000'000;
    bool strict = false;  // the first bad line throws Error("FILE:LINE", reason)
    int threads = 1;      // 1: everything on the calling thread; more: see input.h
    // Parse workers run this many nice levels below the calling thread, so that they never
    // hold back the serial stages (thread_priority.h; why 5: docs/decisions.md).
    int worker_nice = 5;
};

// What reading one file found, besides its hits.
struct FileCounters {
    std::int64_t hits = 0, skipped = 0, late = 0, cost_unknown = 0, bad_lines = 0;
    std::vector<std::uint64_t> bad_lines_first;  // line numbers of the first 10 bad lines
    std::optional<Error> read_error;            // corrupt/truncated stream: the file ended early
};

class FileHits {
public:
    // Opens the file (throws Error for a missing or unreadable one). Without a pool it is
    // read and parsed on the calling thread; with one, by a FileFeed within `limits`.
    FileHits(std::string name, std::uint32_t index, const ParseContext& ctx, InputOptions opt,
             ParsePool* pool, const FileFeed::Limits& limits);
    ~FileHits();
    // The next hit in (t, line) order, null at the end: it stays valid until the next call
    // (the caller may move from it). Read errors end the file and are kept in
    // counters().read_error; with opt.strict a bad line throws.
    Hit* next();
    const FileCounters& counters() const { return counters_; }
    const std::string& name() const { return name_; }

private:
    bool read_one(Hit& out);     // the next valid hit in line order
    bool read_inline(Hit& out);  // read_one without a pool: line by line, parsed into `out`
    bool load_piece();           // with one: the next piece's runs, lines across pieces joined
    bool next_text(std::string_view& text);  // the next run of lines from the reader
    void parse_joined(LineFormat format, bool newline);  // carry_ as one line into joined_
    void take(ParsedRun& run);  // counts what `run` found; its hits are handed out next
    void bad_line(std::uint64_t line, const std::string& reason);  // throws with opt.strict

    std::string name_;
    std::uint32_t index_;
    const ParseContext& ctx_;
    InputOptions opt_;
    ParsePool* pool_;
    ChunkParser parser_;  // the calling thread's: every line without a pool, joined lines with

    // Without a pool: each line is parsed straight into the caller's hit, so no run of
    // parsed hits is stored and copied again (one-thread replay is cache-bound).
    std::unique_ptr<LineReader> lines_;
    std::optional<LineFormat> format_;
    bool first_run_ = true;
    bool reader_done_ = false;
    const char* text_at_ = nullptr;   // the unread part of the reader's current run
    const char* text_end_ = nullptr;

    // With a pool.
    std::unique_ptr<FileFeed> feed_;
    std::unique_ptr<Piece> piece_;
    bool piece_run_due_ = false;  // piece_->run goes after the joined line
    bool feed_done_ = false;
    std::string carry_;           // the start of a line that crosses pieces
    LineFormat last_format_ = LineFormat::Ndjson;
    ParsedRun joined_;            // that line, once whole

    ParsedRun* cur_ = &joined_;         // the run whose hits are being handed out
    std::size_t run_next_ = 0;          // next hit of *cur_ to hand out
    std::uint64_t run_first_line_ = 0;  // line number of *cur_'s first line
    std::uint64_t lines_seen_ = 0;      // lines taken so far, in runs or one by one
    const std::vector<Sym>* remap_ = nullptr;  // *cur_'s ids to ctx_.symbols' (worker runs)

    HitRing pending_;  // sorted by (t, line); the skew buffer
    std::int64_t newest_ = INT64_MIN;
    bool ended_ = false;
    FileCounters counters_;
};

}  // namespace b24
