#include "lib/roster/ics.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace opsctl::roster;

TEST_CASE("iCalendar text") {
    SUBCASE("special characters are escaped") {
        CHECK(ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne");
    }
    SUBCASE("short lines are left alone") {
        CHECK(ics_fold("SUMMARY:short") == "SUMMARY:short");
    }
    SUBCASE("long lines fold at 75 octets with a leading space") {
        const std::string line = "DESCRIPTION:" + std::string(100, 'x');
        const std::string folded = ics_fold(line);
        const auto cut = folded.find("\r\n ");
        REQUIRE(cut != std::string::npos);
        CHECK(cut == 75);
        CHECK(folded.substr(cut + 3) == std::string(112 - 75, 'x'));
    }
    SUBCASE("folding never splits a UTF-8 character") {
        // 13 ASCII octets, then three-octet characters: octet 75 falls inside the 21st character.
        std::string line = "DESCRIPTION:x";
        for (int i = 0; i < 40; ++i) {
            line += "值";
        }
        const std::string folded = ics_fold(line);
        std::size_t start = 0;
        while (true) {
            const auto end = folded.find("\r\n", start);
            const std::string part = folded.substr(start, end == std::string::npos ? std::string::npos : end - start);
            CHECK(part.size() <= 75);
            // Each folded piece (after its leading space) begins on a character boundary.
            const std::size_t body = start == 0 ? 0 : 1;
            CHECK((static_cast<unsigned char>(part[body]) & 0xC0) != 0x80);
            if (end == std::string::npos) {
                break;
            }
            start = end + 2;
        }
        CHECK(folded.find("\r\n ") == 73); // 13 + 20 * 3
    }
}
