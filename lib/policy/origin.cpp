#include "lib/policy/origin.hpp"

namespace opsctl::policy {

std::string Origin::str() const {
    if (line <= 0) {
        return file;
    }
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

void Diagnostics::error(const Origin& where, std::string message) {
    m_problems.push_back(Problem{where, std::move(message)});
}

} // namespace opsctl::policy
