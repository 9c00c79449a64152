#include "lib/policy/checklists.hpp"

#include "lib/policy/parsers.hpp"
#include "lib/util/pattern.hpp"
#include "lib/util/secret.hpp"
#include "lib/util/template.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex.h>

namespace opsctl::policy {

namespace {

const std::vector<std::string> k_kind_names = {"disk",     "memory",   "load",     "swap",    "process", "tcp",
                                               "http",     "file_age", "log_scan", "command", "manual"};

const std::vector<std::string> k_common_keys = {"kind", "title", "timeout", "on_timeout"};

// The keys each kind accepts besides the common ones.
std::vector<std::string> kind_keys(ItemKind kind) {
    switch (kind) {
    case ItemKind::disk:
        return {"path", "warn", "crit", "inodes_warn", "inodes_crit"};
    case ItemKind::memory:
    case ItemKind::swap:
        return {"warn", "crit"};
    case ItemKind::load:
        return {"warn", "crit", "minutes"};
    case ItemKind::process:
        return {"name", "pattern", "min", "max", "ignore_case"};
    case ItemKind::tcp:
        return {"host", "port"};
    case ItemKind::http:
        return {"url", "status", "contains", "cert_warn_days", "cert_crit_days", "verify", "auth"};
    case ItemKind::file_age:
        return {"path", "max_age", "warn_age"};
    case ItemKind::log_scan:
        return {"file", "pattern", "warn", "crit", "missing", "ignore_case"};
    case ItemKind::command:
        return {"command", "shell"};
    case ItemKind::manual:
        return {"question"};
    }
    return {};
}

int status_word(const std::string& word) {
    if (word == "ok") {
        return 0;
    }
    if (word == "warning") {
        return 1;
    }
    if (word == "critical") {
        return 2;
    }
    return 3;
}

bool has_template(const std::string& s) { return s.find("{{") != std::string::npos; }
bool has_asset_template(const std::string& s) { return s.find("{{asset.") != std::string::npos; }

// A threshold written as "85%", a byte size ("2G") or a plain number, as the kind allows.
std::optional<Threshold> threshold(Reader& r, const Node& map, const std::string& key, bool percent_ok,
                                   bool bytes_ok, bool number_ok) {
    const Node v = map[key];
    if (!v.is_defined() || v.is_null()) {
        return std::nullopt;
    }
    auto text = r.as_string(v, fmt::format("'{}'", key));
    if (!text) {
        return std::nullopt;
    }
    Threshold t;
    const std::string& s = *text;
    try {
        if (percent_ok && !s.empty() && s.back() == '%') {
            std::size_t used = 0;
            const double d = std::stod(s.substr(0, s.size() - 1), &used);
            if (used == s.size() - 1 && d >= 0 && d <= 100) {
                t.unit = Threshold::Unit::percent;
                t.value = d / 100.0;
                return t;
            }
        } else if (number_ok) {
            std::size_t used = 0;
            const double d = std::stod(s, &used);
            if (used == s.size() && d >= 0) {
                t.value = d;
                return t;
            }
        }
    } catch (const std::exception&) {
    }
    if (bytes_ok) {
        if (auto b = parse_byte_size(s)) {
            t.unit = Threshold::Unit::bytes;
            t.value = *b;
            return t;
        }
    }
    std::vector<std::string> forms;
    if (percent_ok) {
        forms.emplace_back("a percentage such as 85%");
    }
    if (bytes_ok) {
        forms.emplace_back("a size such as 2G");
    }
    if (number_ok) {
        forms.emplace_back("a number");
    }
    std::string expected = forms.front();
    for (std::size_t i = 1; i < forms.size(); ++i) {
        expected += (i + 1 == forms.size() ? " or " : ", ") + forms[i];
    }
    r.error(v, fmt::format("'{}' must be {}, not '{}'", key, expected, s));
    return std::nullopt;
}

void check_regex(Reader& r, const Node& map, const std::string& key, const std::string& pattern) {
    if (pattern.empty() || has_template(pattern)) {
        return;
    }
    if (const auto why = util::unsafe_regex(pattern)) {
        r.error(map[key], fmt::format("'{}' is refused as a regular expression: {}", key, *why));
        return;
    }
    // The same engine the probes use: POSIX extended regular expressions.
    regex_t re;
    const int rc = ::regcomp(&re, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char buf[256];
        ::regerror(rc, &re, buf, sizeof buf);
        r.error(map[key], fmt::format("'{}' is not a valid regular expression: {}", key, buf));
        return;
    }
    ::regfree(&re);
}

// Credentials for an http item come from a private file or the environment, never from the
// policy text: a policy is kept in version control and read by many.
void parse_http_auth(Reader& r, const Node& value, ChecklistItem& item) {
    if (auto u = util::url_userinfo(item.url); u && u->password) {
        r.error(value["url"], "'url' holds a password, which would be stored and shown with every result: write "
                              "'auth: {user: NAME, password_file: FILE}' (a file of mode 0600) or "
                              "'auth: {user: NAME, password_env: VARIABLE}' instead");
    }
    const Node auth = value["auth"];
    if (!auth.is_defined() || auth.is_null()) {
        return;
    }
    if (auth.is_map() && auth["password"].is_defined()) {
        r.error(auth["password"], "'auth' takes no 'password': put it in a file of mode 0600 named by "
                                  "'password_file', or in an environment variable named by 'password_env'");
        return;
    }
    if (!r.map(auth, "'auth'", {"user", "password_file", "password_env"})) {
        return;
    }
    item.auth_user = r.string(auth, "user", true).value_or("");
    item.auth_password_file = r.string(auth, "password_file").value_or("");
    item.auth_password_env = r.string(auth, "password_env").value_or("");
    if (item.auth_password_file.empty() == item.auth_password_env.empty()) {
        r.error(auth, "'auth' needs exactly one of 'password_file' or 'password_env'");
    }
    if (!item.auth_password_file.empty() && item.auth_password_file.front() != '/') {
        r.error(auth["password_file"], fmt::format("'password_file' must be an absolute path, not '{}'",
                                                   item.auth_password_file));
    }
    if (util::url_userinfo(item.url)) {
        r.error(value["url"], "give the user in 'auth' only, not also in 'url'");
    }
}

// Placeholders are checked where the policy is read: unknown filters, and places in a
// shell command where quoting the value cannot keep it one word.
void check_templates(Reader& r, const Node& value, const std::string& what, const ChecklistItem& item) {
    const std::string path_key = item.kind == ItemKind::log_scan ? "file" : "path";
    const std::string title_key = item.kind == ItemKind::manual && value["question"].is_defined() ? "question" : "title";
    const std::vector<std::pair<std::string, const std::string*>> fields = {
        {path_key, &item.path}, {"host", &item.host},        {"port", &item.port},
        {"url", &item.url},     {"pattern", &item.pattern},  {"name", &item.process_name},
        {"contains", &item.contains}, {title_key, &item.title}};
    auto report = [&](const std::string& key, const std::string& text, util::TemplateUse use) {
        for (auto& problem : util::template_problems(text, use)) {
            const Node at = value[key];
            r.error(at.is_defined() ? at : value, fmt::format("{} '{}': {}", what, key, problem));
        }
    };
    for (const auto& [key, text] : fields) {
        report(key, *text, util::TemplateUse::argument);
    }
    for (const auto& a : item.command) {
        report("command", a, item.shell ? util::TemplateUse::shell : util::TemplateUse::argument);
    }
}

ChecklistItem parse_item(Reader& r, const std::string& list, const std::string& name, const Node& key,
                         const Node& value, bool per_asset) {
    ChecklistItem item;
    item.name = name;
    item.origin = r.origin(key);
    const std::string what = fmt::format("item '{}' of checklist '{}'", name, list);
    if (!value.is_map()) {
        r.error(value, fmt::format("{} must be a mapping with at least 'kind'", what));
        return item;
    }
    auto kind = r.string(value, "kind", true);
    if (!kind) {
        return item;
    }
    if (std::find(k_kind_names.begin(), k_kind_names.end(), *kind) == k_kind_names.end()) {
        r.error(value["kind"], fmt::format("unknown item kind '{}' ({})", *kind, util::suggest(*kind, k_kind_names)));
        return item;
    }
    for (std::size_t i = 0; i < k_kind_names.size(); ++i) {
        if (k_kind_names[i] == *kind) {
            item.kind = static_cast<ItemKind>(i);
        }
    }
    auto known = k_common_keys;
    for (auto& k : kind_keys(item.kind)) {
        known.push_back(k);
    }
    if (!r.map(value, what, known)) {
        return item;
    }
    item.title = r.string(value, "title").value_or("");
    item.timeout = r.duration(value, "timeout");
    if (auto t = r.one_of(value, "on_timeout", {"critical", "unknown"})) {
        item.on_timeout = status_word(*t);
    }
    switch (item.kind) {
    case ItemKind::disk:
        item.path = r.string(value, "path").value_or("/");
        item.warn = threshold(r, value, "warn", true, true, false);
        item.crit = threshold(r, value, "crit", true, true, false);
        item.inodes_warn = r.percent(value, "inodes_warn");
        item.inodes_crit = r.percent(value, "inodes_crit");
        break;
    case ItemKind::memory:
        item.warn = threshold(r, value, "warn", true, true, false);
        item.crit = threshold(r, value, "crit", true, true, false);
        break;
    case ItemKind::swap:
        item.warn = threshold(r, value, "warn", true, false, false);
        item.crit = threshold(r, value, "crit", true, false, false);
        break;
    case ItemKind::load:
        item.warn = threshold(r, value, "warn", false, false, true);
        item.crit = threshold(r, value, "crit", false, false, true);
        if (auto m = r.integer(value, "minutes")) {
            if (*m != 1 && *m != 5 && *m != 15) {
                r.error(value["minutes"], "'minutes' must be 1, 5 or 15");
            } else {
                item.load_minutes = static_cast<int>(*m);
            }
        }
        break;
    case ItemKind::process:
        item.process_name = r.string(value, "name").value_or("");
        item.pattern = r.string(value, "pattern").value_or("");
        item.min_count = r.integer(value, "min", false, 0);
        item.max_count = r.integer(value, "max", false, 0);
        item.ignore_case = r.boolean(value, "ignore_case").value_or(false);
        if (item.process_name.empty() == item.pattern.empty()) {
            r.error(value, fmt::format("{} needs exactly one of 'name' or 'pattern'", what));
        }
        check_regex(r, value, "pattern", item.pattern);
        break;
    case ItemKind::tcp:
        item.host = r.string(value, "host", true).value_or("");
        item.port = r.string(value, "port", true).value_or("");
        if (!item.port.empty() && !has_template(item.port)) {
            char* end = nullptr;
            const long p = std::strtol(item.port.c_str(), &end, 10);
            if (*end != '\0' || p < 1 || p > 65535) {
                r.error(value["port"], fmt::format("'port' must be a number from 1 to 65535, not '{}'", item.port));
            }
        }
        break;
    case ItemKind::http: {
        item.url = r.string(value, "url", true).value_or("");
        if (auto codes = r.strings(value, "status")) {
            for (const auto& c : *codes) {
                char* end = nullptr;
                const long code = std::strtol(c.c_str(), &end, 10);
                if (*end != '\0' || code < 100 || code > 599) {
                    r.error(value["status"], fmt::format("'status' must hold HTTP status codes, not '{}'", c));
                } else {
                    item.expect_status.push_back(static_cast<int>(code));
                }
            }
        }
        if (item.expect_status.empty()) {
            item.expect_status.push_back(200);
        }
        item.contains = r.string(value, "contains").value_or("");
        item.cert_warn_days = static_cast<int>(r.integer(value, "cert_warn_days", false, 0, 3650).value_or(14));
        item.cert_crit_days = static_cast<int>(r.integer(value, "cert_crit_days", false, 0, 3650).value_or(7));
        item.verify_tls = r.boolean(value, "verify").value_or(true);
        parse_http_auth(r, value, item);
        break;
    }
    case ItemKind::file_age:
        item.path = r.string(value, "path", true).value_or("");
        item.max_age = r.duration(value, "max_age", true);
        item.warn_age = r.duration(value, "warn_age");
        break;
    case ItemKind::log_scan:
        item.path = r.string(value, "file", true).value_or("");
        item.pattern = r.string(value, "pattern", true).value_or("");
        item.warn = threshold(r, value, "warn", false, false, true);
        item.crit = threshold(r, value, "crit", false, false, true);
        if (!item.warn && !item.crit) {
            item.warn = Threshold{Threshold::Unit::number, 1};
        }
        if (auto m = r.one_of(value, "missing", {"ok", "warning", "critical", "unknown"})) {
            item.missing_status = status_word(*m);
        }
        item.ignore_case = r.boolean(value, "ignore_case").value_or(false);
        check_regex(r, value, "pattern", item.pattern);
        break;
    case ItemKind::command:
        item.shell = r.boolean(value, "shell").value_or(false);
        item.command = r.strings(value, "command", true).value_or(std::vector<std::string>{});
        if (item.shell && item.command.size() != 1) {
            r.error(value["command"], "with 'shell: true', 'command' must be one string for /bin/sh");
        } else if (!item.shell && item.command.size() == 1 &&
                   item.command.front().find(' ') != std::string::npos) {
            r.error(value["command"], "'command' is a list of arguments (no shell): write it as "
                                      "[program, arg, ...], or set 'shell: true'");
        }
        break;
    case ItemKind::manual:
        if (auto q = r.string(value, "question")) {
            item.title = *q;
        }
        if (item.title.empty()) {
            r.error(value, fmt::format("{} needs a 'question' (or 'title')", what));
        }
        break;
    }
    check_templates(r, value, what, item);
    if (!per_asset && item.uses_asset_fields()) {
        r.error(value, fmt::format("{} uses {{{{asset...}}}} but checklist '{}' has no 'targets: {{assets: ...}}'",
                                   what, list));
    }
    return item;
}

} // namespace

const char* item_kind_name(ItemKind kind) { return k_kind_names[static_cast<std::size_t>(kind)].c_str(); }

const std::vector<std::string>& item_kind_names() { return k_kind_names; }

bool ChecklistItem::uses_asset_fields() const {
    for (const auto* s : {&path, &pattern, &process_name, &host, &port, &url, &contains}) {
        if (has_asset_template(*s)) {
            return true;
        }
    }
    for (const auto& a : command) {
        if (has_asset_template(a)) {
            return true;
        }
    }
    return false;
}

const ChecklistItem* Checklist::item(const std::string& name) const {
    for (const auto& i : items) {
        if (i.name == name) {
            return &i;
        }
    }
    return nullptr;
}

const Checklist* ChecklistPolicy::find(const std::string& name) const {
    auto it = checklists.find(name);
    return it == checklists.end() ? nullptr : &it->second;
}

std::vector<std::string> ChecklistPolicy::names() const {
    std::vector<std::string> out;
    for (const auto& [name, c] : checklists) {
        out.push_back(name);
    }
    return out;
}

std::optional<double> parse_byte_size(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
        ++i;
    }
    if (i == 0) {
        return std::nullopt;
    }
    double value = 0;
    try {
        value = std::stod(text.substr(0, i));
    } catch (const std::exception&) {
        return std::nullopt;
    }
    std::string unit = text.substr(i);
    if (!unit.empty() && unit.front() == ' ') {
        unit.erase(0, 1);
    }
    static const std::vector<std::pair<std::string, int>> k_units = {
        {"", 0},    {"B", 0},   {"K", 1},   {"KB", 1},  {"KiB", 1}, {"M", 2},   {"MB", 2},  {"MiB", 2},
        {"G", 3},   {"GB", 3},  {"GiB", 3}, {"T", 4},   {"TB", 4},  {"TiB", 4}, {"k", 1},   {"kB", 1}};
    for (const auto& [name, power] : k_units) {
        if (unit == name) {
            return value * std::pow(1024.0, power);
        }
    }
    return std::nullopt;
}

