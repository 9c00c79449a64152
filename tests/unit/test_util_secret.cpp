#include "lib/core/error.hpp"
#include "lib/util/secret.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace opsctl::util;

TEST_CASE("URL userinfo is found and its password redacted") {
    auto u = url_userinfo("http://monitor:S3cret@127.0.0.1:8080/health");
    REQUIRE(u);
    CHECK(u->user == "monitor");
    CHECK(u->password == std::string("S3cret"));
    CHECK(url_userinfo("http://127.0.0.1/health?a=b@c") == std::nullopt); // '@' after the path is not userinfo
    CHECK_FALSE(url_userinfo("http://monitor@host/")->password);
    CHECK(redact_url("http://monitor:S3cret@127.0.0.1:8080/health") == "http://monitor:***@127.0.0.1:8080/health");
    CHECK(redact_url("https://a:b:c@h") == "https://a:***@h");
    CHECK(redact_url("https://ghp_T0ken@host/") == "https://***@host/"); // a user alone is often a token
    CHECK(redact_url("https://h/robot/send?access_token=abc&x=1#f") == "https://h/robot/send?access_token=***&x=1#f");
    CHECK(redact_url("https://u:p@h/?key=k&api_key=") == "https://u:***@h/?key=***&api_key=");
    CHECK(redact_url("http://host/p?x=1") == "http://host/p?x=1");
    CHECK(redact_url("not a url") == "not a url");
    CHECK(redact("pw S3cret and S3cret", "S3cret") == "pw *** and ***");
    CHECK(redact("x", "") == "x");
}

TEST_CASE("secret-looking values") {
    CHECK(secret_like("https://oapi.dingtalk.com/robot/send?access_token=abc123") ==
          std::string("a URL with a 'access_token' parameter"));
    CHECK(secret_like("http://u:p@host/") == std::string("a URL with a password"));
    CHECK(secret_like("Authorization: Bearer abc") == std::string("a 'Authorization' header"));
    CHECK(secret_like("X-Api-Key: abc") == std::string("a 'X-Api-Key' header"));
    CHECK(secret_like("--password=hunter2") == std::string("the value of '--password'"));
    CHECK(secret_like("MYSQL_PWD=hunter2") == std::string("the value of 'MYSQL_PWD'"));
    CHECK(secret_like("hunter2", "--token") == std::string("the value of '--token'"));
    // References to a secret, and ordinary arguments, are not secrets.
    CHECK_FALSE(secret_like("--password-file=/etc/opsctl/pass"));
    CHECK_FALSE(secret_like("Authorization: Bearer $TOKEN"));
    CHECK_FALSE(secret_like("https://oapi.dingtalk.com/robot/send?access_token={{token}}"));
    CHECK_FALSE(secret_like("https://example.com/health?monkey=1"));
    CHECK_FALSE(secret_like("/usr/lib/nagios/plugins/check_ntp_time"));
    CHECK_FALSE(secret_like("-H"));
    CHECK_FALSE(secret_like("127.0.0.1:22"));
    CHECK_FALSE(secret_like("keyboard=us"));
    CHECK_FALSE(secret_like("--ssh-key=/root/.ssh/id_ed25519"));
}

TEST_CASE("secret files are read only when private to their owner") {
    char dir_tmpl[] = "/tmp/opsctl-secret.XXXXXX";
    REQUIRE(::mkdtemp(dir_tmpl));
    const std::string file = std::string(dir_tmpl) + "/pass";
    std::ofstream(file) << "S3cret\n";
    ::chmod(file.c_str(), 0600);
    CHECK(read_secret_file(file) == "S3cret");
    ::chmod(file.c_str(), 0644);
    const std::string too_open = "the password file '" + file + "' is open to others (mode 0644)";
    CHECK_THROWS_WITH_AS(read_secret_file(file), too_open.c_str(), opsctl::DataError);
    ::chmod(file.c_str(), 0640);
    CHECK_THROWS_AS(read_secret_file(file), opsctl::DataError);
    CHECK_THROWS_AS(read_secret_file(std::string(dir_tmpl) + "/missing"), opsctl::DataError);
    CHECK_THROWS_AS(read_secret_file(dir_tmpl), opsctl::DataError); // a folder
    std::remove(file.c_str());
    ::rmdir(dir_tmpl);
}
