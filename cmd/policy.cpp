// opsctl policy check|path|show|who-can|can
#include "cmd/common.hpp"

#include "lib/access/holders.hpp"
#include "lib/access/identity.hpp"
#include "lib/core/error.hpp"
#include "lib/core/log.hpp"
#include "lib/policy/loader.hpp"
#include "lib/policy/secrets.hpp"
#include "lib/util/permissions.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <iostream>

namespace opsctl::cmd {

namespace {

struct PolicyCheckOptions {
    std::string dir;
};

struct PolicyShowOptions {
    std::string section;
};

void run_policy_check(const PolicyCheckOptions& opt, Globals& g) {
    const auto dir = policy::find_policy_dir(opt.dir.empty() ? g.config : std::optional<std::string>(opt.dir));
    const policy::Policy p = policy::load_policy(dir);
    output::Table t;
    t.columns = {{"section", "Section"}, {"items", "Items"}};
    for (const auto& [name, n] : policy::section_counts(p)) {
        t.rows.push_back({output::Cell{name}, output::Cell::integer(static_cast<std::int64_t>(n))});
    }
    if (g.common_format() && g.format == "table" && !g.quiet) {
        std::cout << "policy '" << dir.string() << "' is valid (" << p.files.size() << " file"
                  << (p.files.size() == 1 ? "" : "s") << ", site '" << p.site.name << "', time zone "
                  << p.site.timezone << ")\n";
    }
    g.print(t);
    // A secret written into a policy that others can read is no longer a secret; warned, not
    // failed, because a policy readable by all is the usual case and the secret may be a test one.
    for (const auto& s : policy::written_secrets(p)) {
        for (const auto& problem : util::permission_problems(s.where.file, util::Exposure::others_read)) {
            core::warn(fmt::format("{}: {} looks like a secret, and {} (chmod o-r it, or read the secret from "
                                   "a file of mode 0600 or the environment)",
                                   s.where.str(), s.what, problem));
        }
    }
    // A policy that others may edit can make opsctl run their commands; a database others
    // may read leaks every record. Both are reported after the sections, and fail the check.
    std::vector<std::string> problems = util::policy_permission_problems(dir, p.files);
    if (opt.dir.empty()) { // the database belongs to the active policy, not to a directory given to check
        const auto db = util::database_permission_problems(g.database_path(0), !p.site.database_group.empty());
        problems.insert(problems.end(), db.begin(), db.end());
    }
    if (!problems.empty()) {
        const std::size_t n = problems.size();
        throw ConfigError(fmt::format("policy '{}' is valid but not safe: {} permission problem{}", dir.string(), n,
                                      n == 1 ? "" : "s"),
                          "chmod o-w the policy files and folders, chmod 600 the database")
            .with_details(std::move(problems));
    }
}

struct PolicyPathOptions {};

// Which policy directory and database this user's commands use, and the rule that chose each.
void run_policy_path(const PolicyPathOptions&, Globals& g) {
    const auto dir = policy::choose_policy_dir(g.config);
    const auto init_dir = policy::choose_policy_dir(g.config, true);
    output::Record r;
    r.fields.push_back({{"policy_dir", "Policy directory"}, output::Cell{dir.dir.string()}});
    r.fields.push_back({{"policy_rule", "Chosen by"}, output::Cell{dir.rule}});
    std::error_code ec;
    r.fields.push_back({{"policy_exists", "Exists"}, output::Cell{std::filesystem::is_directory(dir.dir, ec) ? "yes" : "no"}});
    if (init_dir.dir != dir.dir) {
        r.fields.push_back({{"init_dir", "'opsctl init' installs into"}, output::Cell{init_dir.dir.string()}});
    }
    // The database may be named in the policy (site.database): only a policy that loads can say.
    std::string db_path;
    std::string db_rule;
    try {
        const auto db = g.database_choice(0);
        db_path = db.path;
        db_rule = db.rule;
    } catch (const ConfigError& e) {
        db_rule = std::string("unknown until the policy loads: ") + e.what();
    }
    r.fields.push_back({{"database", "Database"}, output::Cell{db_path}});
    r.fields.push_back({{"database_rule", "Chosen by"}, output::Cell{db_rule}});
    r.fields.push_back({{"database_exists", "Exists"},
                        output::Cell{setup::is_database_url(db_path)                          ? "(a PostgreSQL URL)"
                                     : !db_path.empty() && std::filesystem::exists(db_path, ec) ? "yes"
                                                                                                 : "no"}});
    g.print(r);
}

void run_policy_show(const PolicyShowOptions& opt, Globals& g) {
    const auto dir = policy::find_policy_dir(g.config);
    std::cout << policy::effective_policy_yaml(dir, opt.section);
}

struct PolicyWhoCanOptions {
    std::string permission;
};

struct PolicyCanOptions {
    std::string person;
    std::string permission;
};

void run_policy_who_can(const PolicyWhoCanOptions& opt, Globals& g) {
    access::check_permission_name(opt.permission);
    const auto& p = g.policy(policy::section::k_access);
    output::Table t;
    t.columns = {{"id", "Who"}, {"name", "Name"}, {"kind", "Kind"}, {"roles", "Through"}};
    for (const auto& h : access::holders(p, opt.permission)) {
        t.rows.push_back({output::Cell{h.id}, output::Cell{h.name}, output::Cell{h.service ? "service account" : "person"},
                          output::Cell{h.through}});
    }
    g.print(t);
}

void run_policy_can(const PolicyCanOptions& opt, Globals& g) {
    access::check_permission_name(opt.permission);
    const auto& p = g.policy(policy::section::k_access);
    const auto* person = &access::require_person(p, opt.person);
    const bool yes = access::person_may(p, *person, opt.permission);
    if (!g.quiet) {
        if (yes) {
            std::cout << fmt::format("yes: '{}' ({}) may {} ({})\n", person->id, person->name, opt.permission,
                                     access::granted_by(p, *person, opt.permission));
        } else if (!person->active) {
            std::cout << fmt::format("no: '{}' ({}) has left (active: false)\n", person->id, person->name);
        } else {
            std::cout << fmt::format("no: '{}' ({}) holds no role that grants {} (roles: {})\n", person->id,
                                     person->name, opt.permission,
                                     person->roles.empty() ? std::string("none") : util::join(person->roles, ", "));
        }
    }
    if (!yes) {
        g.exit_status = exit_code::k_failed;
    }
}

} // namespace

void register_policy(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("policy", "Validate and show the policy files");
    group->require_subcommand(1);

    auto check_opt = std::make_shared<PolicyCheckOptions>();
    auto* check = group->add_subcommand("check", "Validate the policy directory and count what it defines (exit 78 on problems)");
    check->add_option("dir", check_opt->dir, "Policy directory (default: --config or the usual places)");
    check->callback([check_opt, &g] { run_policy_check(*check_opt, g); });

    auto path_opt = std::make_shared<PolicyPathOptions>();
    auto* path = group->add_subcommand("path", "Say which policy directory and database are in use, and why");
    path->callback([path_opt, &g] { run_policy_path(*path_opt, g); });

    auto show_opt = std::make_shared<PolicyShowOptions>();
    auto* show = group->add_subcommand("show", "Print the merged, effective policy as YAML");
    show->add_option("section", show_opt->section, "Only this section (site, calendar, people, tickets, ...)");
    show->callback([show_opt, &g] { run_policy_show(*show_opt, g); });

    auto who_opt = std::make_shared<PolicyWhoCanOptions>();
    auto* who = group->add_subcommand("who-can", "Who holds a permission, and through which roles");
    who->add_option("permission", who_opt->permission, "A permission, such as ticket.approve (see opsctl-policy(5))")
        ->required();
    who->callback([who_opt, &g] { run_policy_who_can(*who_opt, g); });

    auto can_opt = std::make_shared<PolicyCanOptions>();
    auto* can = group->add_subcommand("can", "Whether a person holds a permission (exit 0 yes, 1 no)");
    can->add_option("person", can_opt->person, "A person of the policy")->required();
    can->add_option("permission", can_opt->permission, "A permission, such as ticket.approve")->required();
    can->callback([can_opt, &g] { run_policy_can(*can_opt, g); });
}

} // namespace opsctl::cmd
