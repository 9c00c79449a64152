#pragma once
// The events table: the audit trail of every change, hash-chained.

#include "lib/store/database.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// One change to one record.
struct Event {
    std::int64_t id = 0;
    std::int64_t at = 0;
    std::string actor;      // the person acted for (or the service's actor name)
    std::string account;    // the OS account that ran opsctl, when the policy binds logins
    std::string entity;     // "ticket", "asset", "checklist", "backup", "roster", ...
    std::string entity_id;  // the record's id or tag
    std::string action;     // "created", "updated", "moved", "assigned", ...
    nlohmann::json fields = nlohmann::json::object(); // changed fields, e.g. {"status": ["new", "open"]}
    std::string prev_hash;
    std::string hash;
    std::string digest; // the record's state after the change (record_digest.hpp); empty before digests
};

/// Appends an event (must run inside a WriteTransaction); returns its id. The event records
/// the connection's account (Database::set_account) when its own is empty.
std::int64_t record_event(Database& db, const Event& event);
/// Appends an event whose fields are already JSON text, stored and hashed as given
/// (`event.fields` is not read); for bulk writers that build the text directly.
std::int64_t record_event(Database& db, const Event& event, const std::string& fields_text);
/// The hash of the newest event (read once per write transaction, then kept): the
/// prev_hash of the next event recorded.
const std::string& last_event_hash(Database& db);
/// Appends an event whose hash the caller computed as event_hash(event, last_event_hash(db),
/// fields_text), e.g. on another thread ahead of the write; returns its id.
std::int64_t record_hashed_event(Database& db, const Event& event, const std::string& fields_text,
                                 std::string hash);
/// The events of one record, oldest first.
std::vector<Event> events_for(Database& db, const std::string& entity, const std::string& entity_id);
/// Events in [from, to), oldest first, optionally of one entity kind.
std::vector<Event> events_between(Database& db, std::int64_t from, std::int64_t to, const std::string& entity = {});

/// The result of checking the hash chain.
struct ChainCheck {
    std::int64_t rows = 0;
    std::optional<std::int64_t> first_bad_id; // first row altered, or after a removed one
    std::string problem;
};
/// Recomputes every event's hash and compares it with the stored chain.
ChainCheck verify_event_chain(Database& db);
/// The hash of an event given the previous row's hash and the stored fields text (hex SHA-256).
std::string event_hash(const Event& event, const std::string& prev_hash, const std::string& fields_text);

} // namespace opsctl::store
