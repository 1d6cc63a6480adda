// Integration names (SPEC §4): "app:ID", "webhook:USER_ID/FP6", "webhook:ID",
// "app:@CLIENT_IP", "unknown". A webhook secret never leaves these functions.
#pragma once
#include <string>
#include <string_view>

namespace b24 {

// "webhook:" + USER_ID + "/" + first 6 hex digits of SHA-256(secret) for "USER_ID/SECRET"
// (secret = everything after the first '/'); "webhook:" + id for an id without '/'.
std::string webhook_name(std::string_view webhook);
std::string app_name(std::string_view app_id);  // "app:" + id
// "webhook:1/3fa9c2" -> "1/3fa9c2" style redaction of a raw "USER_ID/SECRET".
std::string redact_webhook(std::string_view webhook);

}  // namespace b24
