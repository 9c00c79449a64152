// The data behind bench/run: a deterministic (seeded) database at production scale, written
// straight into SQLite with prepared statements (never through the command line):
//
//   tickets      N (1,000,000) over five years before END: mixed types and priorities, 0-3
//                comments each, hash-chained events (created, assigned, commented, paused and
//                resumed through the workflow's pause states, resolved, closed), SLA columns
//   assets       N/10 (100,000) with custom fields and about five maintenance records each
//   inspect      N/200 runs (5,000) of 200 results each (1,000,000 results)
//   backup       N/100 runs (10,000) over the jobs of the sample policy
//   roster       the year before END: 20 overrides and 3 handovers a day
//
// Where the time goes (1,000,000 tickets): the trigram search index (~60 trigrams a ticket),
// the hash chain of ~7,000,000 events (SHA-256 each, strictly in order) and sorting the
// secondary indexes. SQLite writes one file from one connection at a time, so the two cores
// split the work by file:
//
//   main thread   draws every random number (one generator, so the data is the same bytes
//                 for a seed however the work is split), formats, hashes and appends the
//                 events to DB, writes the comments, assets, backups and the roster to DB,
//                 then sorts their indexes;
//   side thread   writes the tickets, the search index and the inspection results drawn by
//                 the main thread into a side file (DB.load), then sorts their indexes there.
//
// At the end DB takes the side file's tables whole: INSERT ... SELECT between identical
// tables copies records and index entries without decoding or sorting them again, and the
// search index's own (shadow) tables are copied as FTS5 wrote them. No journal, no fsync,
// one transaction per file (both are throwaway until the end); events are formatted and
// hashed without building JSON objects, with one SHA-256 context reused.
//
// usage: opsctl_bench_gen DB [TICKETS] [END_ISO_TIME] [SEED]
#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/store/database.hpp"
#include "lib/store/ticket_repo.hpp"
#include "lib/util/sha256.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <thread>
#include <utility>
#include <vector>

using namespace opsctl;

namespace {

constexpr std::int64_t k_day = 86400;

constexpr std::array k_people = {"zhangwei", "lina", "wangfang", "liuyang", "chenjing", "alice"};
// Incidents and requests dominate a service desk; bugs, changes and complaints are rarer.
constexpr std::array k_types = {"incident", "incident", "incident", "incident", "request", "request", "request",
                                "problem",  "change",   "bug",      "data-fix", "complaint"};
constexpr std::array k_priorities = {"P1", "P2", "P2", "P3", "P3", "P3", "P3", "P3", "P4", "P4", "P4", "P4"};
constexpr std::array k_subjects = {"数据库连接失败", "打印机卡纸", "邮件无法发送", "VPN 断线", "磁盘空间不足",
                                   "报表导出乱码", "账号被锁定", "网络延迟高", "备份任务失败", "系统登录缓慢",
                                   "disk full on /var", "cannot reach gateway", "password reset",
                                   "certificate expiring", "CPU load high", "需要安装软件", "会议室投影仪无信号",
                                   "门禁卡失效", "OA 审批流程卡住", "申请新员工账号"};
constexpr std::array k_places = {"财务部", "三楼", "机房A", "销售部", "HQ", "branch office", "仓库", "研发中心"};
constexpr std::array k_notes = {"已联系用户，正在排查", "restarted the service", "等待厂商回复", "更换了网线",
                                "escalated to network team", "已恢复，观察中", "远程协助处理完毕",
                                "root cause: expired certificate"};

struct ClassSpec {
    const char* cls;
    const char* prefix;
    int weight;
};
constexpr std::array<ClassSpec, 6> k_classes = {{{"server", "SRV", 20},
                                                 {"network", "NET", 10},
                                                 {"pc", "PC", 45},
                                                 {"terminal", "TRM", 15},
                                                 {"fire-equipment", "FIRE", 8},
                                                 {"meeting-room", "ROOM", 2}}};
constexpr std::array k_locations = {"机房A", "机房B", "办公区3F", "办公区4F", "会议楼", "库房"};
constexpr std::array k_maint_kinds = {"check", "check", "check", "clean", "clean", "repair", "upgrade", "other"};

constexpr std::array k_inspect_items = {"root-disk", "memory", "load", "swap", "ntp", "web-port", "cert", "log-errors"};
constexpr std::array k_backup_jobs = {"policy", "opsctl-db", "oa-files", "erp-db", "mail-archive"};

class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_gen(seed) {}
    std::size_t pick(std::size_t n) { return static_cast<std::size_t>(m_gen() % n); }
    std::int64_t upto(std::int64_t n) { return n > 0 ? static_cast<std::int64_t>(m_gen() % static_cast<std::uint64_t>(n)) : 0; }
    bool chance(int percent) { return pick(1000) < static_cast<std::size_t>(percent * 10); }

private:
    std::mt19937_64 m_gen;
};

template <typename A>
const char* one(Rng& rng, const A& a) {
    return a[rng.pick(a.size())];
}

std::string team_of(const std::string& type) {
    if (type == "request" || type == "complaint") {
        return "desk";
    }
    if (type == "bug" || type == "data-fix") {
        return "dev";
    }
    return "ops";
}