void parse_checklists(Reader& r, const Node& node, Policy& p) {
    r.entries(node, "checklist", [&](const std::string& name, const Node& key, const Node& value) {
        if (auto it = p.checklists.checklists.find(name); it != p.checklists.checklists.end()) {
            r.error(key, fmt::format("checklist '{}' is defined twice (first at {})", name, it->second.origin.str()));
            return;
        }
        Checklist c;
        c.name = name;
        c.origin = r.origin(key);
        const std::string what = fmt::format("checklist '{}'", name);
        if (!r.map(value, what, {"title", "every", "timeout", "targets", "ticket", "items"})) {
            return;
        }
        c.title = r.string(value, "title").value_or(name);
        if (auto every = r.duration(value, "every", true)) {
            if (every->is_zero()) {
                r.error(value["every"], "'every' must be longer than zero");
            } else {
                c.every = *every;
            }
        }
        if (auto t = r.duration(value, "timeout")) {
            c.timeout = *t;
        }
        const Node targets = value["targets"];
        if (targets.is_defined() && !targets.is_null()) {
            if (targets.is_scalar() && (targets.scalar() == "local" || targets.scalar() == "localhost")) {
                // the default, written out
            } else if (r.map(targets, what + " targets", {"assets"})) {
                const Node a = targets["assets"];
                if (a.is_defined() && r.map(a, what + " targets.assets", {"class", "status"})) {
                    AssetTargets at;
                    at.asset_class = r.string(a, "class").value_or("");
                    at.status = r.string(a, "status").value_or("in_use");
                    c.assets = at;
                }
            }
        }
        const Node ticket = value["ticket"];
        if (ticket.is_defined() && !ticket.is_null()) {
            if (ticket.is_scalar()) {
                if (auto on = r.as_string(ticket, "'ticket'"); on && (*on == "true" || *on == "yes")) {
                    c.ticket = ChecklistTicket{};
                } else if (!on || (*on != "false" && *on != "no")) {
                    r.error(ticket, "'ticket' must be true, false or a mapping with type, priority, on, assignee");
                }
            } else if (r.map(ticket, what + " ticket", {"type", "priority", "on", "assignee"})) {
                ChecklistTicket t;
                t.type = r.string(ticket, "type").value_or("incident");
                t.priority = r.string(ticket, "priority").value_or("");
                t.on = status_word(r.one_of(ticket, "on", {"warning", "critical"}).value_or("critical"));
                t.assignee = r.string(ticket, "assignee").value_or("");
                c.ticket = t;
            }
        }
        const Node items = value["items"];
        if (!items.is_defined() || items.is_null()) {
            r.error(value, fmt::format("{} needs 'items'", what));
        } else {
            r.entries(items, "item", [&](const std::string& item, const Node& k, const Node& v) {
                c.items.push_back(parse_item(r, name, item, k, v, c.assets.has_value()));
            });
        }
        p.checklists.checklists.emplace(name, std::move(c));
    });
}

void finish_checklists(Diagnostics& d, Policy& p) {
    for (const auto& [name, c] : p.checklists.checklists) {
        if (c.ticket && !c.ticket->assignee.empty() && !p.people.empty() && !p.person(c.ticket->assignee)) {
            d.error(c.origin, fmt::format("checklist '{}' ticket assignee '{}' is not in 'people'", name,
                                          c.ticket->assignee));
        }
    }
}

} // namespace opsctl::policy
