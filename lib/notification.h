// The notification Bitrix24 would send for an integration's worst warn or block finding
// (SPEC §1 rule 3), with the portal and integration filled in; "" for ok and notice.
#pragma once
#include <string>

#include "report.h"

namespace b24 {

std::string render_notification(const IntegrationReport& r);

}  // namespace b24