// Response and resolution targets of the sample sla policy (business seconds: 8.5 h a day).
std::pair<std::int64_t, std::int64_t> targets(const std::string& priority) {
    if (priority == "P1") {
        return {1800, 4 * 3600};
    }
    if (priority == "P2") {
        return {7200, 30600};
    }
    if (priority == "P3") {
        return {7200, 3 * 30600};
    }
    return {2 * 30600, 10 * 30600};
}

struct States {
    const char* initial;
    const char* working;
    const char* pause;
    const char* resolved;
};

States states_of(const std::string& type) {
    if (type == "change") {
        return {"requested", "implementing", "approval", "review"};
    }
    if (type == "bug") {
        return {"submitted", "fixing", nullptr, "customer-verification"};
    }
    return {"new", "in-progress", "waiting-customer", "resolved"};
}

// Drops the secondary indexes of `tables` but those in `keep`, and returns their CREATE
// statements: sorted once at the end instead of updated row by row.
std::vector<std::string> drop_indexes(SQLite::Database& db, const std::vector<std::string>& tables,
                                      const std::vector<std::string>& keep = {}) {
    std::vector<std::string> sql;
    std::vector<std::string> names;
    SQLite::Statement q(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                            "AND tbl_name = ?");
    for (const auto& t : tables) {
        q.reset();
        q.bind(1, t);
        while (q.executeStep()) {
            std::string name = q.getColumn(0).getString();
            if (std::find(keep.begin(), keep.end(), name) == keep.end()) {
                names.push_back(std::move(name));
                sql.push_back(q.getColumn(1).getString());
            }
        }
    }
    for (const auto& n : names) {
        db.exec("DROP INDEX \"" + n + "\"");
    }
    return sql;
}

// User and system time of the whole process: on a busy machine this, not the wall time,
// says how much work the load was.
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU time of the calling thread, to tell each thread's work from its waiting.
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Runs `fn` and reports its wall and thread CPU time on stderr.
template <typename F>
void step(const char* what, F&& fn) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_seconds();
    fn();
    std::cerr << fmt::format("  {:<28} {:6.1f} s ({:.1f} s CPU)\n", what, seconds_since(t0),
                             thread_cpu_seconds() - c0);
}

// A bulk load into a throwaway file: no rollback journal, no fsync, a big page cache (which
// also lets CREATE INDEX sort in memory), one lock held throughout. For DB's own connection
// and for the side file's opsctl connection alike.
template <typename Connection>
void bulk_pragmas(Connection& db) {
    db.exec("PRAGMA journal_mode = OFF");
    db.exec("PRAGMA synchronous = OFF");
    db.exec("PRAGMA locking_mode = EXCLUSIVE");
    db.exec("PRAGMA cache_size = -400000");
    db.exec("PRAGMA temp_store = MEMORY");
    db.exec("PRAGMA foreign_keys = OFF");
}

void check(SQLite::Database& db, int rc) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        throw SQLite::Exception(db.getHandle(), rc);
    }
}

struct Counts {
    std::int64_t tickets = 0, comments = 0, events = 0, assets = 0, maintenance = 0, runs = 0, results = 0,
                 backups = 0, overrides = 0, handovers = 0;
};

// The `fields` text of an event, exactly as store::record_event() stores it
// (nlohmann::json::dump() of an object: keys in sorted order, no spaces, UTF-8 kept). Callers
// add the keys in sorted order.
class Fields {
public:
    Fields& begin() {
        m_text.assign("{");
        return *this;
    }
    Fields& text(std::string_view key, std::string_view value) {
        add_key(key);
        add_string(value);
        return *this;
    }
    // ["from","to"]; a null `from` is JSON null.
    Fields& change(std::string_view key, const char* from, std::string_view to) {
        add_key(key);
        m_text += '[';
        if (from) {
            add_string(from);
        } else {
            m_text += "null";
        }
        m_text += ',';
        add_string(to);
        m_text += ']';
        return *this;
    }
    Fields& number(std::string_view key, std::int64_t value) {
        add_key(key);
        m_text += std::to_string(value);
        return *this;
    }
    Fields& flag(std::string_view key, bool value) {
        add_key(key);
        m_text += value ? "true" : "false";
        return *this;
    }
    const std::string& end() {
        m_text += '}';
        return m_text;
    }

private:
    void add_key(std::string_view key) {
        if (m_text.size() > 1) {
            m_text += ',';
        }
        add_string(key);
        m_text += ':';
    }
    // nlohmann's escaping: quote, backslash and control characters; other bytes as they are.
    void add_string(std::string_view s) {
        m_text += '"';
        for (const char ch : s) {
            const auto c = static_cast<unsigned char>(ch);
            switch (c) {
            case '"': m_text += "\\\""; break;
            case '\\': m_text += "\\\\"; break;
            case '\b': m_text += "\\b"; break;
            case '\f': m_text += "\\f"; break;
            case '\n': m_text += "\\n"; break;
            case '\r': m_text += "\\r"; break;
            case '\t': m_text += "\\t"; break;
            default:
                if (c < 0x20) {
                    m_text += fmt::format("\\u{:04x}", c);
                } else {
                    m_text += ch;
                }
            }
        }
        m_text += '"';
    }

    std::string m_text;
};

