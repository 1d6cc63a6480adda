// Redaction of secrets in text quoted from input (bad lines in messages): webhook secrets
// in "/rest/USER_ID/SECRET/..." paths and in a JSON "webhook" value become their FP6;
// "auth=TOKEN" query values, and JSON "auth"/"access_token"/"refresh_token" values,
// become "[redacted]".
#pragma once
#include <string>
#include <string_view>

namespace b24 {

std::string redact(std::string_view text);

// A short, redacted, printable excerpt of a bad line for a message: control bytes and
// invalid UTF-8 escaped, cut to `max_bytes` with "…".
std::string quote_line(std::string_view line, std::size_t max_bytes = 120);

}  // namespace b24
