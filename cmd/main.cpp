// opsctl: one binary, git-style command groups. Parses the global options, registers each
// group in one visible list, runs the chosen verb and turns failures into exit statuses.

#include "cmd/common.hpp"
#include "lib/core/error.hpp"
#include "lib/notify/outbox.hpp"
#include "lib/page/page.hpp"
#include "lib/setup/database.hpp"
#include "lib/util/unicode.hpp"
#include "version.hpp"

#include <fmt/format.h>

#include "lib/util/text.hpp"

#include <algorithm>
#include <cerrno>
#include <clocale>
#include <cstring>
#include <csignal>
#include <iostream>
#include <string_view>
#include <vector>

namespace {

constexpr const char* k_exit_status_help =
    "Exit status: 0 success; 1 operation failed; 64 usage error; 65 bad input data;\n"
    "66 no such record; 75 database busy, try again; 77 not permitted (no person, or a\n"
    "permission missing); 78 bad configuration.\n"
    "'inspect run', 'backup status' and 'ticket sla' exit as monitoring plugins do:\n"
    "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
    "See opsctl(1) and, for the policy files, opsctl-policy(5).";

// The first `n` words that are not global options (a group and its verb), fewer when the
// command line has fewer.
std::vector<std::string> command_words(int argc, char** argv, std::size_t n) {
    static const std::vector<std::string> k_with_value = {"--config", "--db", "--format", "--columns", "--as"};
    std::vector<std::string> words;
    for (int i = 1; i < argc && words.size() < n; ++i) {
        const std::string a = argv[i];
        if (a == "--") {
            if (i + 1 < argc) {
                words.emplace_back(argv[i + 1]);
            }
            break;
        }
        if (std::find(k_with_value.begin(), k_with_value.end(), a) != k_with_value.end()) {
            ++i;
            continue;
        }
        if (!a.empty() && a[0] == '-') {
            continue;
        }
        words.push_back(a);
    }
    return words;
}

// True when the command line asks for help anywhere (the group's help lists every verb).
bool asks_for_help(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "-h" || a == "--help" || a == "--help-all") {
            return true;
        }
    }
    return false;
}

// Every command group, in the order `--help` lists them; register_completion also adds the
// hidden `__complete`.
struct Group {
    const char* name;
    void (*add)(CLI::App&, opsctl::cmd::Globals&);
};
constexpr Group k_groups[] = {
    {"init", opsctl::cmd::register_init},       {"ticket", opsctl::cmd::register_ticket},
    {"kb", opsctl::cmd::register_kb},           {"asset", opsctl::cmd::register_asset},     {"inspect", opsctl::cmd::register_inspect},
    {"backup", opsctl::cmd::register_backup},   {"roster", opsctl::cmd::register_roster},
    {"report", opsctl::cmd::register_report},   {"notify", opsctl::cmd::register_notify},
    {"page", opsctl::cmd::register_page},       {"policy", opsctl::cmd::register_policy},
    {"db", opsctl::cmd::register_db},           {"completion", opsctl::cmd::register_completion},
};

// Messages quote what the user typed or a file held: escaped, so that they cannot drive the
// terminal the error lands on.
void print_error(const std::string& raw_what, const std::string& raw_hint) {
    const std::string what = opsctl::util::sanitize_for_terminal(raw_what);
    const std::string hint = opsctl::util::sanitize_for_terminal(raw_hint);
    if (hint.empty()) {
        std::cerr << "opsctl: error: " << what << '\n';
    } else {
        std::cerr << "opsctl: error: " << what << " (" << hint << ")\n";
    }
}

// Prints an Error (its detail lines first) and returns its exit status.
int report_error(const opsctl::Error& e) {
    std::cout.flush();
    for (const auto& line : e.details()) {
        std::cerr << opsctl::util::sanitize_for_terminal(line) << '\n';
    }
    // An Error without a message only carries an exit status (a monitoring verdict).
    if (*e.what() != '\0') {
        print_error(e.what(), e.hint());
    }
    return e.status();
}

} // namespace

