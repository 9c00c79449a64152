#pragma once
// What may stand where a host is expected: a DNS host name or an IP address literal.

#include <string_view>

namespace opsctl::util {

/// True for a host name of RFC 1123 labels (letters, digits and '-', 1-63 each, no '-' at
/// either end, 253 bytes at most, one optional final dot, not all digits at the end), an
/// IPv4 address in dotted decimal, or an IPv6 address (with an optional %zone of letters,
/// digits, '.', '_' or '-'). Nothing else: no spaces, quotes, slashes, ports or leading '-'.
bool is_host_address(std::string_view text);

} // namespace opsctl::util
