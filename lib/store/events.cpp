#include "lib/store/events.hpp"

#include "lib/util/sha256.hpp"

#include <fmt/format.h>

namespace opsctl::store {

namespace {

Event read_event(Statement& q, bool parse_fields = true) {
    Event e;
    e.id = q.column(0).as_int64();
    e.at = q.column(1).as_int64();
    e.actor = q.column(2).as_string();
    e.entity = q.column(3).as_string();
    e.entity_id = q.column(4).as_string();
    e.action = q.column(5).as_string();
    if (parse_fields) {
        e.fields = nlohmann::json::parse(q.column(6).as_string(), nullptr, false);
        if (e.fields.is_discarded()) {
            e.fields = nlohmann::json::object();
        }
    }
    e.prev_hash = q.column(7).as_string();
    e.hash = q.column(8).as_string();
    e.account = q.column(9).as_string();
    e.digest = q.column(10).as_string();
    return e;
}

constexpr const char* k_columns = "id, at, actor, entity, entity_id, action, fields, prev_hash, hash, account, digest";

} // namespace

std::string event_hash(const Event& e, const std::string& prev_hash, const std::string& fields_text) {
    // Fields joined with a separator that cannot occur unescaped in JSON text.
    std::string content = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", prev_hash, e.at, e.actor,
                                      e.entity, e.entity_id, e.action, fields_text);
    // Appended only when set, so that the events written before accounts were recorded (and
    // those of an open policy) hash as they always did.
    if (!e.account.empty() || !e.digest.empty()) {
        content += '\x1f';
        content += e.account;
    }
    if (!e.digest.empty()) {
        content += '\x1f';
        content += e.digest;
    }
    return util::sha256_hex(content);
}

std::int64_t record_event(Database& db, const Event& event) {
    // Input is checked for UTF-8 at the edges; should bad bytes slip through, the audit row
    // is still written (with U+FFFD) instead of failing the change.
    return record_event(db, event, event.fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

const std::string& last_event_hash(Database& db) {
    if (!db.last_event_hash_known()) {
        auto& last = db.cached("SELECT hash FROM events ORDER BY id DESC LIMIT 1");
        db.last_event_hash_cache() = last.step() ? last.column(0).as_string() : std::string{};
        last.reset();
        db.last_event_hash_known() = true;
    }
    return db.last_event_hash_cache();
}

std::int64_t record_event(Database& db, const Event& event, const std::string& fields_text) {
    std::int64_t id = 0;
    if (event.account.empty() && !db.account().empty()) {
        Event with_account = event;
        with_account.account = db.account();
        id = record_hashed_event(db, with_account, fields_text,
                                 event_hash(with_account, last_event_hash(db), fields_text));
    } else {
        id = record_hashed_event(db, event, fields_text, event_hash(event, last_event_hash(db), fields_text));
    }
    // Sealed with the records' digests when the transaction commits (record_digest.hpp).
    if (db.first_unsealed_event() == 0) {
        db.first_unsealed_event() = id;
    }
    return id;
}

std::int64_t record_hashed_event(Database& db, const Event& event, const std::string& fields_text,
                                 std::string hash) {
    const std::string& prev = last_event_hash(db);
    // Prepared once per connection: a bulk change records one event per row.
    auto& insert = db.cached("INSERT INTO events (at, actor, entity, entity_id, action, fields, prev_hash, hash, "
                             "account, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    // Not copied: every bound string outlives exec().
    insert.bind(1, static_cast<std::int64_t>(event.at));
    insert.bind_no_copy(2, event.actor);
    insert.bind_no_copy(3, event.entity);
    insert.bind_no_copy(4, event.entity_id);
    insert.bind_no_copy(5, event.action);
    insert.bind_no_copy(6, fields_text);
    insert.bind_no_copy(7, prev);
    insert.bind_no_copy(8, hash);
    insert.bind_no_copy(9, event.account);
    insert.bind_no_copy(10, event.digest);
    insert.exec();
    insert.reset();
    db.last_event_hash_cache() = std::move(hash);
    return db.last_insert_id();
}

std::vector<Event> events_for(Database& db, const std::string& entity, const std::string& entity_id) {
    Statement q(db, fmt::format("SELECT {} FROM events WHERE entity = ? AND entity_id = ? ORDER BY id",
                                k_columns));
    q.bind(1, entity);
    q.bind(2, entity_id);
    std::vector<Event> out;
    while (q.step()) {
        out.push_back(read_event(q));
    }
    return out;
}

std::vector<Event> events_between(Database& db, std::int64_t from, std::int64_t to, const std::string& entity) {
    std::string sql = fmt::format("SELECT {} FROM events WHERE at >= ? AND at < ?", k_columns);
    if (!entity.empty()) {
        sql += " AND entity = ?";
    }
    sql += " ORDER BY id";
    Statement q(db, sql);
    q.bind(1, static_cast<std::int64_t>(from));
    q.bind(2, static_cast<std::int64_t>(to));
    if (!entity.empty()) {
        q.bind(3, entity);
    }
    std::vector<Event> out;
    while (q.step()) {
        out.push_back(read_event(q));
    }
    return out;
}

ChainCheck verify_event_chain(Database& db) {
    ChainCheck check;
    Statement q(db, fmt::format("SELECT {} FROM events ORDER BY id", k_columns));
    std::string prev;
    std::int64_t last_id = 0;
    while (q.step()) {
        // The hash covers the stored text: parsing it (millions of rows) is not needed.
        const Event e = read_event(q, false);
        const std::string fields_text = q.column(6).as_string();
        ++check.rows;
        if (e.prev_hash != prev) {
            check.first_bad_id = e.id;
            check.problem = fmt::format("event {} does not follow the previous row (a row before it was removed or altered)", e.id);
            return check;
        }
        if (event_hash(e, prev, fields_text) != e.hash) {
            check.first_bad_id = e.id;
            check.problem = fmt::format("event {} was altered after it was written", e.id);
            return check;
        }
        prev = e.hash;
        last_id = e.id;
    }
    Statement head(db, "SELECT value FROM meta WHERE key = 'events_head'");
    if (head.step()) {
        const std::string value = head.column(0).as_string();
        const auto space = value.find(' ');
        std::int64_t head_id = 0;
        try {
            head_id = std::stoll(value.substr(0, space));
        } catch (const std::exception&) {
            head_id = -1;
        }
        const std::string head_hash = space == std::string::npos ? std::string{} : value.substr(space + 1);
        if (head_id != last_id || head_hash != prev) {
            check.first_bad_id = head_id > last_id ? last_id + 1 : last_id;
            check.problem = head_id > last_id
                                ? fmt::format("events after {} were removed (the newest recorded event is {})",
                                              last_id, head_id)
                                : fmt::format("the newest event {} does not match the recorded head ({})", last_id,
                                              value);
        }
    }
    return check;
}

} // namespace opsctl::store
