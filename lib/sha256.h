// SHA-256 (FIPS 180-4), for webhook fingerprints and the rules file's identity.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace b24 {

std::array<std::uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);  // 64 lower-case hex digits

}  // namespace b24
