#include "lib/store/ticket_repo.hpp"
#include "lib/store/driver.hpp"

#include "lib/core/error.hpp"

#include <fmt/format.h>
#include <limits>

namespace opsctl::store {

namespace {

// The column order shared by every SELECT and INSERT below (id first).
constexpr const char* k_columns =
    "id, type, priority, status, is_open, title, body, team, assignee, asset, reporter, source, "
    "resolution, created_at, updated_at, responded_at, resolved_at, closed_at, sla_rule, sla_clock, "
    "response_target_secs, resolution_target_secs, response_due_at, resolution_due_at, "
    "response_business_secs, resolution_business_secs, response_clock_secs, resolution_clock_secs, "
    "response_breached, resolution_breached, paused_secs, sla_order, spent_secs, satisfaction, "
    "complaint_type";
constexpr int k_column_count = 35;

void bind_opt(Statement& st, int i, const std::optional<std::int64_t>& v) {
    if (v) {
        st.bind(i, static_cast<std::int64_t>(*v));
    } else {
        st.bind(i);
    }
}

// Binds without a copy: for rows bound and stepped while the row is alive (every caller of
// bind_row steps before returning, and binds every parameter again on the next use).
void bind_opt_ref(Statement& st, int i, const std::optional<std::string>& v) {
    if (v) {
        st.bind_no_copy(i, *v);
    } else {
        st.bind(i);
    }
}

// Binds the columns after id, starting at parameter `first`.
void bind_row(Statement& st, const TicketRow& r, int first) {
    int i = first;
    st.bind_no_copy(i++, r.type);
    st.bind_no_copy(i++, r.priority);
    st.bind_no_copy(i++, r.status);
    st.bind(i++, r.is_open ? 1 : 0);
    st.bind_no_copy(i++, r.title);
    st.bind_no_copy(i++, r.body);
    bind_opt_ref(st, i++, r.team);
    bind_opt_ref(st, i++, r.assignee);
    bind_opt_ref(st, i++, r.asset);
    bind_opt_ref(st, i++, r.reporter);
    bind_opt_ref(st, i++, r.source);
    bind_opt_ref(st, i++, r.resolution);
    st.bind(i++, static_cast<std::int64_t>(r.created_at));
    st.bind(i++, static_cast<std::int64_t>(r.updated_at));
    bind_opt(st, i++, r.responded_at);
    bind_opt(st, i++, r.resolved_at);
    bind_opt(st, i++, r.closed_at);
    bind_opt_ref(st, i++, r.sla_rule);
    bind_opt_ref(st, i++, r.sla_clock);
    bind_opt(st, i++, r.response_target_secs);
    bind_opt(st, i++, r.resolution_target_secs);
    bind_opt(st, i++, r.response_due_at);
    bind_opt(st, i++, r.resolution_due_at);
    st.bind(i++, static_cast<std::int64_t>(r.response_business_secs));
    st.bind(i++, static_cast<std::int64_t>(r.resolution_business_secs));
    st.bind(i++, static_cast<std::int64_t>(r.response_clock_secs));
    st.bind(i++, static_cast<std::int64_t>(r.resolution_clock_secs));
    st.bind(i++, r.response_breached ? 1 : 0);
    st.bind(i++, r.resolution_breached ? 1 : 0);
    st.bind(i++, static_cast<std::int64_t>(r.paused_secs));
    st.bind(i++, static_cast<std::int64_t>(r.sla_order));
    st.bind(i++, static_cast<std::int64_t>(r.spent_secs));
    bind_opt(st, i++, r.satisfaction);
    bind_opt_ref(st, i++, r.complaint_type);
}

std::optional<std::string> opt_text(Statement& q, int i) {
    auto c = q.column(i);
    return c.is_null() ? std::nullopt : std::optional<std::string>(c.as_string());
}

std::optional<std::int64_t> opt_int(Statement& q, int i) {
    auto c = q.column(i);
    return c.is_null() ? std::nullopt : std::optional<std::int64_t>(c.as_int64());
}

TicketRow read_row(Statement& q) {
    TicketRow r;
    int i = 0;
    r.id = q.column(i++).as_int64();
    r.type = q.column(i++).as_string();
    r.priority = q.column(i++).as_string();
    r.status = q.column(i++).as_string();
    r.is_open = q.column(i++).as_int() != 0;
    r.title = q.column(i++).as_string();
    r.body = q.column(i++).as_string();
    r.team = opt_text(q, i++);
    r.assignee = opt_text(q, i++);
    r.asset = opt_text(q, i++);
    r.reporter = opt_text(q, i++);
    r.source = opt_text(q, i++);
    r.resolution = opt_text(q, i++);
    r.created_at = q.column(i++).as_int64();
    r.updated_at = q.column(i++).as_int64();
    r.responded_at = opt_int(q, i++);
    r.resolved_at = opt_int(q, i++);
    r.closed_at = opt_int(q, i++);
    r.sla_rule = opt_text(q, i++);
    r.sla_clock = opt_text(q, i++);
    r.response_target_secs = opt_int(q, i++);
    r.resolution_target_secs = opt_int(q, i++);
    r.response_due_at = opt_int(q, i++);
    r.resolution_due_at = opt_int(q, i++);
    r.response_business_secs = q.column(i++).as_int64();
    r.resolution_business_secs = q.column(i++).as_int64();
    r.response_clock_secs = q.column(i++).as_int64();
    r.resolution_clock_secs = q.column(i++).as_int64();
    r.response_breached = q.column(i++).as_int() != 0;
    r.resolution_breached = q.column(i++).as_int() != 0;
    r.paused_secs = q.column(i++).as_int64();
    r.sla_order = q.column(i++).as_int64();
    r.spent_secs = q.column(i++).as_int64();
    r.satisfaction = opt_int(q, i++);
    r.complaint_type = opt_text(q, i++);
    return r;
}

// The columns of TicketQuery::listing, in read_listing_row's order.
constexpr const char* k_listing_columns =
    "t.id, t.type, t.priority, t.status, t.is_open, t.title, t.team, t.assignee, t.asset, t.created_at, "
    "t.sla_order, t.response_due_at, t.resolution_due_at, t.response_breached, t.resolution_breached, "
    "t.response_target_secs, t.resolution_target_secs, t.responded_at, t.resolved_at";

TicketRow read_listing_row(Statement& q) {
    TicketRow r;
    r.id = q.column(0).as_int64();
    r.type = q.column(1).as_string();
    r.priority = q.column(2).as_string();
    r.status = q.column(3).as_string();
    r.is_open = q.column(4).as_int() != 0;
    r.title = q.column(5).as_string();
    r.team = opt_text(q, 6);
    r.assignee = opt_text(q, 7);
    r.asset = opt_text(q, 8);
    r.created_at = q.column(9).as_int64();
    r.sla_order = q.column(10).as_int64();
    r.response_due_at = opt_int(q, 11);
    r.resolution_due_at = opt_int(q, 12);
    r.response_breached = q.column(13).as_int() != 0;
    r.resolution_breached = q.column(14).as_int() != 0;
    r.response_target_secs = opt_int(q, 15);
    r.resolution_target_secs = opt_int(q, 16);
    r.responded_at = opt_int(q, 17);
    r.resolved_at = opt_int(q, 18);
    return r;
}

std::string insert_sql() {
    std::string marks = "?";
    for (int i = 1; i < k_column_count; ++i) {
        marks += ", ?";
    }
    return fmt::format("INSERT INTO tickets ({}) VALUES ({})", k_columns, marks);
}

} // namespace

const std::vector<std::string>& ticket_sort_keys() {
    static const std::vector<std::string> k_keys = {"due", "id", "created", "updated", "priority"};
    return k_keys;
}

std::int64_t insert_ticket(Database& db, const TicketRow& row) {
    Statement st(db, insert_sql());
    if (row.id > 0) {
        st.bind(1, static_cast<std::int64_t>(row.id));
    } else {
        // Past a largest id of 2^63-1 SQLite hands out random unused ids: refuse instead
        // (imports keep ids far below; only an older database can get here).
        if (const std::int64_t max = max_ticket_id(db); max == std::numeric_limits<std::int64_t>::max()) {
            throw DataError(fmt::format("no ticket id is left after {}", max), "renumber the ticket with that id");
        }
        st.bind(1);
    }
    bind_row(st, row, 2);
    st.exec();
    const std::int64_t id = db.last_insert_id();
    Statement fts(db, db.connection().ticket_search_sql().insert);
    fts.bind(1, static_cast<std::int64_t>(id));
    fts.bind(2, row.title);
    fts.bind(3, row.body);
    fts.bind(4, "");
    fts.exec();
    return id;
}

void save_ticket(Database& db, const TicketRow& row) {
    const std::string cols = k_columns;
    // "type = ?, priority = ?, ..." for every column after id.
    std::string sets;
    std::size_t start = cols.find(',') + 2;
    while (start < cols.size()) {
        std::size_t end = cols.find(',', start);
        if (end == std::string::npos) {
            end = cols.size();
        }
        if (!sets.empty()) {
            sets += ", ";
        }
        sets += cols.substr(start, end - start) + " = ?";
        start = end + 2;
    }
    Statement st(db, fmt::format("UPDATE tickets SET {} WHERE id = ?", sets));
    bind_row(st, row, 1);
    st.bind(k_column_count, static_cast<std::int64_t>(row.id));
    st.exec();
    Statement fts(db, db.connection().ticket_search_sql().update);
    fts.bind(1, row.title);
    fts.bind(2, row.body);
    fts.bind(3, static_cast<std::int64_t>(row.id));
    fts.exec();
}

std::optional<TicketRow> find_ticket(Database& db, std::int64_t id) {
    Statement q(db, fmt::format("SELECT {} FROM tickets WHERE id = ?", k_columns));
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.step()) {
        return std::nullopt;
    }
    return read_row(q);
}

