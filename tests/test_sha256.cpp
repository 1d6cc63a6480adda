#include <catch2/catch.hpp>

#include <string>

#include "sha256.h"

using b24::sha256;
using b24::sha256_hex;

TEST_CASE("sha256: FIPS 180-4 test vectors", "[sha256]") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: padding edges at 55, 56 and 64 bytes", "[sha256]") {
    // 55 bytes is the longest message whose padding fits one block; 56 needs a second.
    CHECK(sha256_hex(std::string(55, 'a')) ==
          "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    CHECK(sha256_hex(std::string(56, 'a')) ==
          "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    CHECK(sha256_hex(std::string(64, 'a')) ==
          "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST_CASE("sha256: raw digest matches the hex form and hashes embedded NULs", "[sha256]") {
    const auto d = sha256("abc");
    CHECK(d[0] == 0xba);
    CHECK(d[31] == 0xad);
    CHECK(sha256_hex(std::string("a\0b", 3)) != sha256_hex("a"));
}
