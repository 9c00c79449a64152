#include "lib/util/template.hpp"

#include "lib/util/text.hpp"
#include "lib/util/unicode.hpp"

#include <fmt/format.h>

namespace opsctl::util {

namespace {

constexpr std::string_view k_allow_dash = "allow-dash";
constexpr std::string_view k_allow_control = "allow-control";

// Where the placeholder that opens at `open` closes ("}}"), or npos.
std::size_t closing(std::string_view text, std::size_t open) { return text.find("}}", open + 2); }

} // namespace

std::string shell_quote(std::string_view value) {
    // Inside single quotes nothing is special to sh but the closing quote itself, which is
    // written as: close, an escaped quote, reopen. The empty value stays a word: ''.
    std::string out;
    out.reserve(value.size() + 2);
    out += '\'';
    for (const char c : value) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

std::optional<std::string> unsafe_template_value(std::string_view value, bool allow_dash, bool allow_control) {
    if (!allow_dash && !value.empty() && value.front() == '-') {
        return std::string("starts with '-'");
    }
    // NUL cannot travel in an argument at all: the program would see a shorter value.
    if (value.find('\0') != std::string_view::npos) {
        return std::string("holds a NUL byte");
    }
    if (allow_control) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < value.size();) {
        const CodePoint cp = decode_utf8(value, i);
        if (!cp.valid) {
            return std::string("is not valid UTF-8");
        }
        if (cp.value < 0x20 || cp.value == 0x7f || (cp.value >= 0x80 && cp.value <= 0x9f)) {
            return fmt::format("holds a control character (U+{:04X})", static_cast<unsigned>(cp.value));
        }
        i += cp.length;
    }
    return std::nullopt;
}

std::optional<Placeholder> parse_placeholder(std::string_view inner, std::string& problem) {
    const auto parts = split(inner, '|');
    Placeholder p;
    p.name = std::string(trim(parts.front()));
    if (p.name.empty()) {
        problem = fmt::format("empty placeholder '{{{{{}}}}}'", inner);
        return std::nullopt;
    }
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const std::string_view filter = trim(parts[i]);
        if (filter == k_allow_dash) {
            p.allow_dash = true;
        } else if (filter == k_allow_control) {
            p.allow_control = true;
        } else {
            problem = fmt::format("unknown filter '{}' in '{{{{{}}}}}' ({})", filter, inner,
                                  suggest(filter, {std::string(k_allow_dash), std::string(k_allow_control)}));
            return std::nullopt;
        }
    }
    return p;
}

bool has_placeholder(std::string_view text) { return text.find("{{") != std::string_view::npos; }

Expansion expand_template(std::string_view text, const std::map<std::string, std::string>& vars, TemplateUse use) {
    Expansion e;
    if (!has_placeholder(text)) {
        e.text = std::string(text);
        return e;
    }
    std::size_t pos = 0;
    while (true) {
        const auto open = text.find("{{", pos);
        const auto close = open == std::string_view::npos ? open : closing(text, open);
        if (close == std::string_view::npos) {
            e.text += text.substr(pos);
            return e;
        }
        e.text += text.substr(pos, open - pos);
        pos = close + 2;
        const std::string_view inner = text.substr(open + 2, close - open - 2);
        std::string problem;
        auto p = parse_placeholder(inner, problem);
        if (!p) {
            // The policy check refuses these; at run time an unusable placeholder has no value.
            e.missing.emplace_back(trim(inner));
            continue;
        }
        const auto it = vars.find(p->name);
        if (it == vars.end()) {
            e.missing.push_back(p->name);
            continue;
        }
        const std::string& value = it->second;
        if (use == TemplateUse::text) {
            e.text += value;
            continue;
        }
        if (auto why = unsafe_template_value(value, p->allow_dash, p->allow_control)) {
            e.refused.push_back({p->name, std::move(*why)});
            continue;
        }
        e.text += use == TemplateUse::shell ? shell_quote(value) : value;
    }
}

