#include "notification.h"

#include <string_view>

namespace b24 {

namespace {

// The wording of the three chat messages in Bitrix24 Helpdesk "Blocking REST API: reasons
// and solutions"; #WEBHOOK# and #APP# are the integration's public name (a webhook's
// USER_ID/FP6, never its secret).
constexpr std::string_view kHello = "Hello!\n";
constexpr std::string_view kBlocked =
    " has been blocked due to the high load on the server infrastructure. Please contact "
    "our technical support to get more details.";

std::string without_prefix(const std::string& name, std::string_view prefix) {
    if (name.compare(0, prefix.size(), prefix) == 0) return name.substr(prefix.size());
    return name;
}

}  // namespace

std::string render_notification(const IntegrationReport& r) {
    Level worst = r.verdict;
    for (const Finding& f : r.findings)
        if (f.level > worst) worst = f.level;

    if (worst == Level::Warn)
        return "Your " + r.portal +
               " is showing a dramatic increase of activity, which creates a heavy system and "
               "server load and affects other users.\n"
               "Did you start any resource intensive processes like export or import, REST "
               "workflow automation or something like that? Please let us know by replying "
               "to this message.";
    if (worst != Level::Block) return "";

    std::string_view kind = r.kind;
    if (kind.empty()) {  // older reports: the name says the kind
        if (r.integration.rfind("webhook:", 0) == 0) kind = "webhook";
        else if (r.integration.rfind("app:", 0) == 0) kind = "app";
    }
    std::string s(kHello);
    if (kind == "webhook")
        s += "Your webhook " + without_prefix(r.integration, "webhook:");
    else if (kind == "app")
        s += "Your app " + without_prefix(r.integration, "app:");
    else  // a source Bitrix24 could name but the log could not
        s += "A REST integration on your " + r.portal;
    s += kBlocked;
    return s;
}

}  // namespace b24
