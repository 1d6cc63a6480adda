// Splits a ByteSource into lines, across chunk boundaries: "\n" or "\r\n" ends a line,
// the last line may lack a newline, lines of any length (tested at 20 MiB).
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "byte_source.h"

namespace b24 {

class LineReader {
public:
    explicit LineReader(std::unique_ptr<ByteSource> src);
    // The next line without its terminator, 1-based line number. false at the end.
    // The view stays valid until the next call and is followed by kLinePadding readable
    // bytes. Throws the source's Error after every complete line before the fault.
    bool next(std::string_view& line, std::uint64_t& line_no);

private:
    std::unique_ptr<ByteSource> src_;
    std::vector<char> buf_;
    std::size_t begin_ = 0, end_ = 0;
    std::uint64_t line_no_ = 0;
    bool eof_ = false;
};

}  // namespace b24
