#pragma once
// A whole database copied into another, on either engine (`opsctl db copy`).

#include "lib/store/database.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace opsctl::store {

/// What copy_database() wrote.
struct CopyResult {
    std::vector<std::pair<std::string, std::int64_t>> tables; // table -> rows, by name
    std::int64_t rows = 0;
    std::int64_t search_entries = 0;
};

/// Copies every row of every table of `from` (as of one snapshot, while others write) into
/// `to`, in one write transaction: ids, events and their chain as they are, the search index
/// too, and on PostgreSQL the generated ids carry on past the largest copied. Both are at the
/// same schema version. A destination that holds any row is refused (DataError) unless
/// `replace`, which empties it first (in the same transaction).
CopyResult copy_database(Database& from, Database& to, bool replace);

} // namespace opsctl::store
