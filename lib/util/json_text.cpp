#include "lib/util/json_text.hpp"

#include "lib/util/unicode.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace opsctl::util {

void append_json_string(std::string& out, std::string_view value) {
    const std::size_t start = out.size();
    out += '"';
    // Runs of bytes that need no escaping are copied at once; only '"', '\\' and control
    // characters are escaped (no ASCII escaping: UTF-8 is kept as it is).
    unsigned char high = 0;
    std::size_t run = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        high |= c;
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(value.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            static constexpr char k_hex[] = "0123456789abcdef";
            out += "\\u00";
            out += k_hex[c >> 4];
            out += k_hex[c & 0xf];
        }
        }
    }
    out.append(value.data() + run, value.size() - run);
    out += '"';
    if ((high & 0x80) != 0 && !is_valid_utf8(value)) {
        // Rare (input is checked for UTF-8 at the edges): let the library do its replacing.
        out.resize(start);
        out += nlohmann::json(std::string(value)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
}

void JsonObjectText::open(std::string_view key) {
    m_out += m_out.empty() ? '{' : ',';
    append_json_string(m_out, key);
    m_out += ':';
}

void JsonObjectText::text(std::string_view key, std::string_view value) {
    open(key);
    append_json_string(m_out, value);
}

void JsonObjectText::maybe_text(std::string_view key, const std::optional<std::string>& value) {
    if (value) {
        text(key, *value);
    }
}

void JsonObjectText::number(std::string_view key, const std::optional<std::int64_t>& value) {
    if (value) {
        open(key);
        m_out += fmt::format_int(*value).c_str();
    }
}

void JsonObjectText::change(std::string_view key, std::string_view before, std::string_view after) {
    open(key);
    m_out += '[';
    if (before.empty()) {
        m_out += "null";
    } else {
        append_json_string(m_out, before);
    }
    m_out += ',';
    if (after.empty()) {
        m_out += "null";
    } else {
        append_json_string(m_out, after);
    }
    m_out += ']';
}

const std::string& JsonObjectText::finish() {
    m_out += m_out.empty() ? "{}" : "}";
    return m_out;
}

} // namespace opsctl::util
