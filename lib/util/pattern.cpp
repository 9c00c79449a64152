#include "lib/util/pattern.hpp"

#include <cctype>

namespace opsctl::util {

namespace {

// Index just past the bracket expression that opens at `i` ("[...]", "[]...]", "[^]...]",
// with classes such as "[:digit:]" inside), or npos when it never closes.
std::size_t skip_bracket(std::string_view p, std::size_t i) {
    ++i;
    if (i < p.size() && p[i] == '^') {
        ++i;
    }
    if (i < p.size() && p[i] == ']') {
        ++i;
    }
    while (i < p.size() && p[i] != ']') {
        if (p[i] == '[' && i + 1 < p.size() && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
            const char close_seq[] = {p[i + 1], ']', '\0'};
            const std::size_t close = p.find(close_seq, i + 2);
            if (close == std::string_view::npos) {
                return std::string_view::npos;
            }
            i = close + 2;
            continue;
        }
        ++i;
    }
    return i < p.size() ? i + 1 : std::string_view::npos;
}

// Index of the '}' closing an interval "{n}", "{n,}", "{n,m}" that opens at `i`, or npos.
std::size_t interval_end(std::string_view p, std::size_t i) {
    std::size_t j = i + 1;
    while (j < p.size() && (std::isdigit(static_cast<unsigned char>(p[j])) || p[j] == ',')) {
        ++j;
    }
    return j > i + 1 && j < p.size() && p[j] == '}' ? j : std::string_view::npos;
}

} // namespace

std::optional<std::string> unsafe_regex(std::string_view p) {
    constexpr std::size_t k_max_bytes = 4096;
    if (p.size() > k_max_bytes) {
        return "longer than 4096 bytes";
    }
    bool after_repetition = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\') {
            ++i; // the escaped character is a literal
            after_repetition = false;
            continue;
        }
        if (c == '[') {
            const std::size_t end = skip_bracket(p, i);
            if (end == std::string_view::npos) {
                return std::nullopt; // unbalanced: regcomp reports it
            }
            i = end - 1;
            after_repetition = false;
            continue;
        }
        std::size_t end = i;
        if (c == '{') {
            end = interval_end(p, i);
        }
        if (c == '*' || c == '+' || c == '?' || (c == '{' && end != std::string_view::npos)) {
            if (after_repetition) {
                return "a repetition follows another one (such as 'a++' or 'a*{2}'): write one";
            }
            after_repetition = true;
            i = end;
            continue;
        }
        after_repetition = false;
    }
    return std::nullopt;
}

} // namespace opsctl::util
