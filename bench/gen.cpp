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
// Two cores, two writers: a second thread appends the hash-chained events and fills the
// search index straight into DB, while the main thread writes every other table into a
// side file (DB.load) that is copied in at the end (INSERT ... SELECT copies records without
// decoding them). Secondary indexes are built once at the end, as a restore does. That is
// what keeps 1,000,000 tickets under two minutes on two cores.
//
// usage: opsctl_bench_gen DB [TICKETS] [END_ISO_TIME] [SEED]
#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/store/database.hpp"
#include "lib/store/events.hpp"
#include "lib/store/ticket_repo.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <sys/resource.h>
#include <thread>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
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

// Drops the secondary indexes of `tables` and returns their CREATE statements.
std::vector<std::string> drop_indexes(SQLite::Database& db, const std::vector<std::string>& tables) {
    std::vector<std::string> sql;
    std::vector<std::string> names;
    SQLite::Statement q(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                            "AND tbl_name = ?");
    for (const auto& t : tables) {
        q.reset();
        q.bind(1, t);
        while (q.executeStep()) {
            names.push_back(q.getColumn(0).getString());
            sql.push_back(q.getColumn(1).getString());
        }
    }
    for (const auto& n : names) {
        db.exec("DROP INDEX \"" + n + "\"");
    }
    return sql;
}

// User and system time of both threads: on a busy machine this, not the wall time, says
// how much work the load was.
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Counts {
    std::int64_t tickets = 0, comments = 0, events = 0, assets = 0, maintenance = 0, runs = 0, results = 0,
                 backups = 0, overrides = 0, handovers = 0;
};


// The second writer: events (hash-chained as store::record_event does) and search entries,
// in batches handed over by the generating thread, on its own connection to DB.
class Sink {
public:
    struct Search {
        std::int64_t id;
        std::string title, body, comments;
    };
    struct Batch {
        std::vector<store::Event> events;
        std::vector<Search> search;
    };

    explicit Sink(const std::string& path) : m_path(path) { m_thread = std::thread([this] { run(); }); }

    Batch& batch() { return m_batch; }

    // Hands the current batch over once it is big enough (or always when `force`).
    void flush(bool force = false) {
        if (!force && m_batch.events.size() < 20000) {
            return;
        }
        std::unique_lock lock(m_mutex);
        m_space.wait(lock, [&] { return m_queue.size() < 8; });
        m_queue.push_back(std::move(m_batch));
        m_batch = Batch{};
        m_ready.notify_one();
    }

