#include <catch2/catch.hpp>

#include "notification.h"

using namespace b24;

namespace {

IntegrationReport integration(const char* name, const char* kind, Level verdict) {
    IntegrationReport i;
    i.portal = "acme.bitrix24.com";
    i.integration = name;
    i.kind = kind;
    i.verdict = verdict;
    if (verdict != Level::Ok) {
        Finding f;
        f.code = verdict == Level::Block ? "LARGE_LOAD" : verdict == Level::Warn
                                                              ? "NONCRITICAL_LOAD"
                                                              : "POLLING";
        f.level = verdict;
        i.findings.push_back(f);
    }
    return i;
}

const char* const kBlocked =
    " has been blocked due to the high load on the server infrastructure. Please contact our "
    "technical support to get more details.";

}  // namespace

TEST_CASE("notification: a warning names the portal", "[notification]") {
    const std::string n =
        render_notification(integration("webhook:1/3fa9c2", "webhook", Level::Warn));
    CHECK(n.rfind("Your acme.bitrix24.com is showing a dramatic increase of activity, ", 0) == 0);
    CHECK(n.find("Please let us know by replying to this message.") != std::string::npos);
    CHECK(n.find("blocked") == std::string::npos);
}

TEST_CASE("notification: a blocked webhook is named by USER_ID/FP6, never its secret",
          "[notification]") {
    CHECK(render_notification(integration("webhook:1/3fa9c2", "webhook", Level::Block)) ==
          std::string("Hello!\nYour webhook 1/3fa9c2") + kBlocked);
    CHECK(render_notification(integration("webhook:hook42", "webhook", Level::Block)) ==
          std::string("Hello!\nYour webhook hook42") + kBlocked);
}

TEST_CASE("notification: a blocked app is named by its id", "[notification]") {
    CHECK(render_notification(integration("app:local.65f1", "app", Level::Block)) ==
          std::string("Hello!\nYour app local.65f1") + kBlocked);
    CHECK(render_notification(integration("app:@203.0.113.7", "app", Level::Block)) ==
          std::string("Hello!\nYour app @203.0.113.7") + kBlocked);
}

TEST_CASE("notification: an unknown source gets the generic wording", "[notification]") {
    CHECK(render_notification(integration("unknown", "unknown", Level::Block)) ==
          std::string("Hello!\nA REST integration on your acme.bitrix24.com") + kBlocked);
}

TEST_CASE("notification: nothing for ok and notice", "[notification]") {
    CHECK(render_notification(integration("app:x", "app", Level::Ok)).empty());
    CHECK(render_notification(integration("app:x", "app", Level::Notice)).empty());
}

TEST_CASE("notification: the worst finding decides, a block beats an earlier warning",
          "[notification]") {
    IntegrationReport i = integration("app:x", "app", Level::Warn);
    Finding block;
    block.code = "WARNING_IGNORED";
    block.level = Level::Block;
    i.findings.push_back(block);
    i.verdict = Level::Block;
    CHECK(render_notification(i) == std::string("Hello!\nYour app x") + kBlocked);
}

TEST_CASE("notification: the kind falls back to the name's prefix", "[notification]") {
    CHECK(render_notification(integration("webhook:2/abcdef", "", Level::Block)) ==
          std::string("Hello!\nYour webhook 2/abcdef") + kBlocked);
    CHECK(render_notification(integration("app:y", "", Level::Block)) ==
          std::string("Hello!\nYour app y") + kBlocked);
}
