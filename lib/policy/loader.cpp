#include "lib/policy/loader.hpp"

#include "lib/core/error.hpp"
#include "lib/policy/parsers.hpp"
#include "lib/policy/tree_cache.hpp"
#include "lib/util/file.hpp"
#include "lib/util/text.hpp"
#include "lib/util/unicode.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace opsctl::policy {

namespace fs = std::filesystem;

namespace {

// A policy file is a page of settings; anything this big is a mistake or an attack.
constexpr std::uintmax_t k_max_file_size = 4 * 1024 * 1024;

struct Fragment {
    std::string file;
    std::string section;
    Node key;
    Node value;
};

// The fragments of every file, and the trees they point into.
struct Fragments {
    std::vector<Document> documents;
    std::vector<Fragment> list;
};

struct SectionTable {
    const char* name;
    void (*parse)(Reader&, const Node&, Policy&);
    void (*finish)(Diagnostics&, Policy&);
};

// Site first: other sections read its time zone.
const SectionTable k_sections[] = {
    {"site", parse_site, finish_site},
    {"calendar", parse_calendar, finish_calendar},
    {"people", parse_people, finish_people},
    {"tickets", parse_tickets, finish_tickets},
    {"sla", parse_sla, finish_sla},
    {"assets", parse_assets, finish_assets},
    {"checklists", parse_checklists, finish_checklists},
    {"backups", parse_backups, finish_backups},
    {"roster", parse_roster, finish_roster},
    {"report", parse_report, finish_report},
    {"notify", parse_notify, finish_notify},
    {"roles", parse_roles, finish_roles},
    {"service_accounts", parse_service_accounts, finish_service_accounts},
    // Last: its names are checked against the sections above.
    {"schedules", parse_schedules, finish_schedules},
};


// The bytes of a file, read with one fstat and as few reads as it takes (an ifstream and a
// stringstream cost more than the rest of reading a cached file); nullopt when it cannot be
// read, "" with `too_large` set when it is over the limit.
std::optional<std::string> read_file(const fs::path& path, bool& too_large) {
    too_large = false;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return std::nullopt;
    }
    if (static_cast<std::uintmax_t>(st.st_size) > k_max_file_size) {
        ::close(fd);
        too_large = true;
        return std::string();
    }
    auto text = util::read_bounded(fd, static_cast<std::size_t>(st.st_size), k_max_file_size);
    ::close(fd);
    if (text && text->size() > k_max_file_size) {
        too_large = true;
        return std::string();
    }
    return text;
}

std::vector<fs::path> policy_files(const fs::path& dir) {
    std::vector<fs::path> files;
    files.push_back(dir / "opsctl.yaml");
    std::vector<fs::path> extra;
    std::error_code ec;
    const fs::path sub = dir / "policies";
    if (fs::is_directory(sub, ec)) {
        for (const auto& entry : fs::directory_iterator(sub, ec)) {
            const auto ext = entry.path().extension();
            if ((ext == ".yaml" || ext == ".yml") && entry.is_regular_file()) {
                extra.push_back(entry.path());
            }
        }
    }
    std::sort(extra.begin(), extra.end());
    files.insert(files.end(), extra.begin(), extra.end());
    return files;
}

// The top-level keys of a file written as a plain block mapping (as every policy file is),
// found without parsing the YAML; nullopt when anything else appears at the top level (flow
// style, several documents, anchors, quoted or complex keys), and the file is parsed.
std::optional<std::vector<std::string>> top_level_keys(const std::string& text) {
    std::vector<std::string> keys;
    std::size_t pos = 0;
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        pos = 3;
    }
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '#') {
            continue;
        }
        if (std::string_view("{[-?&*!|>'\"%@`:.").find(line[0]) != std::string_view::npos) {
            return std::nullopt;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || (colon + 1 < line.size() && line[colon + 1] != ' ' &&
                                                line[colon + 1] != '\t')) {
            return std::nullopt;
        }
        std::string_view key = line.substr(0, colon);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) {
            key.remove_suffix(1);
        }
        keys.emplace_back(key);
    }
    return keys;
}

// Where the first byte that is not well-formed UTF-8 sits (line and column counted in
// characters, from 1), or nullopt when the whole text is UTF-8. yaml-cpp reads such bytes as
// Latin-1 without a word, so a GBK-saved file would load as mojibake.
std::optional<Origin> first_invalid_utf8(const std::string& file, const std::string& text) {
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t length = 1;
        if (static_cast<unsigned char>(text[i]) >= 0x80) { // ASCII needs no decoding
            const util::CodePoint c = util::decode_utf8(text, i);
            if (!c.valid) {
                return Origin{file, line, column};
            }
            length = c.length;
        }
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
        i += length;
    }
    return std::nullopt;
}

