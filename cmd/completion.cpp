// opsctl completion bash|zsh|fish, and the hidden `opsctl __complete WORDS...` that the
// scripts call on every Tab. The candidates come from the CLI11 command tree and the policy,
// so a new group, verb, option or policy name is completed without touching the scripts.
#include "cmd/common.hpp"

#include "lib/asset/inventory.hpp"
#include "lib/core/error.hpp"
#include "lib/policy/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <string_view>

namespace opsctl::cmd {

/// The completion script for a shell (bash, zsh, fish), embedded from completions/ at build
/// time (cmake/packaging.cmake); empty for an unknown shell.
std::string_view completion_script(std::string_view shell);

namespace {

struct CompletionOptions {
    std::string shell;
};

struct CompleteOptions {
    std::vector<std::string> words;
};

// One answer line: the value, and a short description for shells that show one.
struct Candidate {
    std::string value;
    std::string help;
};

// What the current word wants besides the listed candidates.
enum class Paths { none, files, dirs };

struct Answer {
    std::vector<Candidate> candidates;
    Paths paths = Paths::none;
};

// Formats that single commands add; offered where the verb's help text names them.
constexpr std::array<std::string_view, 6> k_extra_formats = {"prometheus", "nagios", "junit", "ics", "markdown", "html"};

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

// Hidden subcommands and options (empty group) are not offered.
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

const CLI::App* find_subcommand(const CLI::App& app, const std::string& name) {
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->check_name(name)) {
            return sub;
        }
    }
    return nullptr;
}

// Options are looked up on the verb first, then on each group above it, as CLI11's
// fallthrough does when it parses.
const CLI::Option* find_option(const std::vector<const CLI::App*>& chain, const std::string& name) {
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        for (const auto* opt : (*it)->get_options()) {
            if (opt->nonpositional() && opt->check_name(name)) {
                return opt;
            }
        }
    }
    return nullptr;
}

bool takes_value(const CLI::Option& opt) {
    return opt.get_type_size_max() > 0 && opt.get_expected_max() > 0;
}

// The name a value source is keyed on: the first long name without dashes, else the
// positional's name.
std::string option_key(const CLI::Option& opt) {
    if (!opt.get_lnames().empty()) {
        return opt.get_lnames().front();
    }
    if (opt.get_positional()) {
        return opt.get_name(true);
    }
    return opt.get_snames().empty() ? std::string() : opt.get_snames().front();
}

std::vector<const CLI::Option*> positionals(const CLI::App& app) {
    return app.get_options([](const CLI::Option* opt) { return opt->get_positional(); });
}

// Where the values of an option or positional come from, by its name. `scope` is a command
// path ("asset", "roster handover") that the rule is limited to, empty for every command; the
// first matching rule wins, so the rules for a name that means something else in one group
// come first. A kind is a policy_names() kind, one of the fixed lists in fixed_values(),
// "formats", "files", "dirs", or "" for a free value (a number, a date, an id).
struct ValueRule {
    std::string_view scope;
    std::vector<std::string_view> names;
    std::string_view kind;
};