    // Writes what is left, commits, and returns the seconds the thread worked.
    double finish() {
        flush(true);
        {
            std::lock_guard lock(m_mutex);
            m_done = true;
            m_ready.notify_one();
        }
        m_thread.join();
        if (m_error) {
            std::rethrow_exception(m_error);
        }
        return m_busy;
    }

private:
    void run() {
        try {
            SQLite::Database db(m_path, SQLite::OPEN_READWRITE);
            db.exec("PRAGMA journal_mode = OFF");
            db.exec("PRAGMA synchronous = OFF");
            db.exec("PRAGMA cache_size = -300000");
            SQLite::Statement last(db, "SELECT hash FROM events ORDER BY id DESC LIMIT 1");
            std::string prev = last.executeStep() ? last.getColumn(0).getString() : std::string{};
            last.reset();
            SQLite::Statement event(db, "INSERT INTO events (at, actor, entity, entity_id, action, fields, prev_hash, "
                                        "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            SQLite::Statement fts(db, "INSERT INTO tickets_fts (rowid, title, body, comments) VALUES (?, ?, ?, ?)");
            db.exec("BEGIN");
            for (;;) {
                Batch b;
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
                const auto t0 = std::chrono::steady_clock::now();
                for (const auto& e : b.events) {
                    const std::string fields = e.fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                    std::string hash = store::event_hash(e, prev, fields);
                    event.reset();
                    event.bind(1, static_cast<std::int64_t>(e.at));
                    event.bind(2, e.actor);
                    event.bind(3, e.entity);
                    event.bind(4, e.entity_id);
                    event.bind(5, e.action);
                    event.bind(6, fields);
                    event.bind(7, prev);
                    event.bind(8, hash);
                    event.exec();
                    prev = std::move(hash);
                }
                for (const auto& f : b.search) {
                    fts.reset();
                    fts.bind(1, static_cast<std::int64_t>(f.id));
                    fts.bind(2, f.title);
                    fts.bind(3, f.body);
                    fts.bind(4, f.comments);
                    fts.exec();
                }
                m_busy += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            }
            // The chain's head, as WriteTransaction::commit() keeps it.
            db.exec("INSERT INTO meta (key, value) SELECT 'events_head', id || ' ' || hash FROM events WHERE true "
                    "ORDER BY id DESC LIMIT 1 ON CONFLICT (key) DO UPDATE SET value = excluded.value");
            db.exec("COMMIT");
        } catch (...) {
            m_error = std::current_exception();
            std::lock_guard lock(m_mutex);
            m_queue.clear();
            m_space.notify_all();
        }
    }

    std::string m_path;
    Batch m_batch;
    std::deque<Batch> m_queue;
    std::mutex m_mutex;
    std::condition_variable m_ready, m_space;
    bool m_done = false;
    double m_busy = 0;
    std::exception_ptr m_error;
    std::thread m_thread;
};

void gen_tickets(store::Database& db, Sink& sink, Rng& rng, std::int64_t count, std::int64_t end, Counts& n) {
    const std::int64_t span = 5 * 365 * k_day;
    const std::int64_t assets = std::max<std::int64_t>(count / 10, 10);
    store::TicketBulkWriter writer(db, false);
    store::Event e;
    e.actor = "bench";
    e.entity = "ticket";
    auto add_event = [&](const store::Event& ev) { sink.batch().events.push_back(ev); };
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

        e.entity_id = std::to_string(r.id);
        e.at = created;
        e.action = "created";
        e.fields = {{"type", r.type}, {"priority", r.priority}, {"status", s.initial}, {"title", r.title},
                    {"team", *r.team}};
        add_event(e);
        e.at = *r.responded_at;
        e.action = "assigned";
        e.fields = {{"assignee", {nullptr, *r.assignee}}};
        add_event(e);
        e.at = *r.responded_at + 60;
        e.action = "moved";
        e.fields = {{"status", {s.initial, s.working}}};
        add_event(e);
        n.events += 3;
        std::int64_t t = *r.responded_at + 60;
        if (paused) {
            // Waiting on the customer (or the approval board) for up to two days.
            const std::int64_t wait = 3600 + rng.upto(2 * k_day);
            e.at = t + 1800;
            e.fields = {{"status", {s.working, s.pause}}, {"note", "等待用户确认"}};
            add_event(e);
            e.at = t + 1800 + wait;
            e.fields = {{"status", {s.pause, s.working}}};
            add_event(e);
            r.paused_secs = wait;
            t += 1800 + wait;
            n.events += 2;
        }
        std::string comment_text;
        std::vector<store::CommentRow> comments;
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
            e.at = cr.at;
            e.action = "commented";
            e.fields = {{"internal", cr.internal}, {"spent_secs", cr.spent_secs}};
            add_event(e);
            ++n.events;
            comments.push_back(std::move(cr));
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
            e.at = *r.resolved_at;
            e.action = "resolved";
            e.fields = {{"status", {s.working, s.resolved}}, {"resolution", *r.resolution}};
            add_event(e);
            e.at = *r.closed_at;
            e.action = "closed";
            e.fields = {{"status", {s.resolved, "closed"}}};
            add_event(e);
            n.events += 2;
        }
        writer.add_ticket(r);
        sink.batch().search.push_back(Sink::Search{r.id, r.title, r.body, std::move(comment_text)});
        sink.flush();
        for (const auto& cr : comments) {
            writer.add_comment(cr);
        }
        n.comments += static_cast<std::int64_t>(comments.size());
        ++n.tickets;
    }
}

