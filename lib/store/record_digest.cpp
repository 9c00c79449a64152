#include "lib/store/record_digest.hpp"

#include "lib/store/events.hpp"
#include "lib/util/sha256.hpp"

#include <algorithm>
#include <fmt/format.h>

#include <map>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace opsctl::store {

namespace {

// The records that events describe, and the columns their digest covers: those that only a
// change with an event writes. Derived caches (a ticket's SLA columns, refreshed by `ticket
// sla` without an event) and updated_at are left out.
struct RecordTable {
    std::string_view entity;
    std::string_view table;
    std::string_view key;
    std::string_view columns;
};

constexpr RecordTable k_tables[] = {
    {"ticket", "tickets", "id",
     "id, type, priority, status, is_open, title, body, team, assignee, asset, reporter, source, "
     "resolution, "
     "created_at, resolved_at, closed_at, spent_secs, satisfaction, complaint_type"},
    {"asset", "assets", "tag",
     "tag, class, name, model, serial, owner, location, address, status, purchased, "
     "warranty_until, parent, "
     "retire_reason, created_at, retired_at, disposed_at"},
};

const RecordTable* table_of(std::string_view entity) {
    for (const auto& t : k_tables) {
        if (t.entity == entity) {
            return &t;
        }
    }
    return nullptr;
}

// The row as text: each value with its type, so that 1, '1' and NULL differ.
std::string digest_of_row(SQLite::Statement& q, int first = 0) {
    std::string text;
    for (int i = first; i < q.getColumnCount(); ++i) {
        const auto c = q.getColumn(i);
        if (c.isNull()) {
            text += "n";
        } else if (c.isInteger()) {
            text += 'i';
            text += std::to_string(c.getInt64());
        } else if (c.isFloat()) {
            text += fmt::format("f{}", c.getDouble());
        } else {
            text += fmt::format("t{}:", c.getBytes());
            text.append(static_cast<const char*>(c.getBlob()),
                        static_cast<std::size_t>(c.getBytes()));
        }
        text += '\x1f';
    }
    return util::sha256_hex(text);
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
    std::string digest = q.executeStep() ? digest_of_row(q) : std::string{};
    q.reset();
    return digest;
}

void seal_events(Database& db, std::int64_t first_id) {
    // The newest event of each record changed in this transaction gets its digest.
    std::vector<Event> events;
    std::vector<std::string> fields;
    {
        SQLite::Statement q(
            db.sql(), "SELECT id, at, actor, entity, entity_id, action, fields, prev_hash, account "
                      "FROM events WHERE id >= ? ORDER BY id");
        q.bind(1, static_cast<std::int64_t>(first_id));
        while (q.executeStep()) {
            Event e;
            e.id = q.getColumn(0).getInt64();
            e.at = q.getColumn(1).getInt64();
            e.actor = q.getColumn(2).getString();
            e.entity = q.getColumn(3).getString();
            e.entity_id = q.getColumn(4).getString();
            e.action = q.getColumn(5).getString();
            fields.push_back(q.getColumn(6).getString());
            e.prev_hash = q.getColumn(7).getString();
            e.account = q.getColumn(8).getString();
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
        update.clearBindings();
        prev = hash;
    }
    db.last_event_hash_cache() = prev;
}

RecordCheck verify_records(Database& db) {
    RecordCheck check;
    for (const auto& t : k_tables) {
        // The newest event of each record, and its digest (empty: written before digests).
        std::unordered_map<std::string, std::string> sealed;
        bool any_sealed = false; // a row without any event is suspect only once digests are kept
        {
            // In the order of the events_entity index (no sort of millions of rows): each
            // record's newest event comes last and overwrites the older ones.
            SQLite::Statement q(db.sql(), "SELECT entity_id, digest FROM events WHERE entity = ? "
                                          "ORDER BY entity_id, id");
            q.bind(1, std::string(t.entity));
            while (q.executeStep()) {
                std::string digest = q.getColumn(1).getString();
                any_sealed = any_sealed || !digest.empty();
                sealed[q.getColumn(0).getString()] = std::move(digest);
            }
        }
        if (!any_sealed) {
            // A database written before digests (or by the bench generator): nothing to compare.
            const std::int64_t n =
                db.sql().execAndGet(fmt::format("SELECT count(*) FROM {}", t.table)).getInt64();
            check.checked += n;
            check.unsealed += n;
            continue;
        }
        SQLite::Statement rows(db.sql(), fmt::format("SELECT {}, {} FROM {} ORDER BY {}", t.key,
                                                     t.columns, t.table, t.key));
        // The key first, then the columns the digest covers.
        while (rows.executeStep()) {
            const std::string id = rows.getColumn(0).getString();
            ++check.checked;
            const auto it = sealed.find(id);
            if (it == sealed.end()) {
                check.first_bad = fmt::format("{} {}", t.entity, id);
                check.problem =
                    fmt::format("{} {} has no event: it was inserted outside opsctl", t.entity, id);
                return check;
            }
            if (it->second.empty()) {
                ++check.unsealed;
                sealed.erase(it);
                continue;
            }
            if (digest_of_row(rows, 1) != it->second) {
                check.first_bad = fmt::format("{} {}", t.entity, id);
                check.problem = fmt::format(
                    "{} {} does not match its newest event (changed outside opsctl)", t.entity, id);
                return check;
            }
            sealed.erase(it);
        }
        for (const auto& [id, digest] : sealed) {
            if (!digest.empty()) {
                check.first_bad = fmt::format("{} {}", t.entity, id);
                check.problem = fmt::format("{} {} was removed outside opsctl (its events remain)",
                                            t.entity, id);
                return check;
            }
        }
    }
    return check;
}

} // namespace opsctl::store