// Appends events to the hash chain as store::record_event() does (same content hashed, same
// columns), with one statement and one SHA-256 for all of them.
class EventChain {
public:
    explicit EventChain(SQLite::Database& db) : m_db(db) {
        // The C interface: bound without copies, no per-call wrapper checks.
        check(db, sqlite3_prepare_v2(db.getHandle(),
                                     "INSERT INTO events (at, actor, entity, entity_id, action, fields, prev_hash, "
                                     "hash) VALUES (?, 'bench', ?, ?, ?, ?, ?, ?)",
                                     -1, &m_insert, nullptr));
        SQLite::Statement last(db, "SELECT hash FROM events ORDER BY id DESC LIMIT 1");
        if (last.executeStep()) {
            m_prev = last.getColumn(0).getString();
        }
        m_text.reserve(1024);
    }
    ~EventChain() {
        sqlite3_finalize(m_insert);
    }
    EventChain(const EventChain&) = delete;
    EventChain& operator=(const EventChain&) = delete;

    void append(std::int64_t at, std::string_view entity, std::string_view entity_id, std::string_view action,
                std::string_view fields) {
        // store::event_hash(): the previous hash and the columns joined with U+001F.
        m_text.assign(m_prev);
        m_text += '\x1f';
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, at);
        m_text.append(digits, r.ptr);
        m_text += "\x1f"
                  "bench\x1f";
        m_text += entity;
        m_text += '\x1f';
        m_text += entity_id;
        m_text += '\x1f';
        m_text += action;
        m_text += '\x1f';
        m_text += fields;
        m_sha.update(m_text);
        m_hash = m_sha.hex();
        sqlite3_stmt* st = m_insert;
        sqlite3_bind_int64(st, 1, at);
        sqlite3_bind_text(st, 2, entity.data(), static_cast<int>(entity.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 3, entity_id.data(), static_cast<int>(entity_id.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 4, action.data(), static_cast<int>(action.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 5, fields.data(), static_cast<int>(fields.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 6, m_prev.data(), static_cast<int>(m_prev.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 7, m_hash.data(), static_cast<int>(m_hash.size()), SQLITE_STATIC);
        const int rc = sqlite3_step(st);
        sqlite3_reset(st);
        check(m_db, rc);
        std::swap(m_prev, m_hash);
    }

    // The newest event's hash.
    const std::string& head() const { return m_prev; }

private:
    SQLite::Database& m_db;
    sqlite3_stmt* m_insert = nullptr;
    util::Sha256 m_sha;
    std::string m_text, m_prev, m_hash;
};

// Comments go straight into DB (the tickets they belong to come with the side file).
class CommentWriter {
public:
    explicit CommentWriter(SQLite::Database& db) : m_db(db) {
        check(db, sqlite3_prepare_v2(db.getHandle(),
                                     "INSERT INTO ticket_comments (ticket_id, at, author, body, internal, spent_secs) "
                                     "VALUES (?, ?, ?, ?, ?, ?)",
                                     -1, &m_insert, nullptr));
    }
    ~CommentWriter() { sqlite3_finalize(m_insert); }
    CommentWriter(const CommentWriter&) = delete;
    CommentWriter& operator=(const CommentWriter&) = delete;

    void add(const store::CommentRow& c) {
        sqlite3_stmt* st = m_insert;
        sqlite3_bind_int64(st, 1, c.ticket_id);
        sqlite3_bind_int64(st, 2, c.at);
        sqlite3_bind_text(st, 3, c.author.data(), static_cast<int>(c.author.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c.body.data(), static_cast<int>(c.body.size()), SQLITE_STATIC);
        sqlite3_bind_int(st, 5, c.internal ? 1 : 0);
        sqlite3_bind_int64(st, 6, c.spent_secs);
        const int rc = sqlite3_step(st);
        sqlite3_reset(st);
        check(m_db, rc);
    }

private:
    SQLite::Database& m_db;
    sqlite3_stmt* m_insert = nullptr;
};

// One inspection run as the generating thread draws it: 200 results, 8 items on 25 hosts.
struct InspectRun {
    std::int64_t id = 0, started = 0;
    int worst = 0;
    std::array<std::uint8_t, 200> status{}, pct{};
    std::array<std::uint16_t, 200> duration_ms{};
};

// Records handed from the generating thread to the side thread.
struct SideBatch {
    std::vector<store::TicketRow> tickets;
    std::vector<std::string> comment_texts; // each ticket's comments as its search entry has them
    std::vector<InspectRun> inspect_runs;
};

// Writes inspection runs and their results as `opsctl inspect run` stores them.
class InspectWriter {
public:
    explicit InspectWriter(store::Database& sql)
        : m_run(sql, "INSERT INTO inspect_runs (id, checklist, started_at, finished_at, status, target_count, "
                     "item_count, pending_count, actor) VALUES (?, 'daily', ?, ?, ?, 25, 200, 0, 'cron')"),
          m_result(sql, "INSERT INTO inspect_results (run_id, checklist, item, kind, target, status, message, "
                        "perfdata, duration_ms) VALUES (?, 'daily', ?, ?, ?, ?, ?, ?, ?)") {}

    void add(const InspectRun& r) {
        m_run.bind(1, static_cast<std::int64_t>(r.id));
        m_run.bind(2, static_cast<std::int64_t>(r.started));
        m_run.bind(3, static_cast<std::int64_t>(r.started + 20));
        m_run.bind(4, r.worst);
        m_run.exec();
        m_run.reset();
        std::string target, message, perfdata;
        for (std::size_t i = 0; i < r.status.size(); ++i) {
            const char* item = k_inspect_items[i % k_inspect_items.size()];
            const int pct = r.pct[i];
            target.clear();
            fmt::format_to(std::back_inserter(target), "host-{:02}", i / 8);
            message.clear();
            fmt::format_to(std::back_inserter(message), "{} {}% used", item, pct);
            perfdata.clear();
            fmt::format_to(std::back_inserter(perfdata), "used={}%;90;97", pct);
            m_result.bind(1, static_cast<std::int64_t>(r.id));
            m_result.bind_no_copy(2, item);
            m_result.bind_no_copy(3, i % 8 == 5 ? "tcp" : i % 8 == 6 ? "cert" : i % 8 == 7 ? "log" : "disk");
            m_result.bind_no_copy(4, target);
            m_result.bind(5, static_cast<int>(r.status[i]));
            m_result.bind_no_copy(6, message);
            m_result.bind_no_copy(7, perfdata);
            m_result.bind(8, static_cast<int>(r.duration_ms[i]));
            m_result.exec();
            m_result.reset();
        }
    }

private:
    store::Statement m_run, m_result;
};

// The side thread: tickets, comments, the search index and the inspection results into the
// side file, then their indexes there.
class SideWriter {
public:
    // `indexes`: the CREATE statements of the side file's indexes, dropped for the load.
    SideWriter(store::Database& side, std::vector<std::string> indexes) : m_side(side), m_indexes(std::move(indexes)) {
        m_thread = std::thread([this] { run(); });
    }
    ~SideWriter() {
        if (m_thread.joinable()) {
            close();
            m_thread.join();
        }
    }
    SideWriter(const SideWriter&) = delete;
    SideWriter& operator=(const SideWriter&) = delete;

    // Queues a batch; waits while the thread is far behind (memory stays bounded).
    void push(SideBatch&& batch) {
        std::unique_lock lock(m_mutex);
        m_space.wait(lock, [&] { return m_queue.size() < 32 || m_failed; });
        if (m_failed) {
            return; // finish() reports the error
        }
        m_queue.push_back(std::move(batch));
        m_ready.notify_one();
    }

    // Waits for the thread (rows, indexes); returns its CPU seconds.
    double finish() {
        close();
        m_thread.join();
        if (m_error) {
            std::rethrow_exception(m_error);
        }
        return m_cpu;
    }

private:
    void close() {
        std::lock_guard lock(m_mutex);
        m_done = true;
        m_ready.notify_one();
    }

    void run() {
        try {
            auto& sql = m_side;
            bulk_pragmas(sql);
            const std::vector<std::string>& indexes = m_indexes;
            // FTS5 gathers terms in memory and writes a segment when this much is pending
            // (1 MB by default): fewer, larger segments mean far less merging. The setting is
            // left behind in this file only.
            sql.exec("INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('hashsize', 256000000)");
            const double c0 = thread_cpu_seconds();
            sql.exec("BEGIN");
            double rows_cpu = 0, inspect_cpu = 0;
            {
                // The search entries go in per batch, after the batch's rows.
                store::TicketBulkWriter writer(m_side, false);
                store::Statement fts(sql, "INSERT INTO tickets_fts (rowid, title, body, comments) VALUES (?, ?, ?, ?)");
                InspectWriter inspect(sql);
                for (;;) {
                    SideBatch b;
                    {
                        std::unique_lock lock(m_mutex);
                        m_ready.wait(lock, [&] { return !m_queue.empty() || m_done; });
                        if (m_queue.empty()) {
                            break;
                        }
                        b = std::move(m_queue.front());
                        m_queue.pop_front();
                        m_space.notify_one();
                    }
                    const double r0 = thread_cpu_seconds();
                    for (const auto& t : b.tickets) {
                        writer.add_ticket(t);
                    }
                    rows_cpu += thread_cpu_seconds() - r0;
                    for (std::size_t i = 0; i < b.tickets.size(); ++i) {
                        fts.bind(1, static_cast<std::int64_t>(b.tickets[i].id));
                        fts.bind_no_copy(2, b.tickets[i].title);
                        fts.bind_no_copy(3, b.tickets[i].body);
                        fts.bind_no_copy(4, b.comment_texts[i]);
                        fts.exec();
                        fts.reset();
                    }
                    const double i0 = thread_cpu_seconds();
                    for (const auto& r : b.inspect_runs) {
                        inspect.add(r);
                    }
                    inspect_cpu += thread_cpu_seconds() - i0;
                }
            }
            sql.exec("COMMIT");
            const double c1 = thread_cpu_seconds();
            sql.exec("BEGIN");
            for (const auto& s : indexes) {
                sql.exec(s.c_str());
            }
            sql.exec("COMMIT");
            m_cpu = thread_cpu_seconds();
            std::cerr << fmt::format("  side thread: tickets {:.1f} s, search index {:.1f} s, inspect {:.1f} s, "
                                     "indexes {:.1f} s (CPU)\n",
                                     rows_cpu, c1 - c0 - rows_cpu - inspect_cpu, inspect_cpu, m_cpu - c1);
        } catch (...) {
            m_error = std::current_exception();
            std::lock_guard lock(m_mutex);
            m_failed = true;
            m_queue.clear();
            m_space.notify_all();
        }
    }

    store::Database& m_side;
    std::vector<std::string> m_indexes;
    std::deque<SideBatch> m_queue;
    std::mutex m_mutex;
    std::condition_variable m_ready, m_space;
    bool m_done = false, m_failed = false;
    double m_cpu = 0;
    std::exception_ptr m_error;
    std::thread m_thread;
};

void gen_tickets(SideWriter& writer, EventChain& chain, CommentWriter& comments, Rng& rng, std::int64_t count, std::int64_t end,
                 Counts& n) {
    const std::int64_t span = 5 * 365 * k_day;
    const std::int64_t assets = std::max<std::int64_t>(count / 10, 10);
    constexpr std::size_t k_batch = 1000;
    SideBatch batch;
    Fields f;
    std::string id;
    for (std::int64_t i = 0; i < count; ++i) {
        // Creation times in order, so that rows sit in date order as real ones do.
        const std::int64_t created = end - span + span * i / count + rng.upto(600);
        store::TicketRow r;
        r.id = i + 1;
        r.type = one(rng, k_types);
        r.priority = one(rng, k_priorities);
        const States s = states_of(r.type);
        r.title = fmt::format("{} ({})", one(rng, k_subjects), one(rng, k_places));
        r.body = fmt::format("用户报告：{}。工单 #{} 来自 {}，联系电话 1380000{:04}。", r.title, r.id, one(rng, k_places),
                             rng.upto(10000));
        r.team = team_of(r.type);
        r.assignee = std::string(one(rng, k_people));
        r.reporter = std::string(one(rng, k_places));
        if (rng.pick(3) == 0) {
            r.asset = fmt::format("SRV-{:04}", 1 + rng.upto(assets / 5));
        }
        if (r.type == "complaint") {
            r.complaint_type = "响应慢";
        }
        r.created_at = created;
        r.responded_at = created + 300 + rng.upto(7200);
        const auto [response, resolution] = targets(r.priority);
        r.sla_rule = r.priority == "P1" ? "major" : r.priority == "P2" ? "high" : r.priority == "P3" ? "normal" : "low";
        r.sla_clock = r.priority == "P1" ? "24x7" : "business";
        r.response_target_secs = response;
        r.resolution_target_secs = resolution;
        r.response_due_at = created + response * 3;
        r.resolution_due_at = created + resolution * 3;
        r.response_business_secs = (*r.responded_at - created) / 2;
        r.response_clock_secs = r.response_business_secs;
        r.response_breached = r.response_business_secs > response;
        // The last month still has open work; older tickets are closed, but for a few
        // forgotten ones.
        const bool open = (end - created < 30 * k_day && rng.pick(4) == 0) || rng.pick(2000) == 0;
        const bool paused = s.pause && rng.pick(7) == 0;
        r.is_open = open;

        id = std::to_string(r.id);
        chain.append(created, "ticket", id, "created",
                     f.begin()
                         .text("priority", r.priority)
                         .text("status", s.initial)
                         .text("team", *r.team)
                         .text("title", r.title)
                         .text("type", r.type)
                         .end());
        chain.append(*r.responded_at, "ticket", id, "assigned", f.begin().change("assignee", nullptr, *r.assignee).end());
        chain.append(*r.responded_at + 60, "ticket", id, "moved", f.begin().change("status", s.initial, s.working).end());
        n.events += 3;
        std::int64_t t = *r.responded_at + 60;
        if (paused) {
            // Waiting on the customer (or the approval board) for up to two days.
            const std::int64_t wait = 3600 + rng.upto(2 * k_day);
            chain.append(t + 1800, "ticket", id, "moved",
                         f.begin().text("note", "等待用户确认").change("status", s.working, s.pause).end());
            chain.append(t + 1800 + wait, "ticket", id, "moved", f.begin().change("status", s.pause, s.working).end());
            r.paused_secs = wait;
            t += 1800 + wait;
            n.events += 2;
        }
        std::string comment_text;
        const std::size_t n_comments = rng.pick(4);
        for (std::size_t c = 0; c < n_comments; ++c) {
            store::CommentRow cr;
            cr.ticket_id = r.id;
            cr.at = t + static_cast<std::int64_t>(c + 1) * 900;
            cr.author = *r.assignee;
            cr.body = one(rng, k_notes);
            cr.internal = rng.pick(4) == 0;
            cr.spent_secs = 900 * static_cast<std::int64_t>(1 + rng.pick(4));
            comment_text += cr.body + "\n";
            r.spent_secs += cr.spent_secs;
            chain.append(cr.at, "ticket", id, "commented",
                         f.begin().flag("internal", cr.internal).number("spent_secs", cr.spent_secs).end());
            ++n.events;
            comments.add(cr);
            ++n.comments;
        }
        t += static_cast<std::int64_t>(n_comments + 1) * 900;
        if (open) {
            r.status = s.working;
            r.sla_order = *r.resolution_due_at + r.paused_secs;
            r.updated_at = t;
        } else {
            r.resolved_at = t + 3600 + rng.upto(4 * k_day);
            r.closed_at = *r.resolved_at + 3600 + rng.upto(k_day);
            r.status = "closed";
            r.updated_at = *r.closed_at;
            r.resolution = "已处理";
            r.resolution_business_secs = (*r.resolved_at - created - r.paused_secs) / 3;
            r.resolution_clock_secs = r.resolution_business_secs;
            r.resolution_breached = r.resolution_business_secs > resolution;
            if (rng.pick(2) == 0) {
                r.satisfaction = 3 + rng.upto(3);
            }
            chain.append(*r.resolved_at, "ticket", id, "resolved",
                         f.begin().text("resolution", *r.resolution).change("status", s.working, s.resolved).end());
            chain.append(*r.closed_at, "ticket", id, "closed", f.begin().change("status", s.resolved, "closed").end());
            n.events += 2;
        }
        batch.tickets.push_back(std::move(r));
        batch.comment_texts.push_back(std::move(comment_text));
        ++n.tickets;
        if (batch.tickets.size() == k_batch) {
            writer.push(std::move(batch));
            batch = SideBatch{};
        }
    }
    writer.push(std::move(batch));
}

void gen_assets(SQLite::Database& sql, EventChain& chain, Rng& rng, std::int64_t count, std::int64_t end, Counts& n) {
    SQLite::Statement asset(sql, "INSERT INTO assets (tag, class, name, model, serial, owner, location, address, status, "
                                 "purchased, warranty_until, created_at, updated_at) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::Statement field(sql, "INSERT INTO asset_fields (tag, key, value) VALUES (?, ?, ?)");
    SQLite::Statement maint(sql, "INSERT INTO asset_maintenance (tag, kind, at, note, result, spent_secs, cost, actor, "
                                 "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::Statement seq(sql, "INSERT INTO asset_tag_seq (prefix, last) VALUES (?, ?) "
                               "ON CONFLICT (prefix) DO UPDATE SET last = excluded.last");
    std::array<std::int64_t, k_classes.size()> numbers{};
    int total_weight = 0;
    for (const auto& c : k_classes) {
        total_weight += c.weight;
    }
    auto add_field = [&](const std::string& tag, const char* key, const std::string& value) {
        field.reset();
        field.bind(1, tag);
        field.bind(2, key);
        field.bind(3, value);
        field.exec();
    };
    Fields fields;
    for (std::int64_t i = 0; i < count; ++i) {
        int w = static_cast<int>(rng.pick(static_cast<std::size_t>(total_weight)));
        std::size_t k = 0;
        while (w >= k_classes[k].weight) {
            w -= k_classes[k].weight;
            ++k;
        }
        const ClassSpec& c = k_classes[k];
        const std::string tag = fmt::format("{}-{:04}", c.prefix, ++numbers[k]);
        const int year = 2019 + static_cast<int>(rng.pick(8));
        const std::string purchased = fmt::format("{}-{:02}-{:02}", year, 1 + rng.pick(12), 1 + rng.pick(28));
        const std::int64_t created = end - 5 * 365 * k_day + (5 * 365 * k_day) * i / count;
        const std::string owner = one(rng, k_people);
        const std::string status = rng.pick(20) == 0 ? "in_stock" : "in_use";
        asset.reset();
        asset.bind(1, tag);
        asset.bind(2, c.cls);
        asset.bind(3, fmt::format("{} {}", c.cls, numbers[k]));
        asset.bind(4, fmt::format("M{}", rng.pick(50)));
        asset.bind(5, fmt::format("SN{:08}", i));
        asset.bind(6, owner);
        asset.bind(7, one(rng, k_locations));
        asset.bind(8, k == 0 || k == 1 ? fmt::format("10.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256) : "");
        asset.bind(9, status);
        asset.bind(10, purchased);
        asset.bind(11, fmt::format("{}-{}", year + 3, purchased.substr(5)));
        asset.bind(12, static_cast<std::int64_t>(created));
        asset.bind(13, static_cast<std::int64_t>(created));
        asset.exec();
        if (k == 0) {
            add_field(tag, "cpu", "2x Xeon");
            add_field(tag, "memory_gb", std::to_string(64 << rng.pick(3)));
            add_field(tag, "os", "linux");
            add_field(tag, "rack", fmt::format("A{}", i % 40));
        } else if (k == 1 || k == 3 || k == 4) {
            add_field(tag, "kind", k == 1 ? "switch" : k == 3 ? "pos" : "extinguisher");
        } else if (k == 2) {
            add_field(tag, "memory_gb", "16");
            add_field(tag, "laptop", rng.pick(2) ? "true" : "false");
        } else {
            add_field(tag, "capacity", std::to_string(10 + rng.pick(90)));
            add_field(tag, "projectors", "1");
        }
        chain.append(created, "asset", tag, "created",
                     fields.begin().text("class", c.cls).text("owner", owner).text("status", status).end());
        ++n.events;
        // About five records each, spread from creation to the end.
        const std::size_t records = 2 + rng.pick(7);
        for (std::size_t m = 0; m < records; ++m) {
            const std::int64_t at = created + (end - created) * static_cast<std::int64_t>(m + 1) /
                                                  static_cast<std::int64_t>(records + 1);
            maint.reset();
            maint.bind(1, tag);
            maint.bind(2, one(rng, k_maint_kinds));
            maint.bind(3, static_cast<std::int64_t>(at));
            maint.bind(4, "例行检查，清洁除尘");
            maint.bind(5, "正常");
            maint.bind(6, static_cast<std::int64_t>(900 * (1 + rng.pick(4))));
            if (rng.pick(5) == 0) {
                maint.bind(7, 50.0 * static_cast<double>(1 + rng.pick(20)));
            } else {
                maint.bind(7);
            }
            maint.bind(8, one(rng, k_people));
            maint.bind(9, static_cast<std::int64_t>(at));
            maint.exec();
            ++n.maintenance;
        }
        ++n.assets;
    }
    for (std::size_t k = 0; k < k_classes.size(); ++k) {
        seq.reset();
        seq.bind(1, k_classes[k].prefix);
        seq.bind(2, static_cast<std::int64_t>(numbers[k]));
        seq.exec();
    }
}

void gen_inspect(SideWriter& side, Rng& rng, std::int64_t runs, std::int64_t end, Counts& n) {
    // Hourly runs of 200 results (8 items on 25 hosts), the newest ending at END.
    SideBatch batch;
    for (std::int64_t r = 0; r < runs; ++r) {
        InspectRun& run = batch.inspect_runs.emplace_back();
        run.id = r + 1;
        run.started = end - (runs - r) * 3600;
        for (auto& s : run.status) {
            s = rng.pick(50) == 0 ? 1 : rng.pick(400) == 0 ? 2 : 0;
            run.worst = std::max<int>(run.worst, s);
        }
        for (std::size_t i = 0; i < run.status.size(); ++i) {
            run.pct[i] = static_cast<std::uint8_t>(30 + rng.pick(60));
            run.duration_ms[i] = static_cast<std::uint16_t>(rng.pick(300));
            ++n.results;
        }
        ++n.runs;
        if (batch.inspect_runs.size() == 50) {
            side.push(std::move(batch));
            batch = SideBatch{};
        }
    }
    side.push(std::move(batch));
}

void gen_backup(SQLite::Database& sql, Rng& rng, std::int64_t runs, std::int64_t end, Counts& n) {
    SQLite::Statement run(sql, "INSERT INTO backup_runs (job, kind, started_at, finished_at, status, size_bytes, "
                                    "source_bytes, files, sha256, path, error, actor) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'cron')");
    const std::int64_t jobs = static_cast<std::int64_t>(k_backup_jobs.size());
    for (std::int64_t r = 0; r < runs; ++r) {
        // Each job once a day, going back as far as the count reaches.
        const std::int64_t day = (runs - r + jobs - 1) / jobs;
        const char* job = k_backup_jobs[static_cast<std::size_t>(r % jobs)];
        const std::int64_t started = end - day * k_day + 2 * 3600 + (r % jobs) * 600;
        const bool ok = rng.pick(100) != 0;
        const std::int64_t size = 100000000 + rng.upto(50000000);
        run.reset();
        run.bind(1, job);
        run.bind(2, r % jobs == 1 || r % jobs == 3 ? "database" : "archive");
        run.bind(3, static_cast<std::int64_t>(started));
        run.bind(4, static_cast<std::int64_t>(started + 60 + rng.upto(600)));
        run.bind(5, ok ? "success" : "failed");
        if (ok) {
            run.bind(6, static_cast<std::int64_t>(size));
            run.bind(7, static_cast<std::int64_t>(size * 3));
            run.bind(8, static_cast<std::int64_t>(1000 + rng.upto(5000)));
            run.bind(9, fmt::format("{:016x}{:016x}{:016x}{:016x}", rng.upto(INT64_MAX), rng.upto(INT64_MAX),
                                    rng.upto(INT64_MAX), rng.upto(INT64_MAX)));
            run.bind(10, fmt::format("/srv/backup/{}/{}-{}.tar.zst", job, job, started));
            run.bind(11);
        } else {
            run.bind(6);
            run.bind(7);
            run.bind(8);
            run.bind(9);
            run.bind(10);
            run.bind(11, "tar: source vanished");
        }
        run.exec();
        ++n.backups;
    }
}

void gen_roster(SQLite::Database& sql, Rng& rng, std::int64_t end, Counts& n) {
    SQLite::Statement over(sql, "INSERT INTO roster_overrides (rotation, person, replaces, starts_at, ends_at, note, "
                                "created_at, created_by) VALUES (?, ?, NULL, ?, ?, '调班', ?, 'bench')");
    SQLite::Statement hand(sql, "INSERT INTO roster_handovers (at, rotation, from_person, to_person, note, snapshot, "
                                "open_tickets) VALUES (?, 'ops-oncall', ?, ?, '交接', ?, ?)");
    constexpr std::array k_rotations = {"ops-primary", "ops-oncall", "desk"};
    const std::int64_t first_day = (end / k_day - 365) * k_day - 8 * 3600; // local midnight, UTC+8
    for (std::int64_t d = 0; d < 365; ++d) {
        const std::int64_t day = first_day + d * k_day;
        for (int i = 0; i < 20; ++i) {
            const std::int64_t start = day + 9 * 3600 + i * 1200;
            over.reset();
            over.bind(1, k_rotations[static_cast<std::size_t>(i) % k_rotations.size()]);
            over.bind(2, one(rng, k_people));
            over.bind(3, static_cast<std::int64_t>(start));
            over.bind(4, static_cast<std::int64_t>(start + 3600));
            over.bind(5, static_cast<std::int64_t>(day - k_day));
            over.exec();
            ++n.overrides;
        }
        for (const std::int64_t at : {day + 9 * 3600, day + 17 * 3600 + 1800, day + 22 * 3600}) {
            hand.reset();
            hand.bind(1, static_cast<std::int64_t>(at));
            hand.bind(2, one(rng, k_people));
            hand.bind(3, one(rng, k_people));
            hand.bind(4, R"({"tickets":[{"id":1,"summary":"#1 P1 数据库连接失败"}]})");
            hand.bind(5, static_cast<std::int64_t>(rng.pick(30)));
            hand.exec();
            ++n.handovers;
        }
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: opsctl_bench_gen DB [TICKETS] [END_ISO_TIME] [SEED]\n";
        return 64;
    }
    // Before SQLite starts: no allocation statistics, whose global mutex every malloc takes.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    try {
        const std::int64_t tickets = argc > 2 ? std::atoll(argv[2]) : 1000000;
        const core::Zone zone("Asia/Shanghai");
        const std::int64_t end = argc > 3 ? core::parse_time_or_throw(argv[3], zone, "END") : core::now();
        const std::uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 42;
        const auto started = std::chrono::steady_clock::now();
        const std::string path = argv[1];
        const std::string side_path = path + ".load";
        std::filesystem::remove(side_path);
        // Both files get opsctl's schema (created or migrated as any command would); after
        // that DB is written through a connection of its own, without the per-call locking
        // a connection shared between threads needs.
        store::Database::open(path).reset();
        SQLite::Database sql(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
        bulk_pragmas(sql);
        auto side = store::Database::open(side_path);
        // The side file's secondary indexes go before its load (sorted once at its end), through
        // a connection of their own: the opsctl one only runs statements.
        std::vector<std::string> side_indexes;
        {
            SQLite::Database side_sql(side_path, SQLite::OPEN_READWRITE);
            side_indexes = drop_indexes(side_sql, {"tickets", "inspect_runs", "inspect_results"});
        }
        const std::vector<std::string> tables = {"assets", "asset_fields", "asset_maintenance", "asset_tag_seq",
                                                 "backup_runs", "ticket_comments",
                                                 "roster_overrides", "roster_handovers", "events"};
        // Events arrive nearly in time order: each entry of events_at lands in the last few
        // pages of the index, cheaper than sorting 7,000,000 entries at the end.
        const std::vector<std::string> indexes = drop_indexes(sql, tables, {"events_at"});
        Rng rng(seed);
        Counts n;
        SideWriter writer(*side, std::move(side_indexes));
        {
            EventChain chain(sql);
            CommentWriter comments(sql);
            sql.exec("BEGIN");
            step("tickets, events", [&] { gen_tickets(writer, chain, comments, rng, tickets, end, n); });
            step("assets", [&] { gen_assets(sql, chain, rng, tickets / 10, end, n); });
            step("inspect", [&] { gen_inspect(writer, rng, std::max<std::int64_t>(tickets / 200, 1), end, n); });
            step("backup", [&] { gen_backup(sql, rng, std::max<std::int64_t>(tickets / 100, 1), end, n); });
            step("roster", [&] { gen_roster(sql, rng, end, n); });
            // The chain's head, as WriteTransaction::commit() keeps it.
            sql.exec("INSERT INTO meta (key, value) SELECT 'events_head', id || ' ' || hash FROM events WHERE true "
                     "ORDER BY id DESC LIMIT 1 ON CONFLICT (key) DO UPDATE SET value = excluded.value");
            sql.exec("COMMIT");
        }
        step("indexes", [&] {
            sql.exec("BEGIN");
            for (const auto& s : indexes) {
                sql.exec(s);
            }
            sql.exec("COMMIT");
        });
        step("waiting for the side thread", [&] { writer.finish(); });
        side.reset();
        step("copy", [&] {
            sql.exec(fmt::format("ATTACH '{}' AS load", side_path));
            sql.exec("BEGIN");
            // Identical tables, the target empty: SQLite copies the records and the (already
            // sorted) index entries as they are.
            sql.exec("INSERT INTO main.tickets SELECT * FROM load.tickets");
            sql.exec("INSERT INTO main.inspect_runs SELECT * FROM load.inspect_runs");
            sql.exec("INSERT INTO main.inspect_results SELECT * FROM load.inspect_results");
            // The search index as FTS5 built it in the side file: its shadow tables hold the
            // whole of it (the same table definition on both sides).
            for (const char* t : {"data", "idx", "content", "docsize"}) {
                sql.exec(fmt::format("DELETE FROM main.tickets_fts_{0}", t));
                sql.exec(fmt::format("INSERT INTO main.tickets_fts_{0} SELECT * FROM load.tickets_fts_{0}", t));
            }
            sql.exec("INSERT OR REPLACE INTO main.tickets_fts_config SELECT * FROM load.tickets_fts_config "
                     "WHERE k <> 'hashsize'");
            sql.exec("COMMIT");
            sql.exec("DETACH load");
            std::filesystem::remove(side_path);
        });
        sql.exec("PRAGMA locking_mode = NORMAL");
        sql.exec("PRAGMA journal_mode = WAL");
        std::cout << fmt::format("generated {} tickets ({} comments), {} events, {} assets ({} maintenance records), "
                                 "{} inspect runs ({} results), {} backup runs, {} roster overrides, {} handovers "
                                 "in {:.1f} s ({:.1f} s of CPU)\n",
                                 n.tickets, n.comments, n.events, n.assets, n.maintenance, n.runs, n.results,
                                 n.backups, n.overrides, n.handovers, seconds_since(started), cpu_seconds());
        return 0;
    } catch (const Error& e) {
        std::cerr << "opsctl_bench_gen: " << e.what() << '\n';
        return e.status();
    } catch (const std::exception& e) {
        std::cerr << "opsctl_bench_gen: " << e.what() << '\n';
        return 1;
    }
}