void gen_assets(store::Database& db, Sink& sink, Rng& rng, std::int64_t count, std::int64_t end, Counts& n) {
    auto& sql = db.sql();
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
    store::Event e;
    e.actor = "bench";
    e.entity = "asset";
    e.action = "created";
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
        e.entity_id = tag;
        e.at = created;
        e.fields = {{"class", c.cls}, {"owner", owner}, {"status", status}};
        sink.batch().events.push_back(e);
        sink.flush();
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

void gen_inspect(store::Database& db, Rng& rng, std::int64_t runs, std::int64_t end, Counts& n) {
    auto& sql = db.sql();
    SQLite::Statement run(sql, "INSERT INTO inspect_runs (id, checklist, started_at, finished_at, status, target_count, "
                               "item_count, pending_count, actor) VALUES (?, ?, ?, ?, ?, 25, 200, 0, 'cron')");
    SQLite::Statement result(sql, "INSERT INTO inspect_results (run_id, checklist, item, kind, target, status, message, "
                                  "perfdata, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    // Hourly runs of 200 results (8 items on 25 hosts), the newest ending at END.
    for (std::int64_t r = 0; r < runs; ++r) {
        const std::int64_t started = end - (runs - r) * 3600;
        int worst = 0;
        std::vector<int> statuses(200);
        for (int& s : statuses) {
            s = rng.pick(50) == 0 ? 1 : rng.pick(400) == 0 ? 2 : 0;
            worst = std::max(worst, s);
        }
        run.reset();
        run.bind(1, static_cast<std::int64_t>(r + 1));
        run.bind(2, "daily");
        run.bind(3, static_cast<std::int64_t>(started));
        run.bind(4, static_cast<std::int64_t>(started + 20));
        run.bind(5, worst);
        run.exec();
        for (int i = 0; i < 200; ++i) {
            const char* item = k_inspect_items[static_cast<std::size_t>(i) % k_inspect_items.size()];
            const int pct = 30 + static_cast<int>(rng.pick(60));
            result.reset();
            result.bind(1, static_cast<std::int64_t>(r + 1));
            result.bind(2, "daily");
            result.bind(3, item);
            result.bind(4, i % 8 == 5 ? "tcp" : i % 8 == 6 ? "cert" : i % 8 == 7 ? "log" : "disk");
            result.bind(5, fmt::format("host-{:02}", i / 8));
            result.bind(6, statuses[static_cast<std::size_t>(i)]);
            result.bind(7, fmt::format("{} {}% used", item, pct));
            result.bind(8, fmt::format("used={}%;90;97", pct));
            result.bind(9, static_cast<std::int64_t>(rng.pick(300)));
            result.exec();
            ++n.results;
        }
        ++n.runs;
    }
}

void gen_backup(store::Database& db, Rng& rng, std::int64_t runs, std::int64_t end, Counts& n) {
    SQLite::Statement run(db.sql(), "INSERT INTO backup_runs (job, kind, started_at, finished_at, status, size_bytes, "
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

void gen_roster(store::Database& db, Rng& rng, std::int64_t end, Counts& n) {
    auto& sql = db.sql();
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
    try {
        const std::int64_t tickets = argc > 2 ? std::atoll(argv[2]) : 1000000;
        const core::Zone zone("Asia/Shanghai");
        const std::int64_t end = argc > 3 ? core::parse_time_or_throw(argv[3], zone, "END") : core::now();
        const std::uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 42;
        const auto started = std::chrono::steady_clock::now();
        const std::string path = argv[1];
        const std::string side = path + ".load";
        std::filesystem::remove(side);
        const std::vector<std::string> tables = {"tickets", "ticket_comments", "assets", "asset_fields",
                                                 "asset_maintenance", "asset_tag_seq", "inspect_runs",
                                                 "inspect_results", "backup_runs", "roster_overrides",
                                                 "roster_handovers"};
        auto db = store::Database::open(path);
        auto& sql = db->sql();
        // A bulk load into a throwaway file: no rollback journal, no fsync, a big cache.
        sql.exec("PRAGMA journal_mode = OFF");
        sql.exec("PRAGMA synchronous = OFF");
        sql.exec("PRAGMA cache_size = -300000");
        std::vector<std::string> indexes = drop_indexes(sql, tables);
        for (auto& i : drop_indexes(sql, {"events"})) {
            indexes.push_back(std::move(i));
        }
        auto load = store::Database::open(side);
        auto& lsql = load->sql();
        lsql.exec("PRAGMA journal_mode = OFF");
        lsql.exec("PRAGMA synchronous = OFF");
        lsql.exec("PRAGMA cache_size = -300000");
        lsql.exec("PRAGMA foreign_keys = OFF");
        drop_indexes(lsql, tables);
        Rng rng(seed);
        Counts n;
        Sink sink(path);
        auto step = [&](const char* what, auto&& fn) {
            const auto t0 = std::chrono::steady_clock::now();
            fn();
            std::cerr << fmt::format("  {:<22} {:6.1f} s\n", what, seconds_since(t0));
        };
        {
            store::WriteTransaction tx(*load);
            step("tickets", [&] { gen_tickets(*load, sink, rng, tickets, end, n); });
            step("assets", [&] { gen_assets(*load, sink, rng, tickets / 10, end, n); });
            step("inspect", [&] { gen_inspect(*load, rng, std::max<std::int64_t>(tickets / 200, 1), end, n); });
            step("backup", [&] { gen_backup(*load, rng, std::max<std::int64_t>(tickets / 100, 1), end, n); });
            step("roster", [&] { gen_roster(*load, rng, end, n); });
            tx.commit();
        }
        load.reset();
        double busy = 0;
        step("events, search index", [&] { busy = sink.finish(); });
        std::cerr << fmt::format("  (the second thread worked {:.1f} s)\n", busy);
        step("copy", [&] {
            sql.exec(fmt::format("ATTACH '{}' AS load", side));
            sql.exec("BEGIN");
            for (const auto& t : tables) {
                sql.exec(fmt::format("INSERT INTO main.{0} SELECT * FROM load.{0}", t));
            }
            sql.exec("COMMIT");
            sql.exec("DETACH load");
            std::filesystem::remove(side);
        });
        step("indexes", [&] {
            sql.exec("BEGIN");
            for (const auto& s : indexes) {
                sql.exec(s);
            }
            sql.exec("COMMIT");
        });
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