int main(int argc, char** argv) {
    // Only the character type matters (UTF-8 text, file names handed to libarchive): the
    // other categories of C.UTF-8 are those of "C", and loading all of them opened some twenty
    // locale files on every run.
    std::setlocale(LC_CTYPE, "C.UTF-8");
    // A closed pipe (opsctl ... | head) ends output quietly instead of killing us mid-write.
    std::signal(SIGPIPE, SIG_IGN);
    // Past a file size limit (ulimit -f) a write fails with EFBIG and is reported, and the
    // temporary file is removed, instead of the signal killing us with half a file left.
    std::signal(SIGXFSZ, SIG_IGN);
    using namespace opsctl;
    // A command that opens a page (a P1 ticket, a CRITICAL check, a failed backup) pages the
    // person on duty after its commit; the notify layer cannot see the roster that says who.
    notify::set_page_starter(&page::first_steps);
    cmd::Globals g;
    CLI::App app{"opsctl: tickets, assets, inspections, backups, duty roster and the monthly review\n"
                 "for an IT operations team, in one binary.",
                 "opsctl"};
    app.footer(k_exit_status_help);
    app.set_version_flag("--version", fmt::format("opsctl {} (commit {})", OPSCTL_VERSION, OPSCTL_COMMIT));
    app.require_subcommand(1);
    app.fallthrough();
    auto* global = "Global options";
    app.add_option("--config", g.config, "Policy directory (default: $OPSCTL_CONFIG, ~/.config/opsctl, /etc/opsctl)")
        ->group(global);
    app.add_option("--db", g.db, "Database file or postgresql:// URL (default: $OPSCTL_DB, site.database, ~/.local/share/opsctl/opsctl.db)")
        ->group(global);
    app.add_option("--format", g.format,
                   "Output format: table, csv, tsv, json, md, excel (CSV for a spreadsheet; some "
                   "commands add more)")
        ->group(global);
    app.add_option("--columns", g.columns, "Only these columns, in this order (comma-separated keys)")->group(global);
    app.add_flag("--no-header", g.no_header, "Leave out the header row")->group(global);
    app.add_flag("-q,--quiet", g.quiet, "Print only ids, one per line")->group(global);
    app.add_option("--as", g.as, "Act as USER (default: $OPSCTL_USER, $SUDO_USER, login name; with logins in the policy: act for a person)")->group(global);
    app.add_flag("--no-color", g.no_color, "Never colour the output (also: NO_COLOR)")->group(global);

    // A command needs only its own group: building the whole tree (every group, verb and
    // option) cost about 4M instructions per run. Help, completion and the did-you-mean for an
    // unknown group still see every group.
    const std::vector<std::string> words = command_words(argc, argv, 2);
    const std::string word = words.empty() ? std::string() : words[0];
    const auto* named = std::find_if(std::begin(k_groups), std::end(k_groups),
                                     [&](const Group& group) { return word == group.name; });
    // `completion` (and the hidden `__complete`) read the whole tree to describe it.
    if (named != std::end(k_groups) && word != "completion") {
        // Likewise a group needs only the named verb (cmd::VerbFilter).
        if (words.size() == 2 && !asks_for_help(argc, argv)) {
            g.verb = words[1];
        }
        named->add(app, g);
    } else if (!(argc == 2 && std::strcmp(argv[1], "--version") == 0)) {
        for (const auto& group : k_groups) {
            group.add(app, g);
        }
    }

    // opsctl stores and compares text as UTF-8: an argument that is not (a Latin-1 or GBK
    // terminal, a binary blob) is refused before it can reach a record or an audit event.
    for (int i = 1; i < argc; ++i) {
        if (!util::is_valid_utf8(argv[i])) {
            print_error(fmt::format("argument {} is not valid UTF-8 text: '{}'", i, argv[i]),
                        "set the terminal to UTF-8 or convert the text with iconv");
            return exit_code::k_data;
        }
    }
    try {
        // An unknown command gets a suggestion rather than CLI11's generic complaint.
        if (!word.empty()) {
            std::vector<std::string> names;
            for (const auto* sub : app.get_subcommands([](CLI::App* a) { return !a->get_name().empty(); })) {
                names.push_back(sub->get_name());
            }
            if (std::find(names.begin(), names.end(), word) == names.end()) {
                throw UsageError("unknown command '" + word + "'", util::suggest(word, names));
            }
        }
        // Likewise a mistyped verb ('ticket lst'), in every group that requires one: CLI11
        // would only say that a subcommand is required.
        if (words.size() == 2 && named != std::end(k_groups)) {
            auto* group = app.get_subcommand(word);
            std::vector<std::string> verbs;
            for (const auto* sub : group->get_subcommands([](CLI::App* a) { return !a->get_name().empty(); })) {
                verbs.push_back(sub->get_name());
            }
            if (group->get_require_subcommand_min() > 0 && !verbs.empty() &&
                std::find(verbs.begin(), verbs.end(), words[1]) == verbs.end()) {
                throw UsageError(fmt::format("unknown command '{} {}'", word, words[1]),
                                 util::suggest(words[1], verbs));
            }
        }
        app.parse(argc, argv);
        std::cout.flush();
        if (!std::cout.good() && errno != EPIPE) {
            print_error("cannot write the output", std::strerror(errno));
            return exit_code::k_failed;
        }
        return g.exit_status;
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        print_error(e.what(), "run 'opsctl --help' or 'opsctl <group> --help'");
        return exit_code::k_usage;
    } catch (const Error& e) {
        return report_error(e);
    } catch (const std::bad_alloc&) {
        print_error("out of memory", "");
        return exit_code::k_failed;
    } catch (const std::exception& e) {
        // A database failure that escaped lib/ still gets its exit status (75 when busy).
        if (auto error = setup::database_failure(e)) {
            return report_error(*error);
        }
        print_error(e.what(), "");
        return exit_code::k_failed;
    }
}
