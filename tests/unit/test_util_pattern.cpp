#include "lib/util/pattern.hpp"

#include <doctest/doctest.h>

#include <string>

using opsctl::util::unsafe_regex;

TEST_CASE("unsafe_regex refuses what would make regcomp take gigabytes") {
    SUBCASE("patterns the sample checklists and users write pass") {
        for (const char* ok : {"ERROR|FATAL", "^sshd$", "(out of memory|oom-killer)", "[0-9]{1,3}(\\.[0-9]{1,3}){3}",
                               "a+b*c?", "[[:digit:]]+ errors", "[]+*]+", "\\++", "x{2}y", "a{", "nginx: (master|worker)"}) {
            CAPTURE(ok);
            CHECK_FALSE(unsafe_regex(ok));
        }
    }
    SUBCASE("stacked repetitions are refused with the reason") {
        // Found by fuzz_log_scan: this pattern made glibc's regcomp use more than 1 GiB.
        const auto why = unsafe_regex("(a++++++++++++++++++++++++++#t");
        REQUIRE(why);
        CHECK(why->find("a repetition follows another one") != std::string::npos);
        for (const char* bad : {"a**", "a+?", "(x)*{2}", "a{2}+", "[ab]+*"}) {
            CAPTURE(bad);
            CHECK(unsafe_regex(bad));
        }
    }
    SUBCASE("overlong patterns") {
        CHECK(unsafe_regex(std::string(4097, 'a')));
        CHECK_FALSE(unsafe_regex(std::string(4096, 'a')));
    }
}
