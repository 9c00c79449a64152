#pragma once
// Where a policy value was written, and the problems found while loading.

#include <string>
#include <vector>

namespace opsctl::policy {

/// A place in a policy file (1-based line and column).
struct Origin {
    std::string file;
    int line = 0;
    int column = 0;
    /// "file:line:col", or just the file when the position is unknown.
    std::string str() const;
};

/// One problem found in the policy.
struct Problem {
    Origin where;
    std::string message;
    std::string str() const { return where.str() + ": " + message; }
};

/// Collects every problem found while loading, not only the first.
class Diagnostics {
public:
    void error(const Origin& where, std::string message);
    bool ok() const { return m_problems.empty(); }
    const std::vector<Problem>& problems() const { return m_problems; }

private:
    std::vector<Problem> m_problems;
};

} // namespace opsctl::policy
