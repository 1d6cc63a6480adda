// The threaded reading of one input file (--threads > 1). A thread of its own reads and
// decompresses the file into pieces of about a MiB, or, where the file is made of many zstd
// frames, moves whole frames out for the workers to decompress; the ParsePool parses the
// pieces; next() hands them back in file order.
//
// Pieces are cut anywhere, not at line ends. A piece's own parsed lines are the whole lines
// between its first '\n' and its last; the bytes before (head) and after (tail) belong to
// lines that cross pieces, which the caller joins and parses itself (FileHits). So no
// thread ever waits for, or copies, the end of a line from another's piece.
#pragma once
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "byte_source.h"
#include "chunk_parser.h"
#include "error.h"

namespace b24 {

class ParsePool;

struct Piece {
    ParsedRun run;            // the whole lines after the first '\n', through the last
    std::string head;         // the bytes before the first '\n' (all of them if there is none)
    std::string tail;         // the bytes after the last '\n'
    bool has_newline = false;
    LineFormat format = LineFormat::Ndjson;  // of the file, as known when the piece was read
    std::optional<Error> error;  // the file ends after this piece's bytes: a read fault
    std::exception_ptr failure;  // anything else thrown while making it; next() rethrows

    void clear();  // empty again, keeping the room it has
};

class FileFeed {
public:
    struct Limits {
        std::size_t piece = std::size_t{1} << 20;  // decompressed bytes per piece
        std::size_t in_flight = 4;                  // pieces read but not yet taken by next()
        std::size_t budget = std::size_t{24} << 20;  // and their decompressed bytes, at most
        std::size_t read_size = kReadSize;  // compressed bytes per read: the same faults
    };
    // Opens `name` ("-" is stdin) and starts reading; throws Error for a missing or
    // unreadable file.
    FileFeed(const std::string& name, ParsePool& pool, const Limits& limits);
    ~FileFeed();  // stops the reading thread; pieces in the pool finish on their own
    FileFeed(const FileFeed&) = delete;
    FileFeed& operator=(const FileFeed&) = delete;

    // The next piece in file order, false after the last. `piece` may hold the previous
    // one: it is recycled. Rethrows a Piece::failure.
    bool next(std::unique_ptr<Piece>& piece);

private:
    struct Shared;
    void read_loop();

    std::shared_ptr<Shared> shared_;  // with the pool's jobs, which may outlive this
};

}  // namespace b24
