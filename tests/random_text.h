// Random choices and small damage for the generated lines of the parser tests
// (test_ndjson_fast_path.cpp, test_access_fast_path.cpp): seeded, so every run checks the
// same lines.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace b24::test_text {

class RandomText {
public:
    explicit RandomText(std::uint64_t seed) : rng_(seed) {}

    std::size_t below(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }
    bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
    template <class T>
    const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

    // A place in s for damage (0 when s is empty).
    std::size_t place(const std::string& s) { return s.empty() ? 0 : below(s.size() + 1); }
    // Damage of one of five kinds (0-4) at `at`: a byte dropped, one of `bytes` put in or
    // written over one, the rest cut off, or up to 11 bytes repeated.
    void damage(std::string& s, std::size_t at, std::size_t kind, const std::string& bytes) {
        switch (kind) {
            case 0:
                if (at < s.size()) s.erase(at, 1);
                break;
            case 1: s.insert(at, 1, bytes[below(bytes.size())]); break;
            case 2:
                if (at < s.size()) s[at] = bytes[below(bytes.size())];
                break;
            case 3: s.resize(at); break;
            default: {
                const std::size_t len = below(12);
                if (at < s.size()) s.insert(at, s.substr(at, len));
                break;
            }
        }
    }

private:
    std::mt19937_64 rng_;
};

// Checks n generated lines and a damaged copy of each: gen.line(), gen.mutate(line) and
// differ.check(line), as the fast-path tests have them.
template <class Differ, class Gen>
void check_generated(Differ& differ, Gen& gen, int n) {
    for (int i = 0; i < n; ++i) {
        const std::string line = gen.line();
        differ.check(line);
        differ.check(gen.mutate(line));
    }
}

}  // namespace b24::test_text
