#include "lib/policy/loader.hpp"

#include "lib/core/error.hpp"
#include "lib/policy/parsers.hpp"
#include "lib/policy/tree_cache.hpp"
#include "lib/util/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

namespace opsctl::policy {

namespace fs = std::filesystem;

namespace {

// A policy file is a page of settings; anything this big is a mistake or an attack.
constexpr std::uintmax_t k_max_file_size = 4 * 1024 * 1024;

struct Fragment {
    std::string file;
    std::string section;
    YAML::Node key;
    YAML::Node value;
};

struct SectionTable {
    const char* name;
    void (*parse)(Reader&, const YAML::Node&, Policy&);
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
};

// The parse cache for one load: where it lives, whether a tree came from it, and the trees
// parsed afresh (kept once the whole load has succeeded).
struct CacheUse {
    fs::path dir;
    bool hit = false;
    std::vector<std::pair<std::string, YAML::Node>> fresh; // file bytes, parsed tree
};

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

// Parses every file and splits it into section fragments; YAML syntax errors and
// unknown sections are reported, and keys set in two files are named with both places.
// A file whose top-level keys are all known sections outside `wanted` is not parsed at all:
// parsing YAML is most of the start-up time of a command, which needs only a few sections.
std::vector<Fragment> read_fragments(const fs::path& dir, Diagnostics& diag, std::vector<fs::path>& files_out,
                                     unsigned wanted = section::k_all, CacheUse* cache = nullptr) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw ConfigError(fmt::format("no policy directory '{}'", dir.string()),
                          "run 'opsctl init' to create one, or pass --config DIR");
    }
    if (!fs::is_regular_file(dir / "opsctl.yaml", ec)) {
        throw ConfigError(fmt::format("no opsctl.yaml in policy directory '{}'", dir.string()),
                          "run 'opsctl init' to create one");
    }
    std::vector<Fragment> fragments;
    std::map<std::string, Origin> setting_origins; // "section.key" -> first place
    for (const auto& path : policy_files(dir)) {
        const std::string file = path.string();
        files_out.push_back(path);
        if (fs::file_size(path, ec) > k_max_file_size) {
            diag.error(Origin{file, 0, 0}, fmt::format("file is larger than {} MiB", k_max_file_size >> 20));
            continue;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            diag.error(Origin{file, 0, 0}, "cannot read file");
            continue;
        }
        std::stringstream buffer;
        buffer << in.rdbuf();
        const std::string text = buffer.str();
        if (wanted != section::k_all) {
            if (const auto keys = top_level_keys(text)) {
                const bool needed = std::any_of(keys->begin(), keys->end(), [&](const std::string& k) {
                    const unsigned bit = section_bit(k);
                    return bit == 0 || (bit & wanted) != 0;
                });
                if (!needed) {
                    continue;
                }
            }
        }
        YAML::Node root;
        if (auto cached = cache ? cached_tree(cache->dir, text) : std::nullopt) {
            root = *cached;
            cache->hit = true;
        } else {
            try {
                root = YAML::Load(text);
            } catch (const YAML::Exception& e) {
                diag.error(Origin{file, e.mark.line + 1, e.mark.column + 1}, e.msg);
                continue;
            }
            if (cache) {
                cache->fresh.emplace_back(text, root);
            }
        }
        if (root.IsNull()) {
            continue;
        }
        Reader r(file, diag);
        if (!root.IsMap()) {
            r.error(root, "a policy file must be a mapping of section names (site, people, tickets, ...)");
            continue;
        }
        for (auto it = root.begin(); it != root.end(); ++it) {
            const std::string name = it->first.IsScalar() ? it->first.Scalar() : std::string{};
            if (section_bit(name) == 0) {
                r.error(it->first, fmt::format("unknown section '{}' ({})", name, util::suggest(name, section_names())));
                continue;
            }
            // Settings (keys whose value is not a mapping of named items) may be set in one place only.
            if (it->second.IsMap()) {
                for (auto kv = it->second.begin(); kv != it->second.end(); ++kv) {
                    if (!kv->first.IsScalar() || kv->second.IsMap()) {
                        continue;
                    }
                    const std::string id = name + "." + kv->first.Scalar();
                    const Origin here = r.origin(kv->first);
                    auto [pos, fresh] = setting_origins.emplace(id, here);
                    if (!fresh && pos->second.file != here.file) {
                        diag.error(here, fmt::format("'{}' is set twice (first at {})", id, pos->second.str()));
                    }
                }
            }
            fragments.push_back(Fragment{file, name, it->first, it->second});
        }
    }
    return fragments;
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

fs::path find_policy_dir(const std::optional<std::string>& option) {
    if (option && !option->empty()) {
        return *option;
    }
    if (const char* env = std::getenv("OPSCTL_CONFIG"); env && *env) {
        return env;
    }
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
        return fs::path(xdg) / "opsctl";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        const fs::path user = fs::path(home) / ".config" / "opsctl";
        std::error_code ec;
        if (fs::is_directory(user, ec)) {
            return user;
        }
    }
    return "/etc/opsctl";
}

namespace {

Policy load_sections(const fs::path& dir, unsigned sections, Diagnostics& diag, CacheUse* cache) {
    Policy p;
    p.dir = dir;
    sections |= section::k_site;
    const std::vector<Fragment> fragments = read_fragments(dir, diag, p.files, sections, cache);
    for (const auto& table : k_sections) {
        const unsigned bit = section_bit(table.name);
        if (!(sections & bit)) {
            continue;
        }
        for (const auto& f : fragments) {
            if (f.section == table.name) {
                Reader r(f.file, diag);
                table.parse(r, f.value, p);
            }
        }
        table.finish(diag, p);
        p.loaded |= bit;
    }
    return p;
}

} // namespace

Policy load_policy(const fs::path& dir, unsigned sections) {
    CacheUse cache{tree_cache_dir(), false, {}};
    Diagnostics diag;
    Policy p = load_sections(dir, sections, diag, cache.dir.empty() ? nullptr : &cache);
    if (diag.ok()) {
        for (const auto& [text, root] : cache.fresh) {
            store_tree(cache.dir, text, root);
        }
        return p;
    }
    if (cache.hit) {
        // Cached trees carry no positions: load again from the text so that every problem is
        // reported with its file:line:col.
        diag = Diagnostics{};
        p = load_sections(dir, sections, diag, nullptr);
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
    // Validate first: showing a policy that does not load would mislead.
    load_policy(dir);
    Diagnostics diag;
    std::vector<fs::path> files;
    const std::vector<Fragment> fragments = read_fragments(dir, diag, files);
    YAML::Node merged(YAML::NodeType::Map);
    for (const auto& name : section_names()) {
        if (!section_name.empty() && name != section_name) {
            continue;
        }
        for (const auto& f : fragments) {
            if (f.section != name) {
                continue;
            }
            if (!merged[name].IsDefined() || merged[name].IsNull() || !f.value.IsMap()) {
                merged[name] = YAML::Clone(f.value);
            } else {
                deep_merge(merged[name], f.value);
            }
        }
    }
    YAML::Emitter out;
    out << merged;
    return std::string(out.c_str()) + "\n";
}

} // namespace opsctl::policy
