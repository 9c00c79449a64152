#pragma once
// Turning a driver's DatabaseError into the Error family, so that callers above lib/store
// never see an engine's own failures.

#include "lib/core/error.hpp"

#include <exception>
#include <optional>
#include <string>

namespace opsctl::store {

/// The Error (with its exit status) for a DatabaseError, naming `database` when known:
/// busy or locked is Busy (75), everything else (a constraint too) Failure (1). nullopt when
/// `e` is not a DatabaseError.
std::optional<Error> database_failure(const std::exception& e, const std::string& database = {});

} // namespace opsctl::store
