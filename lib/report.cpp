#include "report.h"

#include <algorithm>

namespace b24 {

const char* level_name(Level l) {
    switch (l) {
        case Level::Ok: return "ok";
        case Level::Notice: return "notice";
        case Level::Warn: return "warn";
        case Level::Block: return "block";
    }
    return "ok";
}

const char* refusal_code(Refusal r) {
    switch (r) {
        case Refusal::QueryLimit: return "QUERY_LIMIT_EXCEEDED";
        case Refusal::OperationTime: return "OPERATION_TIME_LIMIT";
        case Refusal::Overload: return "OVERLOAD_LIMIT";
    }
    return "";
}

Level worst_level(const Report& r) {
    Level worst = Level::Ok;
    for (const auto& i : r.integrations) worst = std::max(worst, i.verdict);
    return worst;
}

}  // namespace b24
