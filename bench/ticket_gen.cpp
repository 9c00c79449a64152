// Fills a database with synthetic tickets for bench/ticket.sh: N tickets spread over two
// years, with comments and hash-chained events, in one transaction with reused statements.
//
// usage: opsctl_bench_ticket_gen DB [COUNT] [END_ISO_TIME]
#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/store/database.hpp"
#include "lib/store/ticket_repo.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <vector>

using namespace opsctl;

namespace {

constexpr std::array k_people = {"zhangwei", "lina", "wangfang", "liuyang", "chenjing", "alice"};
constexpr std::array k_types = {"incident", "incident", "incident", "request", "request", "problem",
                                "change",   "bug",      "data-fix", "complaint"};
constexpr std::array k_priorities = {"P1", "P2", "P2", "P3", "P3", "P3", "P3", "P4", "P4", "P4"};
constexpr std::array k_subjects = {"数据库连接失败", "打印机卡纸",     "邮件无法发送",   "VPN 断线",
                                   "磁盘空间不足",   "报表导出乱码",   "账号被锁定",     "网络延迟高",
                                   "备份任务失败",   "系统登录缓慢",   "disk full on /var", "cannot reach gateway",
                                   "password reset", "certificate expiring", "CPU load high", "需要安装软件"};
constexpr std::array k_places = {"财务部", "三楼", "机房A", "销售部", "HQ", "branch office", "仓库", "研发中心"};
constexpr std::array k_notes = {"已联系用户，正在排查", "restarted the service", "等待厂商回复",
                                "更换了网线", "escalated to network team", "已恢复，观察中"};

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: opsctl_bench_ticket_gen DB [COUNT] [END_ISO_TIME]\n";
        return 64;
    }
    try {
        const std::int64_t count = argc > 2 ? std::atoll(argv[2]) : 1000000;
        const core::Zone zone("Asia/Shanghai");
        const std::int64_t end = argc > 3 ? core::parse_time_or_throw(argv[3], zone, "END") : core::now();
        const std::int64_t span = 2 * 365 * 86400;
        const auto started = std::chrono::steady_clock::now();
        auto db = store::Database::open(argv[1]);
        // A bulk load: big page cache, no fsync until the end (the file is a throwaway bench database).
        db->exec("PRAGMA synchronous = OFF");
        db->exec("PRAGMA cache_size = -400000");
        std::mt19937_64 rng(42);
        auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
        std::int64_t comments = 0, events = 0;
        {
            store::WriteTransaction tx(*db);
            store::TicketBulkWriter writer(*db);
            for (std::int64_t i = 0; i < count; ++i) {
                // Creation times in order, so that rows sit in date order as real ones do.
                const std::int64_t created = end - span + span * i / count + static_cast<std::int64_t>(pick(600));
                store::TicketRow r;
                r.id = i + 1;
                r.type = k_types[pick(k_types.size())];
                r.priority = k_priorities[pick(k_priorities.size())];
                r.title = fmt::format("{} ({})", k_subjects[pick(k_subjects.size())], k_places[pick(k_places.size())]);
                r.body = fmt::format("用户报告：{}。工单 #{} 来自 {}。", r.title, i + 1, k_places[pick(k_places.size())]);
                r.team = std::string(r.type == std::string("request") || r.type == std::string("complaint") ? "desk"
                                     : r.type == std::string("bug") || r.type == std::string("data-fix") ? "dev"
                                                                                                          : "ops");
                r.assignee = std::string(k_people[pick(k_people.size())]);
                r.reporter = std::string(k_places[pick(k_places.size())]);
                if (pick(3) == 0) {
                    r.asset = fmt::format("SRV-{:04}", pick(2000));
                }
                r.created_at = created;
                r.responded_at = created + 600 + static_cast<std::int64_t>(pick(7200));
                // Recent tickets are still open; older ones were resolved and closed.
                const bool open = end - created < 20 * 86400 && pick(4) == 0;
                const bool bug = r.type == std::string("bug");
                const bool change = r.type == std::string("change");
                r.is_open = open;
                r.sla_rule = r.priority == std::string("P1") ? "major" : "normal";
                r.sla_clock = r.priority == std::string("P1") ? "24x7" : "business";
                r.response_target_secs = 7200;
                r.resolution_target_secs = 81000;
                r.response_due_at = created + 7200;
                r.resolution_due_at = created + 3 * 86400;
                r.response_business_secs = *r.responded_at - created;
                r.response_clock_secs = r.response_business_secs;
                r.response_breached = r.response_business_secs > 7200;
                if (open) {
                    r.status = bug ? "fixing" : change ? "implementing" : "in-progress";
                    r.sla_order = *r.resolution_due_at;
                    r.updated_at = *r.responded_at;
                } else {
                    r.status = "closed";
                    r.resolved_at = created + 3600 + static_cast<std::int64_t>(pick(5 * 86400));
                    r.closed_at = *r.resolved_at + 3600;
                    r.updated_at = *r.closed_at;
                    r.resolution_business_secs = (*r.resolved_at - created) / 3;
                    r.resolution_clock_secs = r.resolution_business_secs;
                    r.resolution_breached = *r.resolved_at > *r.resolution_due_at;
                    r.resolution = "已处理";
                    if (pick(2) == 0) {
                        r.satisfaction = 3 + static_cast<std::int64_t>(pick(3));
                    }
                }
                std::string comment_text;
                std::vector<store::CommentRow> rows;
                const std::size_t n_comments = pick(3);
                for (std::size_t c = 0; c < n_comments; ++c) {
                    store::CommentRow cr;
                    cr.ticket_id = r.id;
                    cr.at = *r.responded_at + static_cast<std::int64_t>(c) * 600;
                    cr.author = *r.assignee;
                    cr.body = k_notes[pick(k_notes.size())];
                    cr.spent_secs = 1800;
                    rows.push_back(cr);
                    comment_text += cr.body + "\n";
                    r.spent_secs += cr.spent_secs;
                    ++comments;
                }
                writer.add_ticket(r, comment_text);
                for (const auto& cr : rows) {
                    writer.add_comment(cr);
                }
                const std::string id = std::to_string(r.id);
                store::Event e;
                e.actor = "bench";
                e.entity = "ticket";
                e.entity_id = id;
                e.at = created;
                e.action = "created";
                e.fields = {{"type", r.type}, {"priority", r.priority}, {"status", bug ? "submitted" : "new"},
                            {"title", r.title}};
                writer.add_event(e);
                e.at = *r.responded_at;
                e.action = "assigned";
                e.fields = {{"assignee", {nullptr, *r.assignee}}};
                writer.add_event(e);
                events += 2;
                if (!open) {
                    e.at = *r.closed_at;
                    e.action = "closed";
                    e.fields = {{"status", {"resolved", "closed"}}};
                    writer.add_event(e);
                    ++events;
                }
            }
            tx.commit();
        }
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cout << fmt::format("generated {} tickets, {} comments, {} events in {:.1f} s ({:.0f} tickets/s)\n",
                                 count, comments, events, secs, count / secs);
        return 0;
    } catch (const Error& e) {
        std::cerr << "opsctl_bench_ticket_gen: " << e.what() << '\n';
        return e.status();
    } catch (const std::exception& e) {
        std::cerr << "opsctl_bench_ticket_gen: " << e.what() << '\n';
        return 1;
    }
}
