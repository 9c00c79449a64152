#pragma once
// What every command shares: the global options, and turning them into a policy, a
// database, a Context and rendered output.

#include "lib/context/context.hpp"
#include "lib/output/render.hpp"
#include "lib/policy/policy.hpp"
#include "lib/setup/database.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

namespace opsctl::cmd {

/// Global options (valid before or after the subcommand) and the state they lead to.
struct Globals {
    std::optional<std::string> config;
    std::optional<std::string> db;
    std::string format = "table";
    std::string columns;
    bool no_header = false;
    bool quiet = false;
    std::optional<std::string> as;
    bool no_color = false;
    /// The status main() returns when the command succeeds; commands that exit like a
    /// monitoring plugin (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) set it.
    int exit_status = 0;
    /// The verb named after the command group (set by main() when it can tell); a group
    /// then builds only that verb's subcommand (see VerbFilter).
    std::string verb;

    /// Set by `init` only: database() may then create a missing database file. Every other
    /// command refuses a missing file (exit 66), so that an unmounted /var/lib/opsctl is
    /// noticed instead of filled with a new, empty database.
    bool may_create_database = false;

    /// Loads the policy sections a command needs (once; later calls add sections).
    const policy::Policy& policy(unsigned sections);
    /// Opens (migrating as needed) the database; creates it only when may_create_database.
    setup::Database& database(unsigned sections = 0);
    /// Policy, database, now and actor for a domain call that only reads.
    Context context(unsigned sections);
    /// The same for a change: exits 77 (NotPermitted) unless the actor holds `permission`.
    Context context(unsigned sections, std::string_view permission);
    /// Who acts (loads the people, roles and service accounts); exits 77 unless they hold
    /// `permission` (when not empty). For commands that write without a Context.
    access::Actor actor(std::string_view permission = {});
    /// A database path and the rule that chose it.
    struct DatabaseChoice {
        std::string path;
        std::string rule;
    };
    /// The database path: --db, $OPSCTL_DB, site.database, /var/lib/opsctl/opsctl.db with the
    /// site-wide policy (/etc/opsctl), $XDG_DATA_HOME/opsctl/opsctl.db, ~/.local/share/opsctl/opsctl.db.
    DatabaseChoice database_choice(unsigned sections = 0);
    /// database_choice(sections).path.
    std::string database_path(unsigned sections = 0);

    /// Output options from --format, --columns, --no-header and the terminal.
    output::RenderOptions render_options() const;
    /// True when --format names one of the five common formats.
    bool common_format() const;
    /// Prints rows; with -q only the first column, one value per line.
    void print(const output::Table& table) const;
    /// Prints one record.
    void print(const output::Record& record) const;
    /// True when colour may be used on stdout.
    bool color() const;

private:
    std::unique_ptr<policy::Policy> m_policy;
    unsigned m_loaded = 0;
    std::unique_ptr<setup::Database> m_db;
    std::optional<std::int64_t> m_now;
    std::optional<access::Actor> m_actor;
};

/// Which verbs of a command group to build: only the one named on the command line when the
/// group has it (building every verb's options cost up to 1M instructions a run), else all,
/// so that help, completion and a misspelt verb's suggestion see the whole group.
class VerbFilter {
public:
    /// `verbs`: every verb of the group.
    VerbFilter(const Globals& g, std::initializer_list<const char*> verbs);
    /// True when `verb` is to be built.
    bool operator()(const char* verb) const { return m_all || m_verb == verb; }

private:
    std::string m_verb;
    bool m_all = true;
};

/// Reads TEXT, or all of stdin when TEXT is "-".
std::string text_or_stdin(const std::string& text);

// One registration function per command group (cmd/<group>.cpp).
void register_init(CLI::App& app, Globals& g);
void register_policy(CLI::App& app, Globals& g);
void register_db(CLI::App& app, Globals& g);
void register_ticket(CLI::App& app, Globals& g);
void register_kb(CLI::App& app, Globals& g);
void register_asset(CLI::App& app, Globals& g);
void register_inspect(CLI::App& app, Globals& g);
void register_backup(CLI::App& app, Globals& g);
void register_roster(CLI::App& app, Globals& g);
void register_report(CLI::App& app, Globals& g);
void register_notify(CLI::App& app, Globals& g);
void register_page(CLI::App& app, Globals& g);
void register_completion(CLI::App& app, Globals& g);

} // namespace opsctl::cmd
