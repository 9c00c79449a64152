#include "lib/output/json.hpp"

#include "lib/util/unicode.hpp"

namespace opsctl::output {

namespace {

void append_u_escape(std::string& out, char32_t cp) {
    static const char k_hex[] = "0123456789abcdef";
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) {
        out += k_hex[(cp >> shift) & 0xF];
    }
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const util::CodePoint c = util::decode_utf8(text, i);
        const std::size_t length = c.length;
        if (!c.valid) {
            // JSON must be valid Unicode; jq and most parsers reject raw invalid bytes.
            out += "\uFFFD";
        } else {
            switch (c.value) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                // JSON only requires escaping below U+0020; DEL, the C1 controls and the
                // line/paragraph separators are escaped too so that JSON shown on a terminal
                // cannot carry a live control sequence and stays valid JavaScript.
                if (c.value < 0x20 || (c.value >= 0x7F && c.value < 0xA0) || c.value == 0x2028 ||
                    c.value == 0x2029) {
                    append_u_escape(out, c.value);
                } else {
                    out.append(text.substr(i, length));
                }
            }
        }
        i += length;
    }
    out += '"';
}

std::string to_json_string(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    append_json_string(out, text);
    return out;
}

bool is_json_number(std::string_view s) {
    // RFC 8259: -? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') {
        ++i;
    }
    if (i >= s.size() || !is_digit(s[i])) {
        return false;
    }
    if (s[i] == '0') {
        ++i;
    } else {
        while (i < s.size() && is_digit(s[i])) {
            ++i;
        }
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (i >= s.size() || !is_digit(s[i])) {
            return false;
        }
        while (i < s.size() && is_digit(s[i])) {
            ++i;
        }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            ++i;
        }
        if (i >= s.size() || !is_digit(s[i])) {
            return false;
        }
        while (i < s.size() && is_digit(s[i])) {
            ++i;
        }
    }
    return i == s.size();
}

} // namespace opsctl::output
