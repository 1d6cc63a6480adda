#include "rules.h"

namespace b24 {

Rules default_rules() { return Rules{}; }

int Rules::plan_index(std::string_view plan_name) const {
    for (std::size_t i = 0; i < plans.size(); ++i)
        if (plans[i].name == plan_name) return static_cast<int>(i);
    return -1;
}

int Rules::portal_plan(std::string_view portal) const {
    if (auto it = portals.find(std::string(portal)); it != portals.end()) {
        const int i = plan_index(it->second);
        if (i >= 0) return i;
    }
    return plan_index(default_plan);
}

bool Rules::is_polled(std::string_view method) const {
    for (const auto& p : polling.methods)
        if (glob_match(p, method)) return true;
    return false;
}

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative '*' matching with one backtrack point: linear in practice.
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace b24