// The tree of one file: from the parse cache when this exact text was parsed before, else
// parsed (and kept in the cache). YAML syntax errors are reported; nullopt then.
std::optional<Document> document_of(const std::string& file, const std::string& text, Diagnostics& diag,
                                    const fs::path& cache_dir) {
    if (auto cached = cached_document(cache_dir, text)) {
        return cached;
    }
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        diag.error(Origin{file, e.mark.line + 1, e.mark.column + 1}, e.msg);
        return std::nullopt;
    }
    auto doc = Document::from_yaml(root);
    if (!doc) {
        diag.error(Origin{file, 0, 0},
                   fmt::format("the file nests deeper than {} levels or holds more than {} values (aliases expand)",
                               Document::k_max_depth, Document::k_max_nodes));
        return std::nullopt;
    }
    store_document(cache_dir, text, *doc);
    return doc;
}

// Reads every file and splits it into section fragments; YAML syntax errors and
// unknown sections are reported, and keys set in two files are named with both places.
// A file whose top-level keys are all known sections outside `wanted` is not parsed at all:
// parsing YAML is most of the start-up time of a command, which needs only a few sections.
Fragments read_fragments(const fs::path& dir, Diagnostics& diag, std::vector<fs::path>& files_out,
                         unsigned wanted = section::k_all) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw ConfigError(fmt::format("no policy directory '{}'", dir.string()),
                          "run 'opsctl init' to create one, or pass --config DIR");
    }
    const fs::path main_file = dir / "opsctl.yaml";
    if (!fs::is_regular_file(main_file, ec)) {
        throw ConfigError(fmt::format("no opsctl.yaml in policy directory '{}'", dir.string()),
                          "run 'opsctl init' to create one");
    }
    const fs::path cache_dir = tree_cache_dir();
    Fragments out;
    std::map<std::string, Origin> setting_origins; // "section.key" -> first place
    for (const auto& path : policy_files(dir)) {
        const std::string file = path.string();
        files_out.push_back(path);
        bool too_large = false;
        const auto text = read_file(path, too_large);
        if (too_large) {
            diag.error(Origin{file, 0, 0}, fmt::format("file is larger than {} MiB", k_max_file_size >> 20));
            continue;
        }
        if (!text) {
            diag.error(Origin{file, 0, 0}, "cannot read file");
            continue;
        }
        // Before the parse cache and before skipping unneeded files: every file must be text.
        if (auto bad = first_invalid_utf8(file, *text)) {
            diag.error(*bad, "the file is not valid UTF-8 (save it as UTF-8, e.g. iconv -f GBK -t UTF-8)");
            continue;
        }
        if (wanted != section::k_all) {
            if (const auto keys = top_level_keys(*text)) {
                const bool needed = std::any_of(keys->begin(), keys->end(), [&](const std::string& k) {
                    const unsigned bit = section_bit(k);
                    return bit == 0 || (bit & wanted) != 0;
                });
                if (!needed) {
                    continue;
                }
            }
        }
        auto doc = document_of(file, *text, diag, cache_dir);
        if (!doc) {
            continue;
        }
        const Node root = doc->root();
        out.documents.push_back(std::move(*doc));
        if (root.is_null()) {
            continue;
        }
        Reader r(file, diag);
        if (!root.is_map()) {
            r.error(root, "a policy file must be a mapping of section names (site, people, tickets, ...)");
            continue;
        }
        for (auto it = root.begin(); it != root.end(); ++it) {
            const std::string name = it->first.is_scalar() ? it->first.scalar() : std::string{};
            if (section_bit(name) == 0) {
                r.error(it->first, fmt::format("unknown section '{}' ({})", name, util::suggest(name, section_names())));
                continue;
            }
            // Settings (keys whose value is not a mapping of named items) may be set in one place only.
            if (it->second.is_map()) {
                for (auto kv = it->second.begin(); kv != it->second.end(); ++kv) {
                    if (!kv->first.is_scalar() || kv->second.is_map()) {
                        continue;
                    }
                    const std::string id = name + "." + kv->first.scalar();
                    const Origin here = r.origin(kv->first);
                    auto [pos, fresh] = setting_origins.emplace(id, here);
                    if (!fresh && pos->second.file != here.file) {
                        diag.error(here, fmt::format("'{}' is set twice (first at {})", id, pos->second.str()));
                    }
                }
            }
            out.list.push_back(Fragment{file, name, it->first, it->second});
        }
    }
    return out;
}

