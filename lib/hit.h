// The plain data model every stage reads: one REST hit, already parsed, named by ids.
#pragma once
#include <cstdint>
#include <vector>

#include "symbols.h"

namespace b24 {

enum class IntegrationKind : std::uint8_t { App, Webhook, Unknown };

// Where a hit came from, for messages: input file index (command-line order) and 1-based line.
struct Place {
    std::uint32_t file = 0;
    std::uint64_t line = 0;
};

inline constexpr std::int64_t kUnknownCost = -1;
inline constexpr std::int16_t kNoPlan = -1;

struct Hit {
    std::int64_t t_us = 0;          // µs since the Unix epoch, UTC
    Sym portal = kNoSym;            // lower-cased account domain
    Sym integration = kNoSym;       // display name: "app:ID", "webhook:1/3fa9c2", "unknown"
    IntegrationKind kind = IntegrationKind::Unknown;
    Sym ip = kNoSym;                // client address, kNoSym when absent
    Sym method = kNoSym;            // lower-cased, ".json"/".xml" dropped
    std::int64_t cost_us = kUnknownCost;  // server time of the hit; kUnknownCost when absent
    std::int16_t plan = kNoPlan;    // index into Rules::plans when the hit names its plan
    std::int32_t status = 0;        // HTTP status in reality, 0 when absent
    Sym error = kNoSym;             // Bitrix24 error code in reality
    std::vector<Sym> cmds;          // batch: each command's lower-cased method, in order
    Place place;
};

}  // namespace b24
