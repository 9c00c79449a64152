#include "lib/store/report_common.hpp"
#include "lib/store/driver.hpp"

namespace opsctl::store {

bool report_table_exists(Database& db, const std::string& table) {
    return db.connection().has_table(table.c_str());
}

bool report_table_has_rows(Database& db, const std::string& table) {
    if (!report_table_exists(db, table)) {
        return false;
    }
    // The name comes from our own code (never from input) and was just checked to exist.
    Statement q(db, "SELECT EXISTS (SELECT 1 FROM \"" + table + "\")");
    return q.step() && q.column(0).as_int() != 0;
}

std::string report_placeholders(std::size_t count, int first) {
    if (count == 0) {
        return "NULL";
    }
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        out += (i == 0 ? "?" : ",?") + std::to_string(first + static_cast<int>(i));
    }
    return out;
}

std::string report_id_list(const std::vector<std::int64_t>& ids) {
    std::string out = "[";
    for (const auto id : ids) {
        if (out.size() > 1) {
            out += ',';
        }
        out += std::to_string(id);
    }
    return out + ']';
}

std::optional<std::int64_t> column_int(Statement& q, int i) {
    const auto c = q.column(i);
    return c.is_null() ? std::nullopt : std::optional<std::int64_t>(c.as_int64());
}

std::string column_text(Statement& q, int i) { return q.column(i).as_string(); } // "" for NULL

} // namespace opsctl::store
