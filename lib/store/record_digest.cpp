#include "lib/store/record_digest.hpp"

#include "lib/store/events.hpp"
#include "lib/util/sha256.hpp"

#include <algorithm>
#include <fmt/format.h>

#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace opsctl::store {

namespace {

// The rows of another table that belong to a record and change with its events (a backup
// run's verifications, an inspection run's results): digested with it, in `order`.
struct RecordPart {
    std::string_view table;
    std::string_view key; // the column holding the record's id
    std::string_view columns;
    std::string_view order; // after the key; an index gives this order without a sort
};

// The records that events describe, and the columns their digest covers: those that only a
// change with an event writes. Derived caches (a ticket's SLA columns, refreshed by `ticket
// sla` without an event) and updated_at are left out.
struct RecordTable {
    std::string_view entity;
    std::string_view noun; // how db check names one
    std::string_view table;
    std::string_view key;
    std::string_view columns;
    std::span<const RecordPart> parts = {};
};

constexpr RecordPart k_backup_parts[] = {
    {"backup_verifications", "run_id", "id, run_id, at, ok, deep, detail", "at, id"},
    {"backup_restores", "run_id", "id, run_id, at, duration_ms, ok, target, files, detail, actor", "id"},
    {"backup_prunes", "run_id", "id, run_id, at, path, size_bytes, actor", "id"},
};

// One event per run, whatever the number of results: `inspect record` answers a result as an
// event of its run.
constexpr RecordPart k_inspect_parts[] = {
    {"inspect_results", "run_id",
     "id, run_id, checklist, item, kind, target, status, message, perfdata, duration_ms, recorded_at, "
     "recorded_by, note",
     "item, target"},
};

// A stock-take's tags change only with its events (started, scanned, finished).
constexpr RecordPart k_stocktake_parts[] = {
    {"asset_audit_items", "audit_id", "audit_id, tag, state, scans, first_at, registered, holder", "tag"},
};

constexpr RecordTable k_tables[] = {
    {"ticket", "ticket", "tickets", "id",
     "id, type, priority, status, is_open, title, body, team, assignee, asset, reporter, source, "
     "resolution, "
     "created_at, resolved_at, closed_at, spent_secs, satisfaction, complaint_type"},
    {"asset", "asset", "assets", "tag",
     "tag, class, name, model, serial, owner, location, address, status, purchased, "
     "warranty_until, parent, "
     "retire_reason, created_at, retired_at, disposed_at"},
    {"asset_audit", "stock-take", "asset_audits", "id",
     "id, location, status, started_at, started_by, finished_at, finished_by, found, missing, unexpected",
     k_stocktake_parts},
    {"backup", "backup run", "backup_runs", "id",
     "id, job, kind, started_at, finished_at, status, size_bytes, source_bytes, files, sha256, path, "
     "error, warning, actor, pruned_at, captured",
     k_backup_parts},
    {"inspect_run", "inspection run", "inspect_runs", "id",
     "id, checklist, started_at, finished_at, status, target_count, item_count, pending_count, actor",
     k_inspect_parts},
    {"roster_override", "roster override", "roster_overrides", "id",
     "id, rotation, person, replaces, starts_at, ends_at, note, created_at, created_by"},
    {"roster_handover", "handover", "roster_handovers", "id",
     "id, at, rotation, from_person, to_person, note, snapshot, open_tickets, at_risk_slas, "
     "failed_inspections, stale_backups"},
    {"roster_attendance", "attendance record", "roster_attendance", "id",
     "id, person, checkin_at, checkout_at, note"},
    // Every step of a page (opened, paged, skipped, acknowledged, exhausted) is an event of it.
    // The outbox's notifications are not here: their delivery state (attempts, claims, errors,
    // sent) changes on every flush without an event, by design, and their content is the
    // rendering of the event that caused them (event_id).
    {"page", "page", "pages", "id",
     "id, event_id, kind, subject, ticket_id, title, status, step, person, opened_at, next_at, acked_at, "
     "acked_by"},
    {"known_error", "known error", "known_errors", "id",
     "id, problem_id, title, symptom, cause, workaround, fix, status, created_at, retired_at, retire_reason"},
};

// The digest of a record that a change removed (roster override remove): a row with its id
// that turns up again was inserted around opsctl.
constexpr std::string_view k_removed = "removed";

const RecordTable* table_of(std::string_view entity) {
    for (const auto& t : k_tables) {
        if (t.entity == entity) {
            return &t;
        }
    }
    return nullptr;
}

// Appends the row as text: each value with its type, so that 1, '1' and NULL differ.
void append_row(std::string& text, Statement& q, int first = 0) {
    for (int i = first; i < q.column_count(); ++i) {
        const auto c = q.column(i);
        const ValueType type = c.type();
        if (type == ValueType::null) {
            text += "n";
        } else if (type == ValueType::integer) {
            text += 'i';
            text += std::to_string(c.as_int64());
        } else if (type == ValueType::real) {
            text += fmt::format("f{}", c.as_double());
        } else {
            const std::string_view bytes = c.as_text();
            text += fmt::format("t{}:", bytes.size());
            text.append(bytes);
        }
        text += '\x1f';
    }
}

// Where a part's rows begin in the record's text: a table without parts hashes as it did
// before parts existed.
void begin_part(std::string& text) { text += '\x1e'; }

// Where the rows of `where` for the record's parts, in the digest's order.
std::string part_sql(const RecordPart& p, std::string_view where) {
    return fmt::format("SELECT {}, {} FROM {} {} ORDER BY {}, {}", p.key, p.columns, p.table, where,
                       p.key, p.order);
}

// The record's display name and the tables its rows live in, for db check's messages.
std::string rows_of(const RecordTable& t, const std::string& id) {
    std::string out = fmt::format("'{}' row {}", t.table, id);
    for (std::size_t i = 0; i < t.parts.size(); ++i) {
        out += i == 0 ? " or its rows in '" : (i + 1 == t.parts.size() ? "' or '" : "', '");
        out += t.parts[i].table;
    }
    return t.parts.empty() ? out : out + "'";
}

} // namespace

