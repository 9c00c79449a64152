#pragma once
// Stock-takes: counts of the assets at a place (tables asset_audits, asset_audit_items).

#include "lib/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// One stock-take, open or finished.
struct AuditRow {
    std::int64_t id = 0;
    std::string location, status; // status: "open" or "finished"
    std::int64_t started_at = 0;
    std::string started_by;
    std::optional<std::int64_t> finished_at;
    std::string finished_by;
    std::int64_t found = 0, missing = 0, unexpected = 0;
    std::int64_t seen = 0; // tags scanned so far (distinct)
};

/// One tag of a stock-take, with the register's name and class when it knows the tag.
struct AuditItemRow {
    std::string tag, state; // seen, found, unexpected, missing, out
    std::int64_t scans = 0;
    std::optional<std::int64_t> first_at;
    std::optional<std::string> registered; // the register's location; nullopt: unknown tag
    std::string holder;
    std::string cls, name, owner; // from the register ("" for an unknown tag)
};

/// Opens a stock-take; returns its id. A second open one at the place violates a constraint.
std::int64_t insert_audit(Database& db, const std::string& location, std::int64_t at, const std::string& by);
/// The stock-take with this id.
std::optional<AuditRow> find_audit(Database& db, std::int64_t id);
/// The open stock-take of a place.
std::optional<AuditRow> open_audit_at(Database& db, const std::string& location);
/// Stock-takes, newest first; only open ones, only one place, at most `limit` (0: all).
std::vector<AuditRow> select_audits(Database& db, bool open_only, const std::string& location, std::int64_t limit);

/// Records scans of tags (in order, repeats counted) at `at`; returns how many tags were new
/// to the stock-take.
std::int64_t record_scans(Database& db, std::int64_t audit_id, const std::vector<std::string>& tags, std::int64_t at);

/// An asset the register places at a location when a stock-take finishes.
struct ExpectedAsset {
    std::string tag, location;
    std::string holder, holder_kind; // its open check-out, if any
};
/// The assets expected at `location`: not disposed and registered there, or checked out to
/// it, and what they contain (by parent, recursively) unless a content names another place;
/// with their open check-outs. In tag order.
std::vector<ExpectedAsset> expected_at(Database& db, const std::string& location);
/// The register's location of each tag it knows, and "disposed" state: for the finish.
struct RegisteredAsset {
    std::string tag, location, status;
};
/// The register rows of the tags scanned in a stock-take that it knows.
std::vector<RegisteredAsset> registered_of_scans(Database& db, std::int64_t audit_id);

/// Sets the outcome of one scanned tag at the finish.
void classify_item(Database& db, std::int64_t audit_id, const std::string& tag, const std::string& state,
                   const std::optional<std::string>& registered);
/// Adds an expected tag that was not scanned ('missing' or 'out').
void insert_unseen(Database& db, std::int64_t audit_id, const std::string& tag, const std::string& state,
                   const std::string& registered, const std::string& holder);
/// Closes a stock-take with its counts.
void finish_audit(Database& db, std::int64_t audit_id, std::int64_t at, const std::string& by, std::int64_t found,
                  std::int64_t missing, std::int64_t unexpected);

/// The tags of a stock-take with the register's fields, in tag order; only `state` when given.
std::vector<AuditItemRow> audit_items(Database& db, std::int64_t audit_id, const std::string& state);

/// The newest finished stock-take that counted an asset: when, where, with what outcome.
struct LastAudit {
    std::int64_t audit_id = 0, at = 0;
    std::string location, state;
};
std::optional<LastAudit> last_audit_of(Database& db, const std::string& tag);

/// An active asset of a class with the end of the last finished stock-take that saw it
/// (found or unexpected).
struct LastSeen {
    std::string tag, name, owner;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> last_at;
};
std::vector<LastSeen> last_seen(Database& db, const std::string& cls);

/// Assets missing from the stock-takes finished in [from, to): the audit, the tag and its owner.
struct MissingAsset {
    std::int64_t audit_id = 0, at = 0;
    std::string location, tag, name, owner;
};
std::vector<MissingAsset> missing_between(Database& db, std::int64_t from, std::int64_t to);

} // namespace opsctl::store
