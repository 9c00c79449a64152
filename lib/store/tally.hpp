#pragma once
// The ticket tally (schema_tally.cpp): tickets opened, closed and due per hour, kept by
// triggers, read by the review's trend and checked by `db check`.

#include <cstdint>

namespace opsctl::store {

class Database;

/// The table: derived from `tickets`, so `db copy` rebuilds it rather than copying it.
inline constexpr const char* k_tally_table = "ticket_tally";

/// The width of a bucket, an hour (the SQL of schema_tally.cpp and tally.cpp spells it out).
/// A month whose bounds are not on the hour (a zone at :30 or :45, or one that ends now)
/// has the minutes at its edges counted from the indexes.
constexpr std::int64_t k_tally_bucket_secs = 3600;

/// The first second of the hour that holds `at` (rounded down, also before 1970).
constexpr std::int64_t tally_bucket_of(std::int64_t at) {
    return at - ((at % k_tally_bucket_secs) + k_tally_bucket_secs) % k_tally_bucket_secs;
}

/// What the tally should hold, recounted from `tickets`: rows (measure, bucket, n, met),
/// grouped, in SQL that both engines run (the migration's backfill, `db check`, the rebuild).
const char* tally_recount_sql();

/// How many buckets of the tally differ from a recount of the tickets (0 when it is right).
std::int64_t tally_differences(Database& db);
/// Rebuilds the tally from the tickets, in the caller's write transaction.
void rebuild_tally(Database& db);

} // namespace opsctl::store
