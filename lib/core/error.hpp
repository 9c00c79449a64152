#pragma once
// The error family: each failure carries the exit status that main() returns.

#include <stdexcept>
#include <string>
#include <vector>

namespace opsctl {

/// Exit statuses shared by every command (see DESIGN.md, "Command-line conventions").
namespace exit_code {
inline constexpr int k_ok = 0;
inline constexpr int k_failed = 1;
inline constexpr int k_usage = 64;
inline constexpr int k_data = 65;
inline constexpr int k_not_found = 66;
inline constexpr int k_busy = 75;
inline constexpr int k_no_permission = 77;
inline constexpr int k_config = 78;
} // namespace exit_code

/// A failure with an exit status, a message (what failed) and an optional hint.
class Error : public std::runtime_error {
public:
    Error(int status, const std::string& message, std::string hint = {})
        : std::runtime_error(message), m_status(status), m_hint(std::move(hint)) {}
    int status() const { return m_status; }
    const std::string& hint() const { return m_hint; }
    /// Lines printed before the message, one per problem (e.g. "file:3:5: ...").
    const std::vector<std::string>& details() const { return m_details; }
    Error& with_details(std::vector<std::string> details) {
        m_details = std::move(details);
        return *this;
    }

private:
    int m_status;
    std::string m_hint;
    std::vector<std::string> m_details;
};

/// The operation failed (exit 1).
struct Failure : Error {
    explicit Failure(const std::string& m, std::string h = {}) : Error(exit_code::k_failed, m, std::move(h)) {}
};
/// The command line was wrong (exit 64).
struct UsageError : Error {
    explicit UsageError(const std::string& m, std::string h = {}) : Error(exit_code::k_usage, m, std::move(h)) {}
};
/// Input data was bad (exit 65).
struct DataError : Error {
    explicit DataError(const std::string& m, std::string h = {}) : Error(exit_code::k_data, m, std::move(h)) {}
};
/// A named record does not exist (exit 66).
struct NotFound : Error {
    explicit NotFound(const std::string& m, std::string h = {}) : Error(exit_code::k_not_found, m, std::move(h)) {}
};
/// The database stayed locked past the busy timeout (exit 75).
struct Busy : Error {
    explicit Busy(const std::string& m, std::string h = {}) : Error(exit_code::k_busy, m, std::move(h)) {}
};
/// The actor may not do this: no person, no permission, an approval missing (exit 77, EX_NOPERM).
struct NotPermitted : Error {
    explicit NotPermitted(const std::string& m, std::string h = {})
        : Error(exit_code::k_no_permission, m, std::move(h)) {}
};
/// The policy is invalid (exit 78).
struct ConfigError : Error {
    explicit ConfigError(const std::string& m, std::string h = {}) : Error(exit_code::k_config, m, std::move(h)) {}
};

} // namespace opsctl