std::vector<std::string> template_problems(std::string_view text, TemplateUse use) {
    std::vector<std::string> out;
    if (!has_placeholder(text)) {
        return out;
    }
    // Placeholders and their filters.
    for (std::size_t pos = 0;;) {
        const auto open = text.find("{{", pos);
        const auto close = open == std::string_view::npos ? open : closing(text, open);
        if (close == std::string_view::npos) {
            break;
        }
        std::string problem;
        if (!parse_placeholder(text.substr(open + 2, close - open - 2), problem)) {
            out.push_back(std::move(problem));
        }
        pos = close + 2;
    }
    if (use != TemplateUse::shell) {
        return out;
    }
    // Where each placeholder sits in the shell's grammar: a quoted value is one word only
    // where the shell reads quotes, i.e. outside other quotes. A tiny lexer of sh's quoting
    // (enough to find the places where it cannot protect the value; conservative elsewhere).
    enum class State { plain, single, dquote };
    State state = State::plain;
    bool here_document = false;
    // Inside `...` the shell finds the closing backquote before it reads any quotes, and
    // inside $((...)) it expands $(...) even within single quotes: quoting protects nothing.
    bool backquote = false;
    int arithmetic = 0; // open parentheses of an arithmetic expansion or command
    for (std::size_t i = 0; i < text.size();) {
        const auto at_placeholder = [&] {
            return text.compare(i, 2, "{{") == 0 && closing(text, i) != std::string_view::npos;
        };
        const auto name_here = [&] {
            const auto close = closing(text, i);
            return std::string(text.substr(i, close + 2 - i));
        };
        if (at_placeholder()) {
            const std::string name = name_here();
            if (state == State::single) {
                out.push_back(fmt::format("placeholder '{}' is inside single quotes: write it unquoted "
                                          "(opsctl quotes the value)",
                                          name));
            } else if (state == State::dquote) {
                out.push_back(fmt::format("placeholder '{}' is inside double quotes: write it unquoted "
                                          "(opsctl quotes the value)",
                                          name));
            } else if (backquote) {
                out.push_back(fmt::format("placeholder '{}' is inside backquotes, where quotes do not protect "
                                          "it: use $(...)",
                                          name));
            } else if (arithmetic > 0) {
                out.push_back(fmt::format("placeholder '{}' is inside an arithmetic expression, where quotes do "
                                          "not protect it: pass it as an argument",
                                          name));
            } else if (here_document) {
                out.push_back(fmt::format("placeholder '{}' follows a here-document ('<<'), where quotes do not "
                                          "protect it: pass it as an argument",
                                          name));
            }
            i = closing(text, i) + 2;
            continue;
        }
        const char c = text[i];
        switch (state) {
        case State::plain:
            if (c == '\\') {
                if (i + 1 < text.size() && text.compare(i + 1, 2, "{{") == 0) {
                    out.push_back(fmt::format("placeholder '{}' follows a backslash: write it unquoted",
                                              closing(text, i + 1) == std::string_view::npos
                                                  ? std::string("{{")
                                                  : std::string(text.substr(i + 1, closing(text, i + 1) + 1 - i))));
                }
                i += 2;
                continue;
            }
            if (c == '`') {
                backquote = !backquote;
            } else if (text.compare(i, 3, "$((") == 0 || text.compare(i, 2, "((") == 0 ||
                       text.compare(i, 2, "$[") == 0) {
                const std::size_t skip = text[i] == '$' ? (text[i + 1] == '[' ? 2 : 3) : 2;
                arithmetic += text[i + 1] == '[' ? 1 : 2;
                i += skip;
                continue;
            } else if (arithmetic > 0 && (c == '(' || c == '[')) {
                ++arithmetic;
            } else if (arithmetic > 0 && (c == ')' || c == ']')) {
                --arithmetic;
            } else if (c == '\'') {
                state = State::single;
            } else if (c == '"') {
                state = State::dquote;
            } else if (c == '<' && text.compare(i, 2, "<<") == 0 && text.compare(i, 3, "<<<") != 0) {
                here_document = true;
                i += 2;
                continue;
            } else if (c == '<' && text.compare(i, 3, "<<<") == 0) {
                i += 3; // a here-string takes a word, which quoting protects
                continue;
            }
            break;
        case State::single:
            if (c == '\'') {
                state = State::plain;
            } else if (c == '`' && backquote) {
                backquote = false; // the backquote ends here, quotes or not
                state = State::plain;
            }
            break;
        case State::dquote:
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '"') {
                state = State::plain;
            }
            break;
        }
        ++i;
    }
    return out;
}

} // namespace opsctl::util