std::string record_digest(Database& db, const std::string& entity, const std::string& entity_id) {
    const auto* t = table_of(entity);
    if (!t) {
        return {};
    }
    auto& q =
        db.cached(fmt::format("SELECT {} FROM {} WHERE {} = ?", t->columns, t->table, t->key));
    if (t->key == "id") {
        try {
            q.bind(1, static_cast<std::int64_t>(std::stoll(entity_id)));
        } catch (const std::exception&) {
            return {};
        }
    } else {
        q.bind(1, entity_id);
    }
    std::string text;
    const bool found = q.step();
    if (found) {
        append_row(text, q);
    }
    q.reset();
    if (!found) {
        return {};
    }
    // The parts in one query each, as db check reads them (an inspection run's hundreds of
    // results are one statement, not one per result).
    for (const auto& p : t->parts) {
        begin_part(text);
        auto& rows = db.cached(part_sql(p, fmt::format("WHERE {} = ?1", p.key)));
        rows.bind(1, static_cast<std::int64_t>(std::stoll(entity_id)));
        while (rows.step()) {
            append_row(text, rows, 1);
        }
        rows.reset();
    }
    return util::sha256_hex(text);
}

void seal_events(Database& db, std::int64_t first_id) {
    // The newest event of each record changed in this transaction gets its digest.
    std::vector<Event> events;
    std::vector<std::string> fields;
    {
        Statement q(
            db, "SELECT id, at, actor, entity, entity_id, action, fields, prev_hash, account "
                "FROM events WHERE id >= ? ORDER BY id");
        q.bind(1, static_cast<std::int64_t>(first_id));
        while (q.step()) {
            Event e;
            e.id = q.column(0).as_int64();
            e.at = q.column(1).as_int64();
            e.actor = q.column(2).as_string();
            e.entity = q.column(3).as_string();
            e.entity_id = q.column(4).as_string();
            e.action = q.column(5).as_string();
            fields.push_back(q.column(6).as_string());
            e.prev_hash = q.column(7).as_string();
            e.account = q.column(8).as_string();
            events.push_back(std::move(e));
        }
    }
    std::map<std::pair<std::string, std::string>, std::size_t> newest;
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (table_of(events[i].entity)) {
            newest[{events[i].entity, events[i].entity_id}] = i;
        }
    }
    if (newest.empty()) {
        return;
    }
    std::size_t from = events.size();
    for (const auto& [record, i] : newest) {
        events[i].digest = record_digest(db, record.first, record.second);
        if (events[i].digest.empty()) {
            events[i].digest = k_removed;
        }
        from = std::min(from, i);
    }
    // Rehash from the first event that got a digest; those before keep their hash (an
    // inspection run's hundreds of result events, say, are not rewritten).
    std::string prev = events[from].prev_hash;
    auto& update = db.cached("UPDATE events SET digest = ?, prev_hash = ?, hash = ? WHERE id = ?");
    for (std::size_t i = from; i < events.size(); ++i) {
        auto& e = events[i];
        const std::string hash = event_hash(e, prev, fields[i]);
        update.bind(1, e.digest);
        update.bind(2, prev);
        update.bind(3, hash);
        update.bind(4, static_cast<std::int64_t>(e.id));
        update.exec();
        update.reset();
        update.clear_bindings();
        prev = hash;
    }
    db.last_event_hash_cache() = prev;
}

