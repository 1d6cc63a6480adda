// All inputs of a run merged into one replay-ordered stream of hits (SPEC §2.3): each
// file reordered within the skew bound, files merged by (time, file order, line).
//
// Threads: with opt.threads = 1 everything runs on the calling thread. With N > 1 each
// file decompresses on a thread of its own, N workers parse runs of lines, and the calling
// thread interns, reorders, merges and replays. The hits and their order are the same.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "file_hits.h"
#include "parse_pool.h"
#include "report.h"

namespace b24 {

class Input {
public:
    // Opens every file first, so a missing or unreadable one fails before any work
    // (throws Error naming it).
    Input(const std::vector<std::string>& files, const ParseContext& ctx, InputOptions opt);
    ~Input();
    // The next hit in replay order, null at the end: it stays valid until the next call (the
    // caller may move from it). Throws for --strict bad lines.
    Hit* next();
    // Counts, first bad places (sorted by file order then line, at most 10), first/last
    // replayed time, completeness and the first read error.
    InputReport report() const;

private:
    Hit* merge();  // the k-way merge of several files
    void advance(std::size_t i);
    std::unique_ptr<ParsePool> pool_;  // declared before files_: they use it until destroyed
    std::vector<std::unique_ptr<FileHits>> files_;
    std::vector<Hit*> heads_;        // each file's next hit, null once it has ended
    std::size_t taken_ = SIZE_MAX;   // the file whose head merge() handed out last
    std::vector<std::size_t> heap_;  // indices of live heads, min-heap by (t, file, line)
    std::optional<std::int64_t> first_us_, last_us_;
    bool primed_ = false;
};

}  // namespace b24
