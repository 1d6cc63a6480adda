#include <catch2/catch.hpp>

#include <string>

#include "redact.h"

using b24::quote_line;
using b24::redact;

// sha256("secret") begins 2bb80d; sha256("s") begins 043a71.
TEST_CASE("redact: webhook secrets in /rest/ paths become FP6", "[redact]") {
    CHECK(redact("GET /rest/1/secret/crm.deal.list.json?x=1 HTTP/1.1") ==
          "GET /rest/1/2bb80d/crm.deal.list.json?x=1 HTTP/1.1");
    // no method after the secret, and a truncated line
    CHECK(redact("GET /rest/1/secret HTTP/1.1") == "GET /rest/1/2bb80d HTTP/1.1");
    CHECK(redact("GET /rest/1/secret") == "GET /rest/1/2bb80d");
    CHECK(redact("\"GET /rest/1/secret\"") == "\"GET /rest/1/2bb80d\"");
    CHECK(redact("/REST/1/secret/x") == "/REST/1/2bb80d/x");
    // a full URL, PHP's JSON "\/" slashes, a URL-encoded URL in a query parameter
    CHECK(redact("https://a.bitrix24.com/rest/1/secret/") ==
          "https://a.bitrix24.com/rest/1/2bb80d/");
    CHECK(redact(R"({"url":"https:\/\/a\/rest\/1\/secret\/m"})") ==
          R"({"url":"https:\/\/a\/rest\/1\/2bb80d\/m"})");
    CHECK(redact("?back=%2Frest%2F1%2Fsecret%2Fm") == "?back=%2Frest%2F1%2F2bb80d%2Fm");
}

TEST_CASE("redact: app paths have no second segment and are kept", "[redact]") {
    CHECK(redact("GET /rest/crm.deal.list HTTP/1.1") == "GET /rest/crm.deal.list HTTP/1.1");
    CHECK(redact("/rest/") == "/rest/");
    CHECK(redact("/restaurant/1/menu") == "/restaurant/1/menu");
}

TEST_CASE("redact: auth tokens in query strings", "[redact]") {
    CHECK(redact("/rest/crm.deal.list?auth=abc123&start=0") ==
          "/rest/crm.deal.list?auth=[redacted]&start=0");
    CHECK(redact("/rest/m?start=0&AUTH=abc123 HTTP/1.1") ==
          "/rest/m?start=0&AUTH=[redacted] HTTP/1.1");
    CHECK(redact("/rest/m?auth=abc123") == "/rest/m?auth=[redacted]");
    CHECK(redact("/rest/m?auth=&x=1") == "/rest/m?auth=&x=1");  // nothing to hide
    CHECK(redact("access_token=a&refresh_token=b") ==
          "access_token=[redacted]&refresh_token=[redacted]");
    CHECK(redact("auth[access_token]=tok&x=1") == "auth[access_token]=[redacted]&x=1");
    // inside a URL-encoded batch command
    CHECK(redact("cmd%5Ba%5D=crm.deal.list%3Fauth%3Dtok%26start%3D0") ==
          "cmd%5Ba%5D=crm.deal.list%3Fauth%3D[redacted]%26start%3D0");
}