namespace {

// One part's rows in the order of the records: a cursor that the pass over the records moves
// along, so that each table is read once.
struct PartCursor {
    Statement rows;
    bool has_row = false;

    PartCursor(Database& db, const RecordPart& p) : rows(db, part_sql(p, "")) { next(); }
    void next() { has_row = rows.step(); }
    std::int64_t key() { return rows.column(0).as_int64(); }
};

} // namespace

RecordCheck verify_records(Database& db) {
    RecordCheck check;
    const auto bad = [&check](const RecordTable& t, const std::string& id, std::string problem) {
        check.first_bad = fmt::format("{} {}", t.noun, id);
        check.problem = std::move(problem);
        return check;
    };
    for (const auto& t : k_tables) {
        // The newest event of each record, and its digest (empty: written before digests).
        std::unordered_map<std::string, std::string> sealed;
        bool any_sealed = false; // a row without any event is suspect only once digests are kept
        {
            // In the order of the events_entity index (no sort of millions of rows): each
            // record's newest event comes last and overwrites the older ones.
            Statement q(db, "SELECT entity_id, digest FROM events WHERE entity = ? "
                            "ORDER BY entity_id, id");
            q.bind(1, std::string(t.entity));
            while (q.step()) {
                std::string digest = q.column(1).as_string();
                any_sealed = any_sealed || !digest.empty();
                sealed[q.column(0).as_string()] = std::move(digest);
            }
        }
        if (!any_sealed) {
            // A database written before digests (or by the bench generator): nothing to compare.
            const std::int64_t n =
                db.select_int64(fmt::format("SELECT count(*) FROM {}", t.table));
            check.checked += n;
            check.unsealed += n;
            continue;
        }
        Statement rows(db, fmt::format("SELECT {}, {} FROM {} ORDER BY {}", t.key,
                                       t.columns, t.table, t.key));
        // The parts move along with the records (both in id order): one pass over each table.
        std::vector<std::unique_ptr<PartCursor>> parts;
        for (const auto& p : t.parts) {
            parts.push_back(std::make_unique<PartCursor>(db, p));
        }
        std::string text;
        // The key first, then the columns the digest covers.
        while (rows.step()) {
            const std::string id = rows.column(0).as_string();
            ++check.checked;
            const auto it = sealed.find(id);
            if (it == sealed.end()) {
                return bad(t, id,
                           fmt::format("{} {} has no event: {} was inserted outside opsctl", t.noun,
                                       id, rows_of(t, id)));
            }
            if (it->second.empty()) {
                // Its parts' rows are passed over with the next compared record's.
                ++check.unsealed;
                sealed.erase(it);
                continue;
            }
            if (it->second == k_removed) {
                return bad(t, id,
                           fmt::format("{} {} was removed by opsctl and is back: {} was inserted "
                                       "outside opsctl",
                                       t.noun, id, rows_of(t, id)));
            }
            text.clear();
            append_row(text, rows, 1);
            if (!parts.empty()) {
                const std::int64_t key = rows.column(0).as_int64();
                for (auto& part : parts) {
                    begin_part(text);
                    // Rows of records gone or not compared are passed over.
                    while (part->has_row && part->key() < key) {
                        part->next();
                    }
                    while (part->has_row && part->key() == key) {
                        append_row(text, part->rows, 1);
                        part->next();
                    }
                }
            }
            if (util::sha256_hex(text) != it->second) {
                return bad(t, id,
                           fmt::format("{} {} does not match its newest event: {} was changed "
                                       "outside opsctl",
                                       t.noun, id, rows_of(t, id)));
            }
            sealed.erase(it);
        }
        // What is left had events but no row: the first of them by id is named.
        const std::string* gone = nullptr;
        for (const auto& [id, digest] : sealed) {
            if (!digest.empty() && digest != k_removed &&
                (!gone || std::pair(id.size(), id) < std::pair(gone->size(), *gone))) {
                gone = &id;
            }
        }
        if (gone) {
            return bad(t, *gone,
                       fmt::format("{} {} was removed outside opsctl: '{}' has no row {} (its "
                                   "events remain)",
                                   t.noun, *gone, t.table, *gone));
        }
    }
    return check;
}

} // namespace opsctl::store
