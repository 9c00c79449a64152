#include "lib/util/dynlib.hpp"

#include "lib/core/error.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

using namespace opsctl;

TEST_CASE("DynamicLibrary opens a library on demand") {
    SUBCASE("a function resolves and can be called") {
        const util::DynamicLibrary libc("libc.so.6", "the test", "libc6");
        auto* length = libc.function<decltype(::strlen)>("strlen");
        CHECK(length("数据库") == 9);
    }
    SUBCASE("a missing library names itself, who needs it and the package to install") {
        try {
            util::DynamicLibrary lib("libopsctl-missing.so.7", "an HTTP check", "libopsctl-missing7");
            FAIL("opening a missing library did not throw");
        } catch (const Failure& e) {
            const std::string what = e.what();
            CHECK(what.find("'libopsctl-missing.so.7'") != std::string::npos);
            CHECK(what.find("an HTTP check") != std::string::npos);
            CHECK(e.hint() == "install the Debian package 'libopsctl-missing7'");
            CHECK(e.status() == exit_code::k_failed);
        }
    }
    SUBCASE("a missing function is named") {
        const util::DynamicLibrary libc("libc.so.6", "the test", "libc6");
        decltype(::strlen)* slot = nullptr;
        CHECK_THROWS_WITH_AS(libc.bind(slot, "opsctl_no_such_function"),
                             doctest::Contains("no function 'opsctl_no_such_function'"), Failure);
        const bool unset = slot == nullptr;
        CHECK(unset);
    }
}