const std::vector<ValueRule>& value_rules() {
    static const std::vector<ValueRule> k_rules = {
        {"inspect", {"jobs"}, ""}, // how many run at once
        {"inspect", {"status"}, "answers"},
        {"asset", {"status"}, "asset-statuses"},
        {"asset", {"kind"}, "maintenance-kinds"},
        {"asset", {"location"}, "locations"},
        {"asset", {"unset"}, "asset-fields"},
        {"asset transfer", {"to"}, "people"},
        {"asset checkout", {"to"}, "people"},
        {"ticket", {"status"}, "ticket-states"},
        {"ticket", {"kind"}, "link-kinds"},
        {"ticket", {"sort"}, "ticket-sorts"},
        {"ticket schedule", {"schedules"}, "schedules"},
        {"roster handover", {"to"}, "people"},
        {"backup restore", {"to"}, "dirs"},
        {"db copy", {"from", "to"}, "files"},
        // `backup verify` takes jobs or run ids; the jobs are what a person types.
        {"backup", {"job", "jobs", "target"}, "backups"},
        {"report", {"lang"}, "languages"},
        {"report", {"out"}, "files"},
        {"inspect run", {"out"}, "files"},
        {"roster show", {"out"}, "files"},
        {"report", {"out-dir"}, "dirs"},
        {"", {"permission"}, "permissions"},
        {"", {"format"}, "formats"},
        {"", {"type", "ticket-type"}, "ticket-types"},
        {"", {"state", "states"}, "ticket-states"},
        {"", {"complaint-type"}, "complaint-types"},
        {"", {"priority", "prio"}, "priorities"},
        {"",
         {"assignee", "owner", "person", "people", "as", "by", "who", "user", "requester",
          "reporter", "engineer", "replaces", "to-person", "from-person"},
         "people"},
        {"", {"team", "teams"}, "teams"},
        {"", {"class", "asset-class"}, "asset-classes"},
        {"", {"rotation", "rotations"}, "rotations"},
        {"", {"shift", "shifts"}, "shifts"},
        {"", {"checklist", "checklists"}, "checklists"},
        {"", {"section"}, "sections"},
        {"", {"shell"}, "shells"},
        {"", {"config", "dir", "directory", "into", "dest", "destination"}, "dirs"},
        {"",
         {"db", "file", "files", "output", "path", "input", "archive", "attach", "attachment"},
         "files"},
    };
    return k_rules;
}

std::string value_kind(const std::string& name, const std::string& path) {
    for (const auto& rule : value_rules()) {
        const bool in_scope = rule.scope.empty() || path == rule.scope ||
                              starts_with(path, std::string(rule.scope) + " ");
        if (!in_scope) {
            continue;
        }
        for (const auto& n : rule.names) {
            if (n == name) {
                return std::string(rule.kind);
            }
        }
    }
    return {};
}

// Words that no policy defines: the values the library accepts for these options.
std::vector<std::string> fixed_values(const std::string& kind) {
    if (kind == "shells") {
        return {"bash", "zsh", "fish"};
    }
    if (kind == "answers") {
        return {"ok", "warn", "fail"};
    }
    if (kind == "asset-statuses") {
        return asset::statuses();
    }
    if (kind == "link-kinds") {
        return {"caused-by", "child-of", "duplicate-of", "related"};
    }
    if (kind == "ticket-sorts") {
        return {"due", "id", "created", "updated", "priority"};
    }
    if (kind == "languages") {
        return {"en", "zh"};
    }
    if (kind == "permissions") {
        std::vector<std::string> out;
        for (const auto& k : policy::permission_kinds()) {
            out.emplace_back(k.name);
        }
        return out;
    }
    return {};
}

// The values of a CLI::IsMember check, which CLI11 shows in the type name as "TEXT:{a,b}".
std::vector<std::string> member_values(const CLI::Option& opt) {
    const std::string type = opt.get_type_name();
    const auto open = type.find(":{");
    const auto close = type.find('}', open);
    if (open == std::string::npos || close == std::string::npos) {
        return {};
    }
    std::vector<std::string> out;
    const std::string list = type.substr(open + 2, close - open - 2);
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = std::min(list.find(',', start), list.size());
        if (comma > start) {
            out.push_back(list.substr(start, comma - start));
        }
        start = comma + 1;
    }
    return out;
}

// Reads names from the policy lazily; any problem (no policy, a broken file) means no names,
// never an error on the terminal in the middle of a command line.
class PolicyNames {
public:
    explicit PolicyNames(std::optional<std::string> config) : m_config(std::move(config)) {}

