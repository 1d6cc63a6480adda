// libFuzzer target for rules files (scripts/fuzz): the input is a `--rules` file's text.
// parse_rules either throws Error or returns a policy; check_rules must agree on which
// (no faults exactly when parse_rules accepts); and an accepted policy must survive its
// own canonical text: to_json, read back, gives the same text. Anything else aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "error.h"
#include "rules.h"

using namespace b24;

namespace {

[[noreturn]] void fail(const char* what, std::string_view text, const std::string& detail) {
    std::fprintf(stderr, "%s\nrules: %.*s\n%s\n", what, static_cast<int>(text.size()),
                 text.data(), detail.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);  // simdjson pads it
    std::string canonical;
    std::string error;
    try {
        canonical = to_json(parse_rules(text));
    } catch (const Error& e) {
        error = e.what();
    }
    const auto faults = check_rules(text);
    if (error.empty() != faults.empty())
        fail("parse_rules and check_rules disagree", text, error.empty() ? faults.front() : error);
    if (!error.empty()) return 0;
    std::string again;
    try {
        again = to_json(parse_rules(canonical));
    } catch (const Error& e) {
        fail("the canonical text of an accepted policy is refused", text, e.what());
    }
    if (again != canonical) fail("the canonical text does not round-trip", text, canonical + "\n" + again);
    return 0;
}
