#include <catch2/catch.hpp>

#include "identity.h"

using namespace b24;

// sha256("secret") = 2bb80d53..., sha256("сек/рет") = 0cf71e21..., sha256("") = e3b0c4...
TEST_CASE("identity: webhook names carry USER_ID and FP6, never the secret", "[identity]") {
    CHECK(webhook_name("1/secret") == "webhook:1/2bb80d");
    CHECK(redact_webhook("1/secret") == "1/2bb80d");
    CHECK(webhook_name("1/secret").find("secret") == std::string::npos);
}

TEST_CASE("identity: the secret is everything after the first slash, as UTF-8 bytes",
          "[identity]") {
    CHECK(webhook_name("7/сек/рет") == "webhook:7/0cf71e");
    CHECK(webhook_name("7/") == "webhook:7/e3b0c4");  // empty secret still hashed
    CHECK(webhook_name("/secret") == "webhook:/2bb80d");
}

TEST_CASE("identity: an id without a slash is shown as is", "[identity]") {
    CHECK(webhook_name("hook42") == "webhook:hook42");
    CHECK(redact_webhook("hook42") == "hook42");
}

TEST_CASE("identity: app names", "[identity]") {
    CHECK(app_name("local.65f1") == "app:local.65f1");
    CHECK(app_name("@203.0.113.7") == "app:@203.0.113.7");
}
