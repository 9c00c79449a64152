#include "lib/backup/placeholder.hpp"

#include "lib/core/error.hpp"

#include <fmt/format.h>

namespace opsctl::backup {

void check_inert(const std::string& name, const std::string& value) {
    if (value.empty()) {
        throw DataError(fmt::format("placeholder {{{{{}}}}} has an empty value", name));
    }
    if (value.size() > 4096) {
        throw DataError(fmt::format("placeholder {{{{{}}}}} has a value of {} bytes (at most 4096)", name, value.size()));
    }
    if (value.front() == '-') {
        throw DataError(fmt::format("refusing the value of {{{{{}}}}}: it starts with '-' and could be read as an option",
                                    name));
    }
    for (const unsigned char c : value) {
        if (c < 0x20 || c == 0x7f) {
            throw DataError(fmt::format("refusing the value of {{{{{}}}}}: it holds a control character", name));
        }
    }
}

std::vector<std::string> expand_argv(const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& values) {
    std::vector<std::string> out;
    out.reserve(argv.size());
    for (const auto& arg : argv) {
        std::string a;
        std::size_t from = 0;
        for (std::size_t pos; (pos = arg.find("{{", from)) != std::string::npos;) {
            const auto end = arg.find("}}", pos + 2);
            if (end == std::string::npos) {
                break;
            }
            const std::string name = arg.substr(pos + 2, end - pos - 2);
            const auto it = values.find(name);
            if (it == values.end()) {
                throw DataError(fmt::format("no value for placeholder {{{{{}}}}}", name));
            }
            check_inert(name, it->second);
            // Substituted once, left to right: a value holding "{{x}}" stays literal text.
            a += arg.substr(from, pos - from);
            a += it->second;
            from = end + 2;
        }
        a += arg.substr(from);
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace opsctl::backup
