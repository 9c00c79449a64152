#include "lib/util/secret.hpp"

#include "lib/core/error.hpp"
#include "lib/util/file.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace opsctl::util {

namespace {

// The authority of a URL: [start, end) after "scheme://", or nullopt without "://".
std::optional<std::pair<std::size_t, std::size_t>> authority(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos || scheme == 0) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < scheme; ++i) {
        const char c = url[i];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
            return std::nullopt;
        }
    }
    const std::size_t start = scheme + 3;
    std::size_t end = url.find_first_of("/?#", start);
    if (end == std::string_view::npos) {
        end = url.size();
    }
    return std::make_pair(start, end);
}

// Words whose presence in a key or option name marks its value as a secret.
bool secret_name(std::string_view name) {
    const std::string n = to_lower(name);
    static constexpr std::array<std::string_view, 9> k_words = {"password", "passwd", "secret", "token", "apikey",
                                                                "api_key",  "api-key", "private_key", "access_key"};
    for (const auto w : k_words) {
        if (n.find(w) != std::string::npos) {
            return true;
        }
    }
    // Short words only as the whole name or its last part: "key", "pwd", "sign" (a chat
    // robot's signature secret), "auth"; not "keyboard", "monkey" or "author".
    for (const std::string_view w : {"key", "pwd", "pass", "sign", "auth"}) {
        if (n == w) {
            return true;
        }
        if (n.size() > w.size() && n.compare(n.size() - w.size(), w.size(), w) == 0) {
            const char before = n[n.size() - w.size() - 1];
            if (before == '_' || before == '-' || before == '.') {
                return true;
            }
        }
    }
    return false;
}

// A value that names where the secret is rather than holding it.
bool reference(std::string_view value) {
    value = trim(value);
    for (std::size_t i = 0; i + 1 < value.size(); ++i) {
        const char next = value[i + 1];
        if (value[i] == '$' && (next == '{' || next == '_' || std::isalpha(static_cast<unsigned char>(next)))) {
            return true; // "Bearer $TOKEN": the shell or the program fills it in
        }
    }
    return value.empty() || value.front() == '@' || value.front() == '/' ||
           value.front() == '~' || value.rfind("./", 0) == 0 || value.rfind("../", 0) == 0 ||
           value.rfind("{{", 0) == 0 || value.rfind("file:", 0) == 0 || value.rfind("env:", 0) == 0;
}

} // namespace

std::optional<UrlUserinfo> url_userinfo(std::string_view url) {
    const auto a = authority(url);
    if (!a) {
        return std::nullopt;
    }
    const std::string_view auth = url.substr(a->first, a->second - a->first);
    const auto at = auth.rfind('@');
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view info = auth.substr(0, at);
    UrlUserinfo u;
    const auto colon = info.find(':');
    u.user = std::string(info.substr(0, colon));
    if (colon != std::string_view::npos) {
        u.password = std::string(info.substr(colon + 1));
    }
    return u;
}

std::string redact_url(std::string_view url) {
    const auto a = authority(url);
    if (!a) {
        return std::string(url);
    }
    std::string out;
    const std::string_view auth = url.substr(a->first, a->second - a->first);
    const auto at = auth.rfind('@');
    if (at == std::string_view::npos) {
        out = url.substr(0, a->second);
    } else {
        // "user:password@" keeps the user, which helps to tell accounts apart; a user alone
        // is often a token ("https://ghp_x@github.com/"), so it goes entirely.
        const auto colon = auth.substr(0, at).find(':');
        out = url.substr(0, a->first);
        if (colon != std::string_view::npos) {
            out += auth.substr(0, colon + 1);
        }
        out += "***";
        out += auth.substr(at);
    }
    // The query: the value of a secret-named parameter ("access_token=...") goes too.
    std::string_view rest = url.substr(a->second);
    const auto q = rest.find('?');
    if (q == std::string_view::npos) {
        out += rest;
        return out;
    }
    out += rest.substr(0, q + 1);
    rest.remove_prefix(q + 1);
    const auto hash = rest.find('#');
    const std::string_view fragment = hash == std::string_view::npos ? std::string_view() : rest.substr(hash);
    const std::string_view query = rest.substr(0, hash);
    bool first = true;
    for (const auto& pair : split(query, '&')) {
        if (!first) {
            out += '&';
        }
        first = false;
        const auto eq = pair.find('=');
        if (eq != std::string::npos && eq + 1 < pair.size() && secret_name(pair.substr(0, eq))) {
            out += pair.substr(0, eq + 1);
            out += "***";
        } else {
            out += pair;
        }
    }
    out += fragment;
    return out;
}

