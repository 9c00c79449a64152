#pragma once
// Turning a database library failure into the Error family, so that callers above
// lib/store never see SQLite's own exception types.

#include "lib/core/error.hpp"

#include <exception>
#include <optional>
#include <string>

namespace opsctl::store {

/// The Error (with its exit status) for a SQLite failure, naming `database` when known:
/// busy or locked is Busy (75), everything else Failure (1). nullopt when `e` is not a
/// SQLite failure.
std::optional<Error> database_failure(const std::exception& e, const std::string& database = {});

} // namespace opsctl::store