    std::vector<Candidate> get(const std::string& kind) {
        std::vector<Candidate> out;
        try {
            const unsigned sections = policy::policy_names_sections(kind);
            if (sections == 0) {
                // Names that need no policy file (the section names themselves).
                for (auto& name : policy::policy_names(policy::Policy{}, kind)) {
                    out.push_back({std::move(name), ""});
                }
                return out;
            }
            if (!m_policy || (m_policy->loaded & sections) != sections) {
                m_policy = std::make_unique<policy::Policy>(
                    policy::load_policy(policy::find_policy_dir(m_config), sections | m_sections));
                m_sections |= sections;
            }
            for (auto& name : policy::policy_names(*m_policy, kind)) {
                std::string help;
                if (kind == "people") {
                    if (const auto* person = m_policy->person(name)) {
                        help = person->name;
                    }
                }
                out.push_back({std::move(name), std::move(help)});
            }
        } catch (const std::exception&) {
            return {};
        }
        return out;
    }

private:
    std::optional<std::string> m_config;
    std::unique_ptr<policy::Policy> m_policy;
    unsigned m_sections = 0;
};

// The command path of `app` without the program: "roster override add".
std::string command_path(const CLI::App& app) {
    std::string path;
    for (const auto* a = &app; a != nullptr && a->get_parent() != nullptr; a = a->get_parent()) {
        path = path.empty() ? a->get_name() : a->get_name() + " " + path;
    }
    return path;
}

// Values for an option or positional `opt` of `app`.
void add_values(Answer& answer, const CLI::App& app, const CLI::Option& opt, PolicyNames& names) {
    if (auto members = member_values(opt); !members.empty()) {
        for (auto& m : members) {
            answer.candidates.push_back({std::move(m), ""});
        }
        return;
    }
    const std::string kind = value_kind(option_key(opt), command_path(app));
    if (kind.empty()) {
        return;
    }
    if (kind == "files") {
        answer.paths = Paths::files;
    } else if (kind == "dirs") {
        answer.paths = Paths::dirs;
    } else if (kind == "formats") {
        for (const auto f : output::format_names()) {
            answer.candidates.push_back({std::string(f), ""});
        }
        const std::string text = app.get_description() + " " + app.get_footer();
        for (const auto f : k_extra_formats) {
            if (text.find(f) != std::string::npos) {
                answer.candidates.push_back({std::string(f), ""});
            }
        }
    } else if (auto fixed = fixed_values(kind); !fixed.empty()) {
        for (auto& f : fixed) {
            answer.candidates.push_back({std::move(f), ""});
        }
    } else {
        auto more = names.get(kind);
        answer.candidates.insert(answer.candidates.end(), more.begin(), more.end());
    }
}

void add_options(Answer& answer, const std::vector<const CLI::App*>& chain) {
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        for (const auto* opt : (*it)->get_options()) {
            if (!opt->nonpositional() || opt->get_group().empty()) {
                continue;
            }
            // The root's help flag is the same as every verb's: list it once.
            if (it != chain.rbegin() && opt->check_name("--help")) {
                continue;
            }
            const auto& longs = opt->get_lnames();
            const std::string help = first_line(opt->get_description());
            for (const auto& l : longs) {
                answer.candidates.push_back({"--" + l, help});
            }
            if (longs.empty()) {
                for (const auto& s : opt->get_snames()) {
                    answer.candidates.push_back({"-" + s, help});
                }
            }
        }
    }
}

