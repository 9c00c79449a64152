// opsctl db info|check|backup|copy
#include "cmd/common.hpp"

#include "lib/core/error.hpp"
#include "lib/setup/database.hpp"

#include <fmt/format.h>
#include <iostream>

namespace opsctl::cmd {

namespace {

struct DbInfoOptions {};
struct DbCheckOptions {
    bool repair = false;
};
struct DbBackupOptions {
    std::string file;
};
struct DbCopyOptions {
    std::string from;
    std::string to;
    bool replace = false;
};

void run_db_info(const DbInfoOptions&, Globals& g) {
    auto& db = g.database();
    const auto info = setup::database_info(db);
    output::Record r;
    r.fields.push_back({{"path", "Path"}, output::Cell{info.path}});
    r.fields.push_back({{"size_bytes", "Size (bytes)"}, output::Cell::integer(static_cast<std::int64_t>(info.size_bytes))});
    r.fields.push_back({{"schema_version", "Schema version"}, output::Cell::integer(info.schema_version)});
    r.fields.push_back({{"binary_schema_version", "Binary schema version"}, output::Cell::integer(info.binary_schema_version)});
    r.fields.push_back({{"journal_mode", "Journal mode"}, output::Cell{info.journal_mode}});
    for (const auto& [table, rows] : info.row_counts) {
        r.fields.push_back({{"rows_" + table, "Rows in " + table}, output::Cell::integer(rows)});
    }
    g.print(r);
}

void run_db_check(const DbCheckOptions& opt, Globals& g) {
    if (opt.repair) {
        g.actor("db.repair");
    }
    auto& db = g.database();
    if (opt.repair) {
        const std::int64_t wrong = setup::repair_database(db);
        if (wrong > 0 && !g.quiet) {
            std::cerr << fmt::format("rebuilt the review's hourly ticket counts ({} were wrong)\n", wrong);
        }
    }
    const auto findings = setup::check_database(db, g.policy(0));
    output::Table t;
    t.columns = {{"check", "Check"}, {"status", "Status"}, {"detail", "Detail"}};
    int bad = 0;
    for (const auto& f : findings) {
        t.rows.push_back({output::Cell{f.check}, output::Cell{f.ok ? "ok" : "FAILED"}, output::Cell{f.detail}});
        bad += f.ok ? 0 : 1;
    }
    g.print(t);
    if (bad > 0) {
        throw Failure(fmt::format("database '{}' failed {} check{}", db.path().string(), bad, bad == 1 ? "" : "s"));
    }
}

void run_db_backup(const DbBackupOptions& opt, Globals& g) {
    g.actor("db.backup");
    auto& db = g.database();
    const int pages = setup::backup_database(db, opt.file);
    if (!g.quiet) {
        std::cout << fmt::format("copied '{}' to '{}' ({} pages)\n", db.path().string(), opt.file, pages);
    }
}

void run_db_copy(const DbCopyOptions& opt, Globals& g) {
    g.actor("db.copy");
    const auto& site = g.policy(policy::section::k_site).site;
    const auto result = setup::copy_database(opt.from, opt.to, opt.replace, &site);
    if (!g.quiet) {
        std::cout << fmt::format("copied '{}' to '{}' ({} rows in {} tables, {} search entries)\n", opt.from, opt.to,
                                 result.rows, result.tables.size(), result.search_entries);
    }
}

} // namespace

void register_db(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("db", "Look after the database file");
    group->require_subcommand(1);

    auto info_opt = std::make_shared<DbInfoOptions>();
    auto* info = group->add_subcommand("info", "Path, size, schema version and row counts");
    info->callback([info_opt, &g] { run_db_info(*info_opt, g); });

    auto check_opt = std::make_shared<DbCheckOptions>();
    auto* check = group->add_subcommand("check", "Integrity, foreign keys, audit hash chain and permissions (exit 1 on problems)");
    check->add_flag("--repair", check_opt->repair,
                    "First rebuild derived counts found wrong (the review's ticket tally); records are never touched");
    check->callback([check_opt, &g] { run_db_check(*check_opt, g); });

    auto backup_opt = std::make_shared<DbBackupOptions>();
    auto* backup = group->add_subcommand("backup", "Copy the database consistently while others write (SQLite online backup)");
    backup->add_option("file", backup_opt->file, "Where to write the copy")->required();
    backup->callback([backup_opt, &g] { run_db_backup(*backup_opt, g); });

    auto copy_opt = std::make_shared<DbCopyOptions>();
    auto* copy = group->add_subcommand(
        "copy", "Copy a whole database into another, SQLite or PostgreSQL, events and chain included");
    copy->add_option("from", copy_opt->from, "The database to copy: a file or a postgresql:// URL")->required();
    copy->add_option("to", copy_opt->to, "Where to copy it: a new or empty file or PostgreSQL database")->required();
    copy->add_flag("--replace", copy_opt->replace, "Empty a destination that holds records first");
    copy->callback([copy_opt, &g] { run_db_copy(*copy_opt, g); });
}

} // namespace opsctl::cmd
