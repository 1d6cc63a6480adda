#include "report.h"

#include <algorithm>
#include <tuple>

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

void clear_replay_lists(Report& r) {
    r.integrations.clear();
    r.methods.clear();
    r.buckets.clear();
}

void order_report(Report& r) {
    std::sort(r.integrations.begin(), r.integrations.end(),
              [](const IntegrationReport& a, const IntegrationReport& b) {
                  return std::tie(a.portal, a.integration) < std::tie(b.portal, b.integration);
              });
    std::sort(r.methods.begin(), r.methods.end(), [](const MethodReport& a, const MethodReport& b) {
        return std::tie(a.portal, a.method) < std::tie(b.portal, b.method);
    });
    std::sort(r.buckets.begin(), r.buckets.end(), [](const BucketReport& a, const BucketReport& b) {
        return std::tie(a.portal, a.key) < std::tie(b.portal, b.key);
    });
    Summary& sum = r.summary;
    sum = Summary{};
    sum.integrations = static_cast<std::int64_t>(r.integrations.size());
    for (std::size_t i = 0; i < r.integrations.size(); ++i) {
        const IntegrationReport& x = r.integrations[i];
        if (i == 0 || x.portal != r.integrations[i - 1].portal) ++sum.portals;
        switch (x.verdict) {
            case Level::Ok: ++sum.ok; break;
            case Level::Notice: ++sum.notice; break;
            case Level::Warn: ++sum.warn; break;
            case Level::Block: ++sum.block; break;
        }
    }
}

}  // namespace b24