std::string redact(std::string_view text, std::string_view secret) {
    if (secret.empty()) {
        return std::string(text);
    }
    std::string out;
    std::size_t pos = 0;
    for (std::size_t hit; (hit = text.find(secret, pos)) != std::string_view::npos; pos = hit + secret.size()) {
        out += text.substr(pos, hit - pos);
        out += "***";
    }
    out += text.substr(pos);
    return out;
}

std::string read_secret_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        throw DataError(fmt::format("cannot read the password file '{}': {}", path, std::strerror(errno)));
    }
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer{fd};
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        throw DataError(fmt::format("the password file '{}' is not a regular file", path));
    }
    // The mode of the file itself (a symlink's target): others must not read it, and nobody
    // but its owner should be able to read or change it.
    if ((st.st_mode & 077) != 0) {
        throw DataError(fmt::format("the password file '{}' is open to others (mode {:04o})", path,
                                    static_cast<unsigned>(st.st_mode & 07777)),
                        fmt::format("chmod 600 '{}'", path));
    }
    constexpr std::size_t k_limit = 4096;
    auto text = read_bounded(fd, static_cast<std::size_t>(st.st_size), k_limit);
    if (!text) {
        throw DataError(fmt::format("cannot read the password file '{}': {}", path, std::strerror(errno)));
    }
    if (text->size() > k_limit) {
        throw DataError(fmt::format("the password file '{}' is larger than 4 KiB", path));
    }
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) {
        text->pop_back();
    }
    if (text->empty()) {
        throw DataError(fmt::format("the password file '{}' is empty", path));
    }
    return *text;
}

std::optional<std::string> secret_like(std::string_view arg, std::string_view previous) {
    // A URL with a password, or with a secret-named query parameter.
    if (auto u = url_userinfo(arg); u && u->password && !u->password->empty() && !reference(*u->password)) {
        return std::string("a URL with a password");
    }
    if (authority(arg)) {
        const auto q = arg.find('?');
        if (q != std::string_view::npos) {
            std::string_view query = arg.substr(q + 1);
            query = query.substr(0, query.find('#'));
            for (const auto& pair : split(query, '&')) {
                const auto eq = pair.find('=');
                if (eq != std::string::npos && eq + 1 < pair.size() && secret_name(pair.substr(0, eq)) &&
                    !reference(std::string_view(pair).substr(eq + 1))) {
                    return fmt::format("a URL with a '{}' parameter", pair.substr(0, eq));
                }
            }
        }
        return std::nullopt;
    }
    // An HTTP header: "Authorization: Bearer x", "X-Api-Key: x".
    if (const auto colon = arg.find(':'); colon != std::string_view::npos && colon > 0 &&
                                          arg.find_first_of(" =") > colon) {
        const std::string_view name = arg.substr(0, colon);
        const std::string_view value = trim(arg.substr(colon + 1));
        if (!value.empty() && !reference(value) && (to_lower(name) == "authorization" || secret_name(name))) {
            return fmt::format("a '{}' header", name);
        }
    }
    // --password=x, PASSWORD=x (an environment assignment), token=x.
    if (const auto eq = arg.find('='); eq != std::string_view::npos && eq > 0) {
        std::string_view name = arg.substr(0, eq);
        while (!name.empty() && name.front() == '-') {
            name.remove_prefix(1);
        }
        if (!name.empty() && secret_name(name) && !reference(arg.substr(eq + 1))) {
            return fmt::format("the value of '{}'", arg.substr(0, eq));
        }
        return std::nullopt;
    }
    // --password x
    if (previous.rfind("--", 0) == 0 && previous.find('=') == std::string_view::npos && secret_name(previous.substr(2)) &&
        !arg.empty() && arg.front() != '-' && !reference(arg)) {
        return fmt::format("the value of '{}'", previous);
    }
    return std::nullopt;
}

} // namespace opsctl::util
