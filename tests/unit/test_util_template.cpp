#include "lib/util/process.hpp"
#include "lib/util/template.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using namespace opsctl::util;

namespace {

const std::vector<std::string> k_hostile = {
    ";touch /tmp/opsctl-pwned",  "$(touch /tmp/opsctl-pwned)", "`touch /tmp/opsctl-pwned`",
    "a | touch /tmp/opsctl-pwned", "a && touch /tmp/opsctl-pwned", "it's 'quoted' \"twice\"",
    "'", "''", "\\", "\\'", "*", "~root", "$HOME", "${HOME}", "a b\tc", "", "x'; touch /tmp/opsctl-pwned; '",
    "服务器 1 号"};

// What /bin/sh makes of `printf %s WORDS`: the words it was given, joined.
std::string through_sh(const std::string& command_line) {
    return run_process({"/bin/sh", "-c", "printf %s " + command_line}).out;
}

// What /bin/sh counts as the words of a command line.
std::string word_count(const std::string& command_line) {
    return run_process({"/bin/sh", "-c", "set -- " + command_line + "; printf %s $#"}).out;
}

} // namespace

TEST_CASE("shell_quote makes one word that sh reads back as the value") {
    CHECK(shell_quote("") == "''");
    CHECK(shell_quote("a b") == "'a b'");
    CHECK(shell_quote("it's") == "'it'\\''s'");
    for (const auto& v : k_hostile) {
        CAPTURE(v);
        CHECK(through_sh(shell_quote(v)) == v);
        CHECK(word_count(shell_quote(v)) == "1");
    }
}

TEST_CASE("unsafe values are named") {
    CHECK_FALSE(unsafe_template_value("10.0.0.9", false, false));
    CHECK_FALSE(unsafe_template_value("服务器", false, false));
    CHECK_FALSE(unsafe_template_value("a-b", false, false));
    CHECK(unsafe_template_value("-oProxyCommand=x", false, false) == std::string("starts with '-'"));
    CHECK(unsafe_template_value("--output=/etc/passwd", false, false) == std::string("starts with '-'"));
    CHECK(unsafe_template_value("a\nb", false, false) == std::string("holds a control character (U+000A)"));
    CHECK(unsafe_template_value("a\tb", false, false) == std::string("holds a control character (U+0009)"));
    CHECK(unsafe_template_value("a\x7f", false, false) == std::string("holds a control character (U+007F)"));
    CHECK(unsafe_template_value("a\xc2\x85", false, false) == std::string("holds a control character (U+0085)"));
    CHECK(unsafe_template_value("a\x1b[31m", false, false) == std::string("holds a control character (U+001B)"));
    CHECK(unsafe_template_value("a\xff", false, false) == std::string("is not valid UTF-8"));
    CHECK(unsafe_template_value(std::string("a\0b", 3), true, true) == std::string("holds a NUL byte"));
    SUBCASE("the filters allow what they name, and only that") {
        CHECK_FALSE(unsafe_template_value("-x", true, false));
        CHECK(unsafe_template_value("-x\n", true, false));
        CHECK_FALSE(unsafe_template_value("a\nb", false, true));
        CHECK(unsafe_template_value("-a\nb", false, true));
        CHECK_FALSE(unsafe_template_value("-a\nb", true, true));
    }
}

