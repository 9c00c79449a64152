#include "lib/store/location.hpp"

namespace opsctl::store {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// libpq decodes %XX in a URL's parameter names too: "pass%77ord" is "password".
std::string percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

} // namespace

std::optional<std::string> database_url_problem(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return "the database URL has no scheme";
    }
    for (char c : url) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return "the database URL holds a control character";
        }
    }
    const std::string_view rest = url.substr(scheme_end + 3);
    const std::size_t query = rest.find('?');
    const std::string_view before_query = rest.substr(0, query);
    const std::string_view authority = before_query.substr(0, before_query.find('/'));
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        if (authority.substr(0, at).find(':') != std::string_view::npos) {
            return "the database URL holds a password (user:password@)";
        }
    }
    if (query != std::string_view::npos) {
        std::string_view params = rest.substr(query + 1);
        while (!params.empty()) {
            const std::size_t amp = params.find('&');
            const std::string_view param = params.substr(0, amp);
            const std::string key = percent_decoded(param.substr(0, param.find('=')));
            if (key == "password" || key == "sslpassword") {
                return "the database URL holds a password (its '" + key + "' parameter)";
            }
            params = amp == std::string_view::npos ? std::string_view{} : params.substr(amp + 1);
        }
    }
    return std::nullopt;
}

} // namespace opsctl::store