TEST_CASE("redact: JSON members", "[redact]") {
    CHECK(redact(R"({"webhook":"1/secret","method":"m"})") ==
          R"({"webhook":"1/2bb80d","method":"m"})");
    CHECK(redact(R"({"webhook" : "1\/secret"})") == R"({"webhook" : "1/2bb80d"})");
    CHECK(redact(R"({"webhook":"hook42"})") == R"({"webhook":"hook42"})");  // no secret
    CHECK(redact(R"({"auth":"t1","access_token":"t2","refresh_token":"t3","AUTH_ID":"t4",)"
                 R"("REFRESH_ID":"t5"})") ==
          R"({"auth":"[redacted]","access_token":"[redacted]","refresh_token":"[redacted]",)"
          R"("AUTH_ID":"[redacted]","REFRESH_ID":"[redacted]"})");
    CHECK(redact(R"({"auth":"a\"b","x":1})") == R"({"auth":"[redacted]","x":1})");
    CHECK(redact(R"({"auth":12345})") == R"({"auth":[redacted]})");
    CHECK(redact(R"({"auth":null,"authority":"x","auth":""})") ==
          R"({"auth":null,"authority":"x","auth":""})");
    // nested objects: the inner members are found in turn
    CHECK(redact(R"({"auth":{"access_token":"t"}})") ==
          R"({"auth":{"access_token":"[redacted]"}})");
    // JSON embedded in a JSON string
    CHECK(redact(R"({"body":"{\"auth\":\"tok\"}"})") == R"({"body":"{\"auth\":\"[redacted]\"}"})");
}

TEST_CASE("redact: every prefix of a line hides the secrets it holds", "[redact]") {
    // Lines are quoted because they are malformed, often truncated: the secret may be cut
    // anywhere. "zq" occurs only at the start of each secret.
    const std::string lines[] = {
        R"(1.2.3.4 - - [27/Nov/2026:07:26:32 +0000] "GET /rest/1/zqsecret/m HTTP/1.1" 200 1)",
        R"(1.2.3.4 - - [27/Nov/2026:07:26:32 +0000] "GET /rest/m?auth=zqtoken HTTP/1.1" 200 1)",
        R"({"ts":1,"webhook":"1/zqsecret","auth":"zqtoken","access_token":"zqa"})",
        R"({"url":"https:\/\/a\/rest\/7\/zqsecret\/m"})",
    };
    for (const auto& line : lines) {
        for (std::size_t n = 0; n <= line.size(); ++n) {
            INFO(line.substr(0, n));
            CHECK(redact(line.substr(0, n)).find("zq") == std::string::npos);
        }
    }
}

TEST_CASE("quote_line: redacts, then escapes what is not printable", "[redact]") {
    CHECK(quote_line("GET /rest/1/secret/m") == "GET /rest/1/2bb80d/m");
    CHECK(quote_line("a\tb\x01\x7f\r") == "a\\x09b\\x01\\x7F\\x0D");
    CHECK(quote_line("caf\xc3\xa9 \xe2\x82\xac") == "caf\xc3\xa9 \xe2\x82\xac");  // é €
    CHECK(quote_line("\xff") == "\\xFF");
    CHECK(quote_line("\xc0\xaf") == "\\xC0\\xAF");          // overlong '/'
    CHECK(quote_line("\xed\xa0\x80") == "\\xED\\xA0\\x80");  // a UTF-16 surrogate
    CHECK(quote_line("\xe2\x82") == "\\xE2\\x82");          // truncated sequence
    CHECK(quote_line("\xc2\x9b") == "\\xC2\\x9B");          // C1 CSI: terminals act on it
    CHECK(quote_line("") == "");
}

TEST_CASE("quote_line: cuts to max_bytes with an ellipsis", "[redact]") {
    const std::string ell = "\xe2\x80\xa6";
    CHECK(quote_line(std::string(120, 'a'), 120) == std::string(120, 'a'));
    CHECK(quote_line(std::string(121, 'a'), 120) == std::string(117, 'a') + ell);
    CHECK(quote_line(std::string(500, 'a')).size() == 120);
    // never inside a UTF-8 character or an escape
    CHECK(quote_line("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 7) == "\xc3\xa9\xc3\xa9" + ell);
    CHECK(quote_line("\x01\x02\x03", 8) == "\\x01" + ell);
    // redaction happens before the cut, so a cut cannot expose part of a secret
    CHECK(quote_line("GET /rest/1/secret HTTP/1.1", 16) == "GET /rest/1/2" + ell);
    CHECK(quote_line("/rest/1/secret", 15) == "/rest/1/2bb80d");
    // a limit below the ellipsis' own size still yields something bounded
    CHECK(quote_line("abcdef", 0) == ell);
}
