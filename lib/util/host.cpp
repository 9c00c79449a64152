#include "lib/util/host.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <string>

namespace opsctl::util {

namespace {

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool ipv4(std::string_view text) {
    in_addr a{};
    return ::inet_pton(AF_INET, std::string(text).c_str(), &a) == 1;
}

bool ipv6(std::string_view text) {
    const auto percent = text.find('%');
    if (percent != std::string_view::npos) {
        const std::string_view zone = text.substr(percent + 1);
        if (zone.empty() || zone.size() > 64) {
            return false;
        }
        for (const char c : zone) {
            if (!alnum(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        text = text.substr(0, percent);
    }
    in6_addr a{};
    return text.find(':') != std::string_view::npos && ::inet_pton(AF_INET6, std::string(text).c_str(), &a) == 1;
}

bool host_name(std::string_view text) {
    if (!text.empty() && text.back() == '.') {
        text.remove_suffix(1);
    }
    if (text.empty() || text.size() > 253) {
        return false;
    }
    bool last_all_digits = false;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = text.find('.', start);
        const std::string_view label = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        last_all_digits = true;
        for (const char c : label) {
            if (!alnum(c) && c != '-') {
                return false;
            }
            if (!std::isdigit(static_cast<unsigned char>(c))) {
                last_all_digits = false;
            }
        }
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    // "10.0.0.300" is neither an address nor a name: a top-level label is never all digits.
    return !last_all_digits;
}

} // namespace

bool is_host_address(std::string_view text) { return host_name(text) || ipv4(text) || ipv6(text); }

} // namespace opsctl::util
