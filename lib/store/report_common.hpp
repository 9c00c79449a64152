#pragma once
// Shared pieces of the review's SQL: the period a query covers and table presence checks.

#include "lib/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// A half-open span of Unix seconds [start, end): one month in the site's zone.
struct ReportPeriod {
    std::int64_t start = 0;
    std::int64_t end = 0;
};

/// True when the table exists in the schema (a group that has not landed has none).
bool report_table_exists(Database& db, const std::string& table);
/// True when the table exists and holds at least one row.
bool report_table_has_rows(Database& db, const std::string& table);
/// "?4,?5,?6": `count` numbered placeholders from `first` ("NULL" for an empty list, which
/// matches nothing). Numbered, so they never collide with ?1..?3 written elsewhere in a query.
std::string report_placeholders(std::size_t count, int first);
/// "[3,5,8]": ids as a JSON array, bound to ?1 of `... IN (<the driver's id_list_sql()>)` so
/// that a list of any length is one statement and one parameter.
std::string report_id_list(const std::vector<std::int64_t>& ids);
/// A column's integer, nullopt when NULL.
std::optional<std::int64_t> column_int(Statement& q, int i);
/// A column's text, "" when NULL.
std::string column_text(Statement& q, int i);

} // namespace opsctl::store
