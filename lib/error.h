// One error type carrying what a person needs: where (file, line or byte offset) and what.
// Messages never hold a secret: whoever builds one from input text redacts it first
// (see redact.h).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace b24 {

struct Error : std::runtime_error {
    // `where` is "FILE:LINE", "FILE: byte OFFSET", "FILE", a JSON path, or "".
    Error(std::string where_, std::string what_)
        : std::runtime_error(where_.empty() ? what_ : where_ + ": " + what_),
          where(std::move(where_)), message(std::move(what_)) {}
    std::string where;
    std::string message;
};

}  // namespace b24
