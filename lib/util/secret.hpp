#pragma once
// Keeping secrets out of what opsctl stores and shows: URLs with their password redacted,
// secrets read from a private file or the environment, and a guess at values that look like
// secrets (for `policy check`).

#include <optional>
#include <string>
#include <string_view>

namespace opsctl::util {

/// The user and password written into a URL ("http://user:pass@host/"), when there are any.
struct UrlUserinfo {
    std::string user;
    std::optional<std::string> password; // set when the userinfo holds ':'
};

/// The userinfo of `url` (scheme://userinfo@host...), or nullopt when it has none.
std::optional<UrlUserinfo> url_userinfo(std::string_view url);

/// `url` as it may be shown and stored: the password of its userinfo replaced by "***"
/// ("http://monitor:***@host/x"), a userinfo without a password (often a token) by "***"
/// ("https://***@host/"), and the value of every secret-named query parameter by "***"
/// ("?access_token=***"); any other URL unchanged.
std::string redact_url(std::string_view url);

/// `text` with every occurrence of `secret` replaced by "***" (an empty secret changes nothing).
std::string redact(std::string_view text, std::string_view secret);

/// Reads a secret from a file that only its owner may read or write (no group or other mode
/// bits), without a trailing newline; throws opsctl::DataError naming the file and why
/// (missing, not a regular file, too open, larger than 4 KiB, empty).
std::string read_secret_file(const std::string& path);

/// Why `arg` looks like a secret written out in full ("a URL with a password", "a URL with an
/// 'access_token' parameter", "an 'Authorization' header", "the value of '--password'", ...),
/// given the argument before it (for "--password VALUE"); nullopt when it does not.
/// References are not secrets: $VAR, ${VAR}, {{placeholder}}, @file, and file paths.
std::optional<std::string> secret_like(std::string_view arg, std::string_view previous = {});

} // namespace opsctl::util
