// A small streaming JSON writer shared by every JSON producer (reports, stats, rules):
// compact or pretty, keys in the order written, strings escaped (invalid UTF-8 bytes
// become U+FFFD), numbers given as ready text.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace b24 {

// JSON string literal of `s`, quotes included.
std::string json_quote(std::string_view s);

class JsonWriter {
public:
    // indent 0: one line; else pretty with that many spaces per level.
    explicit JsonWriter(std::ostream& out, int indent = 2) : out_(out), indent_(indent) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view s);          // string
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(std::int64_t n);              // integer
    JsonWriter& value(bool b);
    JsonWriter& null();
    JsonWriter& raw(std::string_view number_text);  // a number already formatted

private:
    void before_value();
    void newline();
    std::ostream& out_;
    int indent_;
    struct Level { bool array; bool empty; };
    std::vector<Level> stack_;
    bool after_key_ = false;
};

}  // namespace b24