std::int64_t max_ticket_id(Database& db) {
    return db.select_int64("SELECT coalesce(max(id), 0) FROM tickets");
}

bool ticket_exists(Database& db, std::int64_t id) {
    // Prepared once per connection: an import asks for every row of its file.
    auto& q = db.cached("SELECT 1 FROM tickets WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    const bool found = q.step();
    q.reset();
    return found;
}

std::vector<TicketRow> query_tickets(Database& db, const TicketQuery& q) {
    std::string where;
    std::vector<std::function<void(Statement&, int&)>> binds;
    auto add = [&](const std::string& cond) { where += (where.empty() ? " WHERE " : " AND ") + cond; };
    auto in_list = [&](const std::string& column, const std::vector<std::string>& values) {
        if (values.empty()) {
            return;
        }
        std::string marks;
        for (std::size_t i = 0; i < values.size(); ++i) {
            marks += i ? ", ?" : "?";
            binds.push_back([v = values[i]](Statement& st, int& n) { st.bind(n++, v); });
        }
        add(fmt::format("t.{} IN ({})", column, marks));
    };
    std::string from = "tickets t";
    driver::TicketSearch search;
    if (!q.search.empty()) {
        // The engine's own index (a dialect hook): its join, its condition and parameters.
        search = db.connection().ticket_search(q.search);
        from = search.from;
        add(search.condition);
        for (auto& value : search.binds) {
            binds.push_back([v = std::move(value)](Statement& st, int& n) { st.bind(n++, v); });
        }
    }
    if (q.open) {
        add(*q.open ? "t.is_open = 1" : "t.is_open = 0");
    }
    in_list("status", q.statuses);
    in_list("type", q.types);
    in_list("priority", q.priorities);
    in_list("assignee", q.assignees);
    in_list("team", q.teams);
    in_list("asset", q.assets);
    if (q.since) {
        add("t.created_at >= ?");
        binds.push_back([v = *q.since](Statement& st, int& n) { st.bind(n++, static_cast<std::int64_t>(v)); });
    }
    if (q.until) {
        add("t.created_at < ?");
        binds.push_back([v = *q.until](Statement& st, int& n) { st.bind(n++, static_cast<std::int64_t>(v)); });
    }
    if (q.breached) {
        add("(t.response_breached = 1 OR t.resolution_breached = 1 OR t.sla_order < ?)");
        binds.push_back([v = q.now](Statement& st, int& n) { st.bind(n++, static_cast<std::int64_t>(v)); });
    }
    std::string order;
    if (q.sort == "id") {
        order = "t.id";
    } else if (q.sort == "created") {
        order = "t.created_at DESC, t.id DESC";
    } else if (q.sort == "updated") {
        order = "t.updated_at DESC, t.id DESC";
    } else if (q.sort == "priority") {
        order = "t.priority, t.sla_order, t.id";
    } else if (!q.search.empty()) {
        // Search results come newest first unless a sort is asked for.
        order = search.newest_first;
    } else {
        order = "t.is_open DESC, t.sla_order, t.id";
        if (q.open && *q.open) {
            order = "t.sla_order, t.id";
        }
    }
    std::string cols = k_columns;
    std::string prefixed;
    // A listing shows a few short columns: reading every column of each row (the body among
    // them) was half the CPU of `ticket list --assignee X --open` on 764 tickets.
    if (q.listing) {
        prefixed = k_listing_columns;
    }
    // Qualify every column with t. so that the search join is unambiguous.
    if (!q.listing) {
        std::size_t start = 0;
        while (start < cols.size()) {
            std::size_t end = cols.find(',', start);
            if (end == std::string::npos) {
                end = cols.size();
            }
            prefixed += (prefixed.empty() ? "t." : ", t.") + cols.substr(start, end - start);
            start = end + 2;
        }
    }
    std::string sql = fmt::format("SELECT {} FROM {}{} ORDER BY {}", prefixed, from, where, order);
    if (q.limit > 0) {
        sql += fmt::format(" LIMIT {}", q.limit);
    }
    Statement st(db, sql);
    int n = 1;
    for (const auto& b : binds) {
        b(st, n);
    }
    std::vector<TicketRow> out;
    while (st.step()) {
        out.push_back(q.listing ? read_listing_row(st) : read_row(st));
    }
    return out;
}

void each_ticket(Database& db, const std::function<void(const TicketRow&)>& fn) {
    Statement q(db, fmt::format("SELECT {} FROM tickets ORDER BY id", k_columns));
    while (q.step()) {
        fn(read_row(q));
    }
}

std::vector<TicketRow> asset_ticket_summaries(Database& db, const std::string& tag,
                                              std::int64_t limit) {
    // `asset show` lists a few tickets: reading and preparing every column (the body among
    // them) cost more than the rest of its queries together. The columns of a listing do.
    Statement q(db, fmt::format("SELECT {} FROM tickets t WHERE t.asset = ? "
                                "ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
                                k_listing_columns));
    q.bind(1, tag);
    q.bind(2, static_cast<std::int64_t>(limit > 0 ? limit : -1));
    std::vector<TicketRow> out;
    while (q.step()) {
        out.push_back(read_listing_row(q));
    }
    return out;
}

std::vector<std::int64_t> open_ticket_ids(Database& db) {
    Statement q(db, "SELECT id FROM tickets WHERE is_open = 1 ORDER BY id");
    std::vector<std::int64_t> out;
    while (q.step()) {
        out.push_back(q.column(0).as_int64());
    }
    return out;
}

std::optional<std::int64_t> open_ticket_by_source(Database& db, const std::string& source) {
    auto& q = db.cached("SELECT id FROM tickets WHERE source = ? AND is_open = 1");
    q.bind(1, source);
    std::optional<std::int64_t> id;
    if (q.step()) {
        id = q.column(0).as_int64();
    }
    q.reset();
    return id;
}

std::map<std::string, std::int64_t> open_load_by_assignee(Database& db) {
    Statement q(db, "SELECT assignee, count(*) FROM tickets WHERE is_open = 1 AND assignee IS NOT NULL "
                    "GROUP BY assignee");
    std::map<std::string, std::int64_t> out;
    while (q.step()) {
        out[q.column(0).as_string()] = q.column(1).as_int64();
    }
    return out;
}

std::int64_t insert_comment(Database& db, const CommentRow& row) {
    Statement st(db, "INSERT INTO ticket_comments (ticket_id, at, author, body, internal, spent_secs) "
                     "VALUES (?, ?, ?, ?, ?, ?)");
    st.bind(1, static_cast<std::int64_t>(row.ticket_id));
    st.bind(2, static_cast<std::int64_t>(row.at));
    st.bind(3, row.author);
    st.bind(4, row.body);
    st.bind(5, row.internal ? 1 : 0);
    st.bind(6, static_cast<std::int64_t>(row.spent_secs));
    st.exec();
    const std::int64_t id = db.last_insert_id();
    Statement fts(db, db.connection().ticket_search_sql().append_comment);
    fts.bind(1, row.body);
    fts.bind(2, static_cast<std::int64_t>(row.ticket_id));
    fts.exec();
    return id;
}

std::vector<CommentRow> comments_of(Database& db, std::int64_t ticket_id) {
    Statement q(db, "SELECT id, ticket_id, at, author, body, internal, spent_secs FROM ticket_comments "
                    "WHERE ticket_id = ? ORDER BY id");
    q.bind(1, static_cast<std::int64_t>(ticket_id));
    std::vector<CommentRow> out;
    while (q.step()) {
        CommentRow c;
        c.id = q.column(0).as_int64();
        c.ticket_id = q.column(1).as_int64();
        c.at = q.column(2).as_int64();
        c.author = q.column(3).as_string();
        c.body = q.column(4).as_string();
        c.internal = q.column(5).as_int() != 0;
        c.spent_secs = q.column(6).as_int64();
        out.push_back(std::move(c));
    }
    return out;
}

bool insert_link(Database& db, const LinkRow& row) {
    Statement st(db, "INSERT INTO ticket_links (ticket_id, kind, target_id, created_at) "
                     "VALUES (?, ?, ?, ?) ON CONFLICT (ticket_id, kind, target_id) DO NOTHING");
    st.bind(1, static_cast<std::int64_t>(row.ticket_id));
    st.bind(2, row.kind);
    st.bind(3, static_cast<std::int64_t>(row.target_id));
    st.bind(4, static_cast<std::int64_t>(row.created_at));
    return st.exec() > 0;
}

bool delete_link(Database& db, const LinkRow& row) {
    Statement st(db, "DELETE FROM ticket_links WHERE ticket_id = ? AND kind = ? AND target_id = ?");
    st.bind(1, static_cast<std::int64_t>(row.ticket_id));
    st.bind(2, row.kind);
    st.bind(3, static_cast<std::int64_t>(row.target_id));
    return st.exec() > 0;
}

std::vector<LinkRow> links_of(Database& db, std::int64_t ticket_id) {
    Statement q(db, "SELECT ticket_id, kind, target_id, created_at FROM ticket_links "
                    "WHERE ticket_id = ?1 OR target_id = ?1 ORDER BY created_at, ticket_id");
    q.bind(1, static_cast<std::int64_t>(ticket_id));
    std::vector<LinkRow> out;
    while (q.step()) {
        out.push_back(LinkRow{q.column(0).as_int64(), q.column(1).as_string(), q.column(2).as_int64(),
                              q.column(3).as_int64()});
    }
    return out;
}

bool escalation_fired(Database& db, std::int64_t ticket_id, const std::string& clock, int step) {
    Statement q(db, "SELECT 1 FROM ticket_escalations WHERE ticket_id = ? AND clock = ? AND step = ?");
    q.bind(1, static_cast<std::int64_t>(ticket_id));
    q.bind(2, clock);
    q.bind(3, step);
    return q.step();
}

void mark_escalation(Database& db, std::int64_t ticket_id, const std::string& clock, int step, std::int64_t at) {
    Statement st(db, "INSERT INTO ticket_escalations (ticket_id, clock, step, fired_at) "
                     "VALUES (?, ?, ?, ?) ON CONFLICT (ticket_id, clock, step) DO NOTHING");
    st.bind(1, static_cast<std::int64_t>(ticket_id));
    st.bind(2, clock);
    st.bind(3, step);
    st.bind(4, static_cast<std::int64_t>(at));
    st.exec();
}

struct TicketBulkWriter::Statements {
    Statement ticket;
    Statement fts;
    Statement comment;
    explicit Statements(Database& db)
        : ticket(db, insert_sql()),
          fts(db, db.connection().ticket_search_sql().insert),
          comment(db, "INSERT INTO ticket_comments (ticket_id, at, author, body, internal, spent_secs) "
                      "VALUES (?, ?, ?, ?, ?, ?)") {}
};

TicketBulkWriter::TicketBulkWriter(Database& db, bool search_index)
    : m_db(db), m_st(std::make_unique<Statements>(db)), m_search_index(search_index) {}
TicketBulkWriter::~TicketBulkWriter() = default;

std::int64_t TicketBulkWriter::add_ticket(const TicketRow& row, const std::string& comments_text) {
    auto& st = m_st->ticket;
    st.reset();
    if (row.id > 0) {
        st.bind(1, static_cast<std::int64_t>(row.id));
    } else {
        st.bind(1);
    }
    bind_row(st, row, 2);
    st.exec();
    const std::int64_t id = m_db.last_insert_id();
    if (!m_search_index) {
        return id;
    }
    auto& fts = m_st->fts;
    fts.reset();
    fts.bind(1, static_cast<std::int64_t>(id));
    fts.bind_no_copy(2, row.title);
    fts.bind_no_copy(3, row.body);
    fts.bind_no_copy(4, comments_text);
    fts.exec();
    return id;
}

void TicketBulkWriter::add_comment(const CommentRow& row) {
    auto& st = m_st->comment;
    st.reset();
    st.bind(1, static_cast<std::int64_t>(row.ticket_id));
    st.bind(2, static_cast<std::int64_t>(row.at));
    st.bind(3, row.author);
    st.bind(4, row.body);
    st.bind(5, row.internal ? 1 : 0);
    st.bind(6, static_cast<std::int64_t>(row.spent_secs));
    st.exec();
}

// The chain is the one of events.cpp: its statements are cached on the connection, and the
// newest hash on the Database.
void TicketBulkWriter::add_event(const Event& event) {
    record_event(m_db, event);
}

const std::string& TicketBulkWriter::last_event_hash() {
    return store::last_event_hash(m_db);
}

void TicketBulkWriter::add_event(const Event& event, const std::string& fields_text) {
    record_event(m_db, event, fields_text);
}

void TicketBulkWriter::add_hashed_event(const Event& event, const std::string& fields_text, std::string hash) {
    record_hashed_event(m_db, event, fields_text, std::move(hash));
}

SearchIndexBulkLoad::SearchIndexBulkLoad(Database& db, std::int64_t bytes) : m_db(db) {
    m_before = db.connection().search_buffer();
    db.connection().set_search_buffer(std::to_string(bytes));
}

void SearchIndexBulkLoad::restore() {
    if (m_restored) {
        return;
    }
    // Back to the setting there was (or none), leaving the index's settings as they were.
    m_db.connection().set_search_buffer(m_before);
    m_restored = true;
}

} // namespace opsctl::store
