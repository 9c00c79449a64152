#include "lib/store/schedule_repo.hpp"

#include "lib/store/statement.hpp"

namespace opsctl::store {

std::optional<std::int64_t> schedule_period_ticket(Database& db, const std::string& schedule, const std::string& target,
                                                   const std::string& period) {
    Statement q(db, "SELECT ticket_id FROM ticket_schedule_runs WHERE schedule = ? AND target = ? AND period = ?");
    q.bind(1, schedule);
    q.bind(2, target);
    q.bind(3, period);
    if (!q.step()) {
        return std::nullopt;
    }
    return q.column(0).as_int64();
}

void insert_schedule_run(Database& db, const ScheduleRunRow& row) {
    Statement q(db, "INSERT INTO ticket_schedule_runs (schedule, period, target, due_on, ticket_id, opened_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, row.schedule);
    q.bind(2, row.period);
    q.bind(3, row.target);
    q.bind(4, row.due_on);
    q.bind(5, row.ticket_id);
    q.bind(6, row.opened_at);
    q.exec();
}

std::optional<std::string> last_schedule_period(Database& db, const std::string& schedule, const std::string& target) {
    Statement q(db, "SELECT MAX(period) FROM ticket_schedule_runs WHERE schedule = ? AND target = ?");
    q.bind(1, schedule);
    q.bind(2, target);
    if (!q.step() || q.column(0).is_null()) {
        return std::nullopt;
    }
    return q.column(0).as_string();
}

std::map<std::string, std::string> last_schedule_periods(Database& db) {
    Statement q(db, "SELECT schedule, MAX(period) FROM ticket_schedule_runs GROUP BY schedule");
    std::map<std::string, std::string> out;
    while (q.step()) {
        out[q.column(0).as_string()] = q.column(1).as_string();
    }
    return out;
}

} // namespace opsctl::store
