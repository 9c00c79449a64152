// opsctl init
#include "cmd/common.hpp"

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
    const auto dir = policy::find_policy_dir(g.config);
    const auto result = setup::install_sample_policy(dir, opt.force);
    if (!g.quiet) {
        for (const auto& f : result.written) {
            std::cout << "wrote " << f << '\n';
        }
        for (const auto& f : result.kept) {
            std::cout << "kept  " << f << " (exists; --force overwrites)\n";
        }
    }
    if (opt.no_db) {
        return;
    }
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
