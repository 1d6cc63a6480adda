// Splits a ByteSource into runs of whole lines, across chunk boundaries: the last line may
// lack a newline, lines of any length (tested at 20 MiB). Lines that lie inside one block of
// the source are handed out in place; only a line that spans blocks is copied (into a carry
// buffer).
#pragma once
#include <cstddef>
#include <exception>
#include <memory>
#include <string_view>

#include "aligned_buffer.h"
#include "byte_source.h"

namespace b24 {

class LineReader {
public:
    explicit LineReader(std::unique_ptr<ByteSource> src);
    // The next run of whole lines, as they are in the input: every line but the input's
    // last ends in '\n' ('\r' kept), at least one line, as many as the current block
    // holds; false at the end. The caller splits the run: "\n" or "\r\n" ends a line.
    // Bytes pass through untouched (NUL, invalid UTF-8). The view stays valid until the
    // next call and is followed by kLinePadding readable bytes. Throws the source's Error
    // after every complete line before the fault (a last line cut by the fault is
    // dropped); later calls throw it again.
    bool next_run(std::string_view& run);

    const ByteSource& source() const { return *src_; }

private:
    void append(const char* p, std::size_t n);  // to the carry buffer
    void release_carry();                        // after the carry was handed out
    bool fetch();                                // the next block; false at the end

    std::unique_ptr<ByteSource> src_;
    std::string_view block_;               // unread part of the source's current block
    AlignedBuffer carry_;                  // a line that spans blocks, with padding after it
    std::size_t carry_len_ = 0, carry_cap_ = 0;
    bool carry_out_ = false;               // the carry was handed out: empty it next call
    bool eof_ = false;
    std::exception_ptr error_;
};

}  // namespace b24