[[noreturn]] void throw_problems(const Diagnostics& diag) {
    std::vector<std::string> lines;
    for (const auto& p : diag.problems()) {
        lines.push_back(p.str());
    }
    const std::size_t n = lines.size();
    ConfigError error(fmt::format("policy has {} problem{}", n, n == 1 ? "" : "s"), "see 'man 5 opsctl-policy'");
    error.with_details(std::move(lines));
    throw error;
}

void deep_merge(YAML::Node target, const YAML::Node& source) {
    for (auto it = source.begin(); it != source.end(); ++it) {
        const std::string key = it->first.Scalar();
        YAML::Node existing = target[key];
        if (existing.IsMap() && it->second.IsMap()) {
            deep_merge(existing, it->second);
        } else {
            target[key] = YAML::Clone(it->second);
        }
    }
}

} // namespace

PolicyDirChoice choose_policy_dir(const std::optional<std::string>& option, bool for_init) {
    if (option && !option->empty()) {
        return {*option, "--config"};
    }
    if (const char* env = std::getenv("OPSCTL_CONFIG"); env && *env) {
        return {env, "$OPSCTL_CONFIG"};
    }
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
        return {fs::path(xdg) / "opsctl", "$XDG_CONFIG_HOME/opsctl"};
    }
    std::error_code ec;
    const char* home = std::getenv("HOME");
    const bool has_home = home && *home;
    const fs::path user = has_home ? fs::path(home) / ".config" / "opsctl" : fs::path();
    if (has_home && fs::is_directory(user, ec)) {
        return {user, "~/.config/opsctl exists"};
    }
    if (::geteuid() == 0) {
        return {k_system_policy_dir, "root, and no ~/.config/opsctl: the site-wide policy"};
    }
    // An ordinary user reads the site-wide policy when there is one (a member of
    // site.database_group, say), but init installs a policy of their own: /etc is root's.
    if (!has_home) {
        return {k_system_policy_dir, "no $HOME: the site-wide policy"};
    }
    if (!for_init && fs::is_directory(k_system_policy_dir, ec)) {
        return {k_system_policy_dir, "no ~/.config/opsctl, and /etc/opsctl exists: the site-wide policy"};
    }
    return {user, "an ordinary user's own policy (~/.config/opsctl, as $XDG_CONFIG_HOME is unset)"};
}

fs::path find_policy_dir(const std::optional<std::string>& option) { return choose_policy_dir(option).dir; }

Policy load_policy(const fs::path& dir, unsigned sections) {
    Diagnostics diag;
    Policy p;
    p.dir = dir;
    sections |= section::k_site;
    const Fragments fragments = read_fragments(dir, diag, p.files, sections);
    for (const auto& table : k_sections) {
        const unsigned bit = section_bit(table.name);
        if (!(sections & bit)) {
            continue;
        }
        for (const auto& f : fragments.list) {
            if (f.section == table.name) {
                Reader r(f.file, diag);
                table.parse(r, f.value, p);
            }
        }
        table.finish(diag, p);
        p.loaded |= bit;
    }
    if (!diag.ok()) {
        throw_problems(diag);
    }
    return p;
}

std::string effective_policy_yaml(const fs::path& dir, const std::string& section_name) {
    if (!section_name.empty() && section_bit(section_name) == 0) {
        throw UsageError(fmt::format("no policy section '{}'", section_name), util::suggest(section_name, section_names()));
    }
    // Validate first: showing a policy that does not load would mislead. Then the files are
    // parsed again with yaml-cpp, whose emitter writes the merged result.
    const Policy p = load_policy(dir);
    std::vector<std::pair<std::string, YAML::Node>> parts; // section, value; in file order
    for (const auto& path : p.files) {
        bool too_large = false;
        const auto text = read_file(path, too_large);
        if (!text || too_large) {
            throw ConfigError(fmt::format("cannot read '{}'", path.string()));
        }
        YAML::Node root;
        try {
            root = YAML::Load(*text);
        } catch (const YAML::Exception& e) {
            throw ConfigError(fmt::format("{}:{}:{}: {}", path.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
        }
        if (!root.IsMap()) {
            continue;
        }
        for (auto it = root.begin(); it != root.end(); ++it) {
            parts.emplace_back(it->first.Scalar(), it->second);
        }
    }
    YAML::Node merged(YAML::NodeType::Map);
    for (const auto& name : section_names()) {
        if (!section_name.empty() && name != section_name) {
            continue;
        }
        for (const auto& [section, value] : parts) {
            if (section != name) {
                continue;
            }
            if (!merged[name].IsDefined() || merged[name].IsNull() || !value.IsMap()) {
                merged[name] = YAML::Clone(value);
            } else {
                deep_merge(merged[name], value);
            }
        }
    }
    YAML::Emitter out;
    out << merged;
    return std::string(out.c_str()) + "\n";
}

} // namespace opsctl::policy