// The candidates for the last word, given the words before it (without the program name).
Answer complete(const CLI::App& root, const std::vector<std::string>& words) {
    Answer answer;
    const std::string current = words.empty() ? std::string() : words.back();
    std::vector<const CLI::App*> chain = {&root};
    std::optional<std::string> config;
    const CLI::Option* pending = nullptr; // an option whose value is the current word
    std::size_t positional = 0;
    bool only_positionals = false;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        const std::string& w = words[i];
        if (!only_positionals && w == "--") {
            only_positionals = true;
            continue;
        }
        if (!only_positionals && w.size() > 1 && w[0] == '-') {
            const auto eq = w.find('=');
            const std::string name = w.substr(0, eq);
            const auto* opt = find_option(chain, name);
            if (opt == nullptr || !takes_value(*opt) || eq != std::string::npos) {
                if (opt != nullptr && opt->check_name("--config") && eq != std::string::npos) {
                    config = w.substr(eq + 1);
                }
                continue;
            }
            if (i + 2 == words.size()) {
                pending = opt;
                break;
            }
            if (opt->check_name("--config")) {
                config = words[i + 1];
            }
            ++i;
            continue;
        }
        if (positional == 0 && !only_positionals) {
            if (const auto* sub = find_subcommand(*chain.back(), w)) {
                chain.push_back(sub);
                continue;
            }
        }
        ++positional;
    }
    const CLI::App& app = *chain.back();
    PolicyNames names(config);
    std::string prefix; // "--format=" when the value is typed into the option's word
    std::string typed = current;
    if (pending != nullptr) {
        add_values(answer, app, *pending, names);
    } else if (!only_positionals && starts_with(current, "-")) {
        const auto eq = current.find('=');
        if (eq != std::string::npos) {
            if (const auto* opt = find_option(chain, current.substr(0, eq)); opt != nullptr && takes_value(*opt)) {
                prefix = current.substr(0, eq + 1);
                typed = current.substr(eq + 1);
                add_values(answer, app, *opt, names);
            }
        } else {
            add_options(answer, chain);
        }
    } else {
        if (positional == 0) {
            for (const auto* sub : visible_subcommands(app)) {
                answer.candidates.push_back({sub->get_name(), first_line(sub->get_description())});
            }
        }
        const auto pos = positionals(app);
        std::size_t index = positional;
        for (const auto* opt : pos) {
            const bool many = opt->get_items_expected_max() > 1;
            if (index == 0 || many) {
                add_values(answer, app, *opt, names);
                break;
            }
            --index;
        }
    }
    std::vector<Candidate> matching;
    for (auto& c : answer.candidates) {
        if (starts_with(c.value, typed)) {
            matching.push_back({prefix + c.value, std::move(c.help)});
        }
    }
    answer.candidates = std::move(matching);
    return answer;
}

void run_completion(const CompletionOptions& opt, Globals&) {
    const auto script = completion_script(opt.shell);
    if (script.empty()) {
        throw UsageError(fmt::format("no completion for shell '{}'", opt.shell), "use bash, zsh or fish");
    }
    std::cout << script;
}

void run_complete(const CompleteOptions& opt, const CLI::App& root) {
    try {
        const Answer answer = complete(root, opt.words);
        for (const auto& c : answer.candidates) {
            // One candidate per line; a tab separates the description (fish's own format).
            std::cout << c.value;
            if (!c.help.empty()) {
                std::cout << '\t' << c.help;
            }
            std::cout << '\n';
        }
        if (answer.paths == Paths::files) {
            std::cout << ":files\n";
        } else if (answer.paths == Paths::dirs) {
            std::cout << ":dirs\n";
        }
    } catch (const std::exception&) {
        // Completion never prints errors: a Tab that offers nothing is the answer.
    }
}

} // namespace

void register_completion(CLI::App& app, Globals& g) {
    auto opt = std::make_shared<CompletionOptions>();
    auto* completion = app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
    completion->add_option("shell", opt->shell, "bash, zsh or fish")->required();
    completion->callback([opt, &g] { run_completion(*opt, g); });

    // Called by the scripts as `opsctl __complete -- WORD... CURRENT`; hidden from --help.
    auto words = std::make_shared<CompleteOptions>();
    auto* complete_cmd = app.add_subcommand("__complete", "");
    complete_cmd->group("");
    complete_cmd->add_option("words", words->words, "The command line after 'opsctl', the word being completed last");
    complete_cmd->callback([words, &app] { run_complete(*words, app); });
}

} // namespace opsctl::cmd
