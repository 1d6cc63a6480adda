// Integration names. The webhook secret is hashed here and nowhere else keeps it (SPEC §2.3).
#include "identity.h"

#include "sha256.h"

namespace b24 {

std::string redact_webhook(std::string_view webhook) {
    const auto slash = webhook.find('/');
    if (slash == std::string_view::npos) return std::string(webhook);  // opaque id: no secret
    std::string out(webhook.substr(0, slash + 1));
    // SPEC §3.6: the secret is everything after the first '/', hashed as its raw bytes.
    static constexpr char kHex[] = "0123456789abcdef";
    const auto digest = sha256(webhook.substr(slash + 1));
    for (int i = 0; i < 3; ++i) {  // 3 bytes = the first 6 hex digits
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0xf];
    }
    return out;
}

std::string webhook_name(std::string_view webhook) {
    return "webhook:" + redact_webhook(webhook);
}

std::string app_name(std::string_view app_id) { return "app:" + std::string(app_id); }

}  // namespace b24
