// libFuzzer target: template expansion into inspection commands (lib/util/template.hpp).
// The first byte picks the filters ({{v|allow-dash}}, {{v|allow-control}}); the rest is a
// value from data (an asset field), and also a template from a policy. Invariants:
//  - shell_quote(value), read by sh's quoting rules, is exactly one word equal to the value;
//  - in a shell command the value is that one word, glued to its neighbours, or refused;
//  - in an argv the value is copied as it is into its one argument, or refused;
//  - a value is refused exactly when it starts with '-' or holds a control character (C0,
//    DEL, C1), invalid UTF-8 or NUL, unless the placeholder's filter allows it (never NUL);
//  - any template text expands without a crash, and text without "{{" comes back unchanged.
#include "lib/util/template.hpp"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

// The words sh makes of `line` by its quoting rules alone (no expansions): blanks separate
// words; '...' keeps everything; \ outside quotes keeps the next byte; "..." keeps all but
// \ before $ ` " \ newline. nullopt for an unterminated quote.
std::optional<std::vector<std::string>> posix_words(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) {
                words.push_back(word);
                word.clear();
                in_word = false;
            }
            continue;
        }
        in_word = true;
        if (c == '\'') {
            const auto end = line.find('\'', i + 1);
            if (end == std::string::npos) {
                return std::nullopt;
            }
            word.append(line, i + 1, end - i - 1);
            i = end;
        } else if (c == '\\') {
            if (i + 1 >= line.size()) {
                return std::nullopt;
            }
            word += line[++i];
        } else if (c == '"') {
            for (++i;; ++i) {
                if (i >= line.size()) {
                    return std::nullopt;
                }
                if (line[i] == '"') {
                    break;
                }
                if (line[i] == '\\' && i + 1 < line.size() &&
                    std::string_view("$`\"\\\n").find(line[i + 1]) != std::string_view::npos) {
                    ++i;
                }
                word += line[i];
            }
        } else {
            word += c;
        }
    }
    if (in_word) {
        words.push_back(word);
    }
    return words;
}

bool should_refuse(const std::string& v, bool allow_dash, bool allow_control) {
    if (v.find('\0') != std::string::npos) {
        return true;
    }
    if (!allow_dash && !v.empty() && v.front() == '-') {
        return true;
    }
    if (allow_control) {
        return false;
    }
    for (const unsigned char c : v) {
        if (c < 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false; // C1 and invalid UTF-8 may also be refused: checked one way only below
}

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    using opsctl::util::TemplateUse;
    const bool allow_dash = (data[0] & 1) != 0;
    const bool allow_control = (data[0] & 2) != 0;
    const std::string value(reinterpret_cast<const char*>(data + 1), size - 1);

    // The quoting alone.
    const auto quoted = posix_words(opsctl::util::shell_quote(value));
    check(quoted && quoted->size() == 1 && quoted->front() == value);

    std::string placeholder = "{{v";
    if (allow_dash) {
        placeholder += "|allow-dash";
    }
    if (allow_control) {
        placeholder += " | allow-control";
    }
    placeholder += "}}";
    const std::map<std::string, std::string> vars = {{"v", value}, {"w", "a b"}, {"x", "-x"}};
    const auto why = opsctl::util::unsafe_template_value(value, allow_dash, allow_control);
    if (should_refuse(value, allow_dash, allow_control)) {
        check(why.has_value());
    }

    // A shell command line: one word per argument, the value glued into its word.
    const auto shell = opsctl::util::expand_template("ping -c1 pre" + placeholder + "post {{w}}", vars,
                                                     TemplateUse::shell);
    check(shell.missing.empty());
    if (why) {
        check(shell.refused.size() == 1 && shell.refused[0].name == "v" && shell.text == "ping -c1 prepost 'a b'");
    } else {
        check(shell.ok());
        const auto words = posix_words(shell.text);
        check(words && *words == std::vector<std::string>{"ping", "-c1", "pre" + value + "post", "a b"});
    }

    // An argv element: the value as it is, in its one argument.
    const auto arg = opsctl::util::expand_template("--host=" + placeholder, vars, TemplateUse::argument);
    if (why) {
        check(arg.refused.size() == 1 && arg.text == "--host=");
    } else {
        check(arg.ok() && arg.text == "--host=" + value);
    }

    // The input as a template from a policy: never a crash; without "{{" it stays as it is.
    for (const auto use : {TemplateUse::text, TemplateUse::argument, TemplateUse::shell}) {
        const auto e = opsctl::util::expand_template(value, vars, use);
        if (value.find("{{") == std::string::npos) {
            check(e.ok() && e.text == value);
        }
        (void)opsctl::util::template_problems(value, use);
    }
    return 0;
}
