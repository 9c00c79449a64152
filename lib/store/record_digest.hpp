#pragma once
// Records that prove themselves: the digest of a record's stored state, kept in the newest
// event that changed it, and the check that the rows still match.

#include "lib/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace opsctl::store {

/// SHA-256 (hex) of the columns of record `entity_id` that only a change with an event
/// writes (ticket: not the SLA cache; asset: the register row; backup run: with its
/// verifications, restores and prunes; inspection run: with its results; roster override,
/// handover, attendance, page, known error: the row); empty when the entity kind has no table here or the row is
/// gone. The one place that says which rows prove themselves.
std::string record_digest(Database& db, const std::string& entity, const std::string& entity_id);

/// Called when a write transaction commits: gives the newest event of each record changed
/// since event `first_id` the digest of that record as committed ("removed" for a record the
/// change deleted), and rehashes the chain from there. Events written by the bulk importers
/// carry none (their records are sealed by their next change).
void seal_events(Database& db, std::int64_t first_id);

/// The result of comparing the records with their newest events' digests.
struct RecordCheck {
    std::int64_t checked = 0;  // records compared
    std::int64_t unsealed = 0; // records whose newest event carries no digest (older databases)
    std::string first_bad;     // "ticket 42", "backup run 7" of the first record that does not match
    std::string problem;
};
/// Compares every record (tickets, assets, backup and inspection runs, roster records, pages) with the
/// digest of its newest event in one pass over each table; names the first that does not
/// match (a row changed, inserted or removed outside opsctl) and its table.
RecordCheck verify_records(Database& db);

} // namespace opsctl::store
