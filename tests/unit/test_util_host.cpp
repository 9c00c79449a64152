#include "lib/util/host.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace opsctl::util;

TEST_CASE("host addresses: RFC 1123 names and IP literals only") {
    for (const char* ok : {"10.0.0.9", "db01", "db-01.example.com", "db01.example.com.", "localhost", "::1",
                           "fe80::1%eth0", "2001:db8::5", "1a", "xn--fiqs8s.cn"}) {
        CAPTURE(ok);
        CHECK(is_host_address(ok));
    }
    for (const char* bad : {"", "10.0.0.9;touch /tmp/x", "-oProxyCommand=touch x", "$(id)", "a b", "a\nb",
                            "10.0.0.300", "999", "host_name", "-host", "host-", "a..b", ".a", "[::1]",
                            "http://host", "host:22", "`id`", "a|b", "a&&b", "fe80::1%eth0;x", "服务器"}) {
        CAPTURE(bad);
        CHECK_FALSE(is_host_address(bad));
    }
    CHECK(is_host_address(std::string(63, 'a') + ".example"));
    CHECK_FALSE(is_host_address(std::string(64, 'a') + ".example"));
    CHECK_FALSE(is_host_address(std::string(300, 'a')));
}
