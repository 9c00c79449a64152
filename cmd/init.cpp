// opsctl init
#include "cmd/common.hpp"

#include "lib/core/error.hpp"
#include "lib/policy/loader.hpp"
#include "lib/setup/sample.hpp"

#include <fmt/format.h>
#include <iostream>

namespace opsctl::cmd {

namespace {

struct InitOptions {
    bool force = false;
    bool no_db = false;
};

void run_init(const InitOptions& opt, Globals& g) {
    // An ordinary user's init installs into ~/.config/opsctl, never /etc (issue: a first run
    // by anyone but root failed there); reading finds it there afterwards.
    const auto choice = policy::choose_policy_dir(g.config, true);
    const auto& dir = choice.dir;
    // Over an existing policy that binds logins, only those allowed may reinstall it or
    // create and migrate its database. A policy that does not load binds nobody (whoever can
    // break the files can edit them anyway): `init --force` is how it is repaired.
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / "opsctl.yaml", ec)) {
        std::optional<policy::Policy> existing;
        try {
            existing = policy::load_policy(dir, policy::section::k_access);
        } catch (const ConfigError&) {
        }
        if (existing) {
            access::require(*existing, access::resolve_actor(*existing, g.as), "policy.init");
        }
    }
    if (!opt.force && setup::has_own_main_file(dir)) {
        // The sample's policies/ files name the sample's people, teams and rotations: added
        // beside a hand-written opsctl.yaml they would not check. Keep the policy as it is.
        if (!g.quiet) {
            std::cout << "kept  " << (dir / "opsctl.yaml").string()
                      << " (written by hand: the sample's policies/ files are not added; --force installs the whole sample)\n";
        }
    } else {
        const auto result = setup::install_sample_policy(dir, opt.force);
        if (!g.quiet) {
            for (const auto& f : result.written) {
                std::cout << "wrote " << f << '\n';
            }
            for (const auto& f : result.kept) {
                std::cout << "kept  " << f << " (exists; --force overwrites)\n";
            }
        }
    }
    if (!g.config || g.config->empty()) {
        g.config = dir.string(); // what was installed is what is checked and used below
    }
    // The policy left behind must check clean; otherwise exit 78 naming every problem.
    g.policy(policy::section::k_all);
    if (opt.no_db) {
        return;
    }
    g.may_create_database = true;
    auto& db = g.database(policy::section::k_site);
    if (!g.quiet) {
        std::cout << fmt::format("database {} at schema version {}\n", db.path().string(), db.schema_version());
    }
}

} // namespace

void register_init(CLI::App& app, Globals& g) {
    auto opt = std::make_shared<InitOptions>();
    auto* init = app.add_subcommand("init", "Install the sample policy and create or migrate the database (safe to repeat)");
    init->add_flag("--force", opt->force, "Overwrite policy files that already exist");
    init->add_flag("--no-db", opt->no_db, "Only install the policy files");
    init->callback([opt, &g] { run_init(*opt, g); });
}

} // namespace opsctl::cmd
