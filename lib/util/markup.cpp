#include "lib/util/markup.hpp"

namespace opsctl::util {

std::string markup_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto u = static_cast<unsigned char>(ch);
        switch (ch) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += (u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || u == 0x7f ? ' ' : ch;
        }
    }
    return out;
}

} // namespace opsctl::util
