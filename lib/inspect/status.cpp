#include "lib/inspect/status.hpp"

#include "lib/util/text.hpp"

namespace opsctl::inspect {

std::string status_name(std::optional<int> status) {
    if (!status) {
        return "PENDING";
    }
    switch (*status) {
    case k_ok:
        return "OK";
    case k_warning:
        return "WARNING";
    case k_critical:
        return "CRITICAL";
    default:
        return "UNKNOWN";
    }
}

std::string status_word(std::optional<int> status) { return util::to_lower(status_name(status)); }

int worse(int a, int b) {
    // Rank: OK 0, WARNING 1, UNKNOWN 2, CRITICAL 3.
    auto rank = [](int s) { return s == k_critical ? 3 : s == k_unknown ? 2 : s; };
    return rank(a) >= rank(b) ? a : b;
}

std::optional<int> parse_status_word(std::string_view word) {
    const std::string w = util::to_lower(word);
    if (w == "ok" || w == "pass") {
        return k_ok;
    }
    if (w == "warn" || w == "warning") {
        return k_warning;
    }
    if (w == "fail" || w == "critical" || w == "crit") {
        return k_critical;
    }
    if (w == "unknown") {
        return k_unknown;
    }
    return std::nullopt;
}

} // namespace opsctl::inspect
