#include "cmd/common.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/policy/loader.hpp"
#include "lib/util/text.hpp"
#include "lib/util/unicode.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

namespace opsctl::cmd {

namespace fs = std::filesystem;

const policy::Policy& Globals::policy(unsigned sections) {
    sections |= policy::section::k_site;
    if (sections & policy::section::k_notify) {
        // A channel's quiet hours follow the business calendar.
        sections |= policy::section::k_calendar;
    }
    if (!m_policy || (sections & ~m_loaded)) {
        const fs::path dir = policy::find_policy_dir(config);
        m_policy = std::make_unique<policy::Policy>(policy::load_policy(dir, sections | m_loaded));
        m_loaded |= sections;
        // A command that may open a page pages the person on duty after its commit
        // (notify::after_commit): that needs the roster and the people, read now, before a
        // Context holds on to this policy.
        constexpr unsigned k_paging = policy::section::k_roster | policy::section::k_people;
        if ((m_loaded & policy::section::k_notify) && m_policy->notify.paging.enabled && (m_loaded & k_paging) != k_paging) {
            m_policy = std::make_unique<policy::Policy>(policy::load_policy(dir, m_loaded | k_paging));
            m_loaded |= k_paging;
        }
    }
    return *m_policy;
}

Globals::DatabaseChoice Globals::database_choice(unsigned sections) {
    // A PostgreSQL URL with a password is refused before anything can print or use it.
    if (db && !db->empty()) {
        if (setup::is_database_url(*db)) {
            setup::check_database_url(*db, "--db", false);
        }
        return {*db, "--db"};
    }
    if (const char* env = std::getenv("OPSCTL_DB"); env && *env) {
        if (setup::is_database_url(env)) {
            setup::check_database_url(env, "$OPSCTL_DB", false);
        }
        return {env, "$OPSCTL_DB"};
    }
    const auto& p = policy(sections);
    if (p.site.database) {
        if (setup::is_database_url(*p.site.database)) {
            setup::check_database_url(*p.site.database, "site.database in the policy", true);
            return {*p.site.database, "site.database in the policy"};
        }
        fs::path path = *p.site.database;
        return {(path.is_relative() ? p.dir / path : path).string(), "site.database in the policy"};
    }
    if (p.dir == fs::path(policy::k_system_policy_dir)) {
        return {"/var/lib/opsctl/opsctl.db", "the site-wide policy's database"};
    }
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
        return {(fs::path(xdg) / "opsctl" / "opsctl.db").string(), "$XDG_DATA_HOME/opsctl/opsctl.db"};
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return {(fs::path(home) / ".local/share/opsctl/opsctl.db").string(),
                "~/.local/share/opsctl/opsctl.db, as $XDG_DATA_HOME is unset"};
    }
    return {"/var/lib/opsctl/opsctl.db", "no $HOME: the site-wide database"};
}

std::string Globals::database_path(unsigned sections) { return database_choice(sections).path; }

setup::Database& Globals::database(unsigned sections) {
    if (!m_db) {
        const DatabaseChoice choice = database_choice(sections);
        struct stat st {};
        if (!may_create_database && !setup::is_database_url(choice.path) && ::stat(choice.path.c_str(), &st) != 0) {
            if (errno == ENOENT || errno == ENOTDIR) {
                throw NotFound(fmt::format("no database '{}' (chosen by {})", choice.path, choice.rule),
                               "run 'opsctl init' to create it, or check that its file system is mounted");
            }
            throw Failure(fmt::format("cannot reach database '{}': {}", choice.path, std::strerror(errno)));
        }
        // site.database_group changes how the files are kept even when --db names the file
        // (db info, db backup): read it whenever there is a policy to read.
        std::error_code ec;
        const policy::Site* site = nullptr;
        if (m_policy || fs::is_regular_file(policy::find_policy_dir(config) / "opsctl.yaml", ec)) {
            site = &policy(sections).site;
        }
        m_db = setup::open_database(choice.path, may_create_database, site);
    }
    return *m_db;
}

access::Actor Globals::actor(std::string_view permission) {
    const auto& p = policy(policy::section::k_access);
    if (!m_actor) {
        m_actor = access::resolve_actor(p, as);
    }
    if (!permission.empty()) {
        access::require(p, *m_actor, permission);
    }
    return *m_actor;
}

Context Globals::context(unsigned sections) { return context(sections, {}); }

Context Globals::context(unsigned sections, std::string_view permission) {
    const auto& p = policy(sections | policy::section::k_access);
    // Refused before the database is opened: a refused command changes nothing, not even the schema.
    access::Actor who = actor(permission);
    auto& d = database(sections);
    d.set_account(who.account);
    if (!m_now) {
        m_now = core::now();
    }
    return Context{p, d, *m_now, who.name, std::move(who)};
}

bool Globals::common_format() const { return output::parse_format(format).has_value(); }

bool Globals::color() const {
    const char* no_color_env = std::getenv("NO_COLOR");
    return !no_color && !(no_color_env && *no_color_env) && ::isatty(STDOUT_FILENO) && format == "table";
}

output::RenderOptions Globals::render_options() const {
    auto f = output::parse_format(format);
    if (!f) {
        throw UsageError("unknown format '" + format + "'",
                         "use table, csv, tsv, json, md or excel");
    }
    output::RenderOptions o;
    o.format = *f;
    if (!columns.empty()) {
        for (const auto& c : util::split(columns, ',')) {
            if (!util::trim(c).empty()) {
                o.columns.emplace_back(util::trim(c));
            }
        }
    }
    o.header = !no_header;
    o.color = color();
    return o;
}

void Globals::print(const output::Table& table) const {
    if (quiet) {
        for (const auto& row : table.rows) {
            if (!row.empty()) {
                std::cout << util::sanitize_for_terminal(row.front().text) << '\n';
            }
        }
        return;
    }
    output::render(table, render_options(), std::cout);
}

void Globals::print(const output::Record& record) const {
    if (quiet) {
        if (!record.fields.empty()) {
            std::cout << util::sanitize_for_terminal(record.fields.front().second.text) << '\n';
        }
        return;
    }
    output::render_record(record, render_options(), std::cout);
}

VerbFilter::VerbFilter(const Globals& g, std::initializer_list<const char*> verbs) : m_verb(g.verb) {
    for (const char* v : verbs) {
        if (m_verb == v) {
            m_all = false;
        }
    }
}

std::string text_or_stdin(const std::string& text) {
    if (text != "-") {
        return text;
    }
    // A text field is a page or two; reading without a cap would let `cat /dev/zero` exhaust
    // memory. One byte over the cap is enough to refuse.
    constexpr std::size_t k_max_text = 1024 * 1024;
    std::string all;
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
        all.append(buf, static_cast<std::size_t>(std::cin.gcount()));
        if (all.size() > k_max_text) {
            throw DataError("the text on stdin is larger than 1 MiB", "attach large logs as files instead");
        }
    }
    if (!util::is_valid_utf8(all)) {
        throw DataError("the text on stdin is not valid UTF-8", "convert it with iconv -f GBK -t UTF-8 (or its encoding)");
    }
    while (!all.empty() && (all.back() == '\n' || all.back() == '\r')) {
        all.pop_back();
    }
    return all;
}

} // namespace opsctl::cmd
