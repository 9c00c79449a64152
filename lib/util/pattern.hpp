#pragma once
// Guards for the POSIX extended regular expressions that policies and checks hand to regcomp.

#include <optional>
#include <string>
#include <string_view>

namespace opsctl::util {

/// Why `pattern` is refused before regcomp sees it, or nullopt. glibc's regcomp takes memory
/// exponential in stacked repetitions ("a++++++" took over a gigabyte), so a repetition may
/// not follow another one, and a pattern is at most 4096 bytes.
std::optional<std::string> unsafe_regex(std::string_view pattern);

} // namespace opsctl::util