TEST_CASE("expand_template places each value as its use needs") {
    const std::map<std::string, std::string> vars = {
        {"asset.address", "10.0.0.9"}, {"asset.name", "db; touch /tmp/x"}, {"dash", "-oProxyCommand=touch x"},
        {"nl", "a\nb"}, {"empty", ""}};
    SUBCASE("shell: quoted") {
        auto e = expand_template("ping -c1 {{asset.address}} # {{ asset.name }}", vars, TemplateUse::shell);
        CHECK(e.ok());
        CHECK(e.text == "ping -c1 '10.0.0.9' # 'db; touch /tmp/x'");
        CHECK(expand_template("echo {{empty}}", vars, TemplateUse::shell).text == "echo ''");
    }
    SUBCASE("argument: as it is, one argument") {
        auto e = expand_template("host={{asset.name}}", vars, TemplateUse::argument);
        CHECK(e.ok());
        CHECK(e.text == "host=db; touch /tmp/x");
    }
    SUBCASE("a leading '-' or a control character is refused, unless the placeholder allows it") {
        for (const auto use : {TemplateUse::shell, TemplateUse::argument}) {
            auto e = expand_template("ssh {{dash}} true", vars, use);
            REQUIRE(e.refused.size() == 1);
            CHECK(e.refused[0].name == "dash");
            CHECK(e.refused[0].reason == "starts with '-'");
            CHECK(e.text.find("Proxy") == std::string::npos);
            CHECK(expand_template("{{nl}}", vars, use).refused.size() == 1);
            CHECK(expand_template("{{dash|allow-dash}}", vars, use).ok());
            CHECK(expand_template("{{ nl | allow-control }}", vars, use).ok());
            CHECK_FALSE(expand_template("{{nl|allow-dash}}", vars, use).ok());
        }
        CHECK(expand_template("{{dash|allow-dash}}", vars, TemplateUse::shell).text == "'-oProxyCommand=touch x'");
    }
    SUBCASE("text for people: never refused") {
        CHECK(expand_template("check {{dash}}", vars, TemplateUse::text).text == "check -oProxyCommand=touch x");
    }
    SUBCASE("missing names and unclosed braces") {
        auto e = expand_template("{{nope}} {{asset.address", vars, TemplateUse::shell);
        CHECK(e.missing == std::vector<std::string>{"nope"});
        CHECK(e.text == " {{asset.address");
        CHECK(expand_template("no placeholders", vars, TemplateUse::shell).text == "no placeholders");
    }
}

TEST_CASE("template_problems finds what quoting cannot protect") {
    CHECK(template_problems("ping {{asset.address}}", TemplateUse::shell).empty());
    CHECK(template_problems("x={{a}}; echo \"$x\" {{b|allow-dash|allow-control}}", TemplateUse::shell).empty());
    CHECK(template_problems("echo \"{{a}}\"", TemplateUse::shell).at(0).find("inside double quotes") !=
          std::string::npos);
    CHECK(template_problems("echo 'x{{a}}y'", TemplateUse::shell).at(0).find("inside single quotes") !=
          std::string::npos);
    CHECK(template_problems("echo \\{{a}}", TemplateUse::shell).at(0).find("backslash") != std::string::npos);
    CHECK(template_problems("cat <<EOF\n{{a}}\nEOF", TemplateUse::shell).at(0).find("here-document") !=
          std::string::npos);
    CHECK(template_problems("cat <<<{{a}}", TemplateUse::shell).empty());
    // The backquote scanner ends at a ` inside the value; arithmetic expands $(...) inside '...'.
    CHECK(template_problems("echo `echo {{a}}`", TemplateUse::shell).at(0).find("inside backquotes") !=
          std::string::npos);
    CHECK(template_problems("echo `date` {{a}}", TemplateUse::shell).empty());
    CHECK(template_problems("echo $(( {{a}} + 1 ))", TemplateUse::shell).at(0).find("arithmetic") !=
          std::string::npos);
    CHECK(template_problems("(( n = {{a}} ))", TemplateUse::shell).at(0).find("arithmetic") != std::string::npos);
    CHECK(template_problems("echo $(( (1 + 2) * 3 )) {{a}}", TemplateUse::shell).empty());
    CHECK(template_problems("x=$(echo {{a}}); (cd / && ls {{a}})", TemplateUse::shell).empty());
    CHECK(template_problems("echo \"{{a}}\"", TemplateUse::argument).empty()); // an argv's quotes are plain text
    CHECK(template_problems("{{a|allow-dahs}}", TemplateUse::argument).at(0) ==
          "unknown filter 'allow-dahs' in '{{a|allow-dahs}}' (did you mean 'allow-dash'?)");
    CHECK(template_problems("{{ }}", TemplateUse::argument).at(0) == "empty placeholder '{{ }}'");
}
