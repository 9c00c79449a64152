#include "lib/policy/events.hpp"
#include "lib/policy/parsers.hpp"
#include "lib/util/secret.hpp"
#include "lib/util/text.hpp"
#include "lib/util/template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

namespace opsctl::policy {

std::string SecretRef::describe() const {
    return file.empty() ? fmt::format("environment variable '{}'", env) : fmt::format("file '{}'", file);
}

namespace {

// Checks each event pattern of `events` (a hook's or a channel's) against the known kinds.
void check_event_patterns(Reader& r, const Node& events, const std::string& subject) {
    const auto check_pattern = [&](const Node& item) {
        if (!item.is_scalar()) {
            return;
        }
        if (auto hint = unmatched_event_hint(item.scalar()); !hint.empty()) {
            r.error(item, fmt::format("{}: event pattern '{}' matches no event kind ({})", subject, item.scalar(), hint));
        }
    };
    if (events.is_sequence()) {
        for (const auto& item : events) {
            check_pattern(item);
        }
    } else {
        check_pattern(events);
    }
}

void parse_hooks(Reader& r, const Node& node, Policy& p) {
    r.entries(node, "notify hook", [&](const std::string& name, const Node& key, const Node& value) {
        if (auto it = p.notify.hooks.find(name); it != p.notify.hooks.end()) {
            r.error(key, fmt::format("notify hook '{}' is defined twice (first at {})", name, it->second.origin.str()));
            return;
        }
        if (!r.map(value, fmt::format("notify hook '{}'", name), {"command", "events", "timeout"})) {
            return;
        }
        NotifyHook hook;
        hook.name = name;
        hook.origin = r.origin(key);
        hook.command = r.strings(value, "command", true).value_or(std::vector<std::string>{});
        if (value["command"].is_defined() && hook.command.empty()) {
            r.error(value["command"], fmt::format("notify hook '{}' has an empty command", name));
        }
        hook.events = r.strings(value, "events").value_or(std::vector<std::string>{"*"});
        // A pattern that matches no kind is a hook that silently never runs.
        check_event_patterns(r, value["events"], fmt::format("notify hook '{}'", name));
        if (auto t = r.duration(value, "timeout")) {
            if (t->approx_seconds() <= 0 || t->approx_seconds() > 3600) {
                r.error(value["timeout"], "'timeout' must be between 1s and 1h");
            } else {
                hook.timeout = *t;
            }
        }
        p.notify.hooks.emplace(name, std::move(hook));
    });
}

// `key: {file: PATH}` or `key: {env: NAME}`: where a secret is read, never the secret.
SecretRef secret_ref(Reader& r, const Node& map, const std::string& key, const std::string& subject) {
    SecretRef ref;
    const Node node = map[key];
    if (!node.is_defined()) {
        return ref;
    }
    if (node.is_scalar()) {
        // Never echo the value: it is likely the secret itself.
        r.error(node, fmt::format("{}: '{}' names where the secret is read, not the secret "
                                  "(write '{}: {{file: /etc/opsctl/secret}}' for a file of mode 0600, or "
                                  "'{}: {{env: NAME}}' for an environment variable)",
                                  subject, key, key, key));
        return ref;
    }
    if (!r.map(node, fmt::format("{} '{}'", subject, key), {"file", "env"})) {
        return ref;
    }
    ref.file = r.string(node, "file").value_or("");
    ref.env = r.string(node, "env").value_or("");
    if (ref.file.empty() == ref.env.empty()) {
        r.error(node, fmt::format("{}: '{}' takes either 'file' or 'env'", subject, key));
        return {};
    }
    if (!ref.file.empty() && ref.file.front() != '/') {
        r.error(node["file"], fmt::format("{}: '{}' file must be an absolute path", subject, key));
    }
    if (!ref.env.empty() && !std::all_of(ref.env.begin(), ref.env.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '_';
        })) {
        r.error(node["env"], fmt::format("{}: '{}' env must be a variable name (letters, digits, '_')", subject, key));
    }
    return ref;
}

bool has_control(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// A mail address as it may go into an SMTP envelope and a header: one address, no display
// name, no space or control character that could start another header or command.
bool plain_address(const std::string& a) {
    const auto at = a.find('@');
    return at != std::string::npos && at > 0 && at + 1 < a.size() && a.find('@', at + 1) == std::string::npos &&
           !has_control(a) && a.find_first_of(" <>,;:\"()[]\\") == std::string::npos;
}

std::string default_url(const std::string& type) {
    if (type == "wecom") {
        return "https://qyapi.weixin.qq.com/cgi-bin/webhook/send";
    }
    if (type == "dingtalk") {
        return "https://oapi.dingtalk.com/robot/send";
    }
    if (type == "feishu") {
        return "https://open.feishu.cn/open-apis/bot/v2/hook";
    }
    return {};
}

bool local_host_url(const std::string& url) {
    const auto start = url.find("://");
    if (start == std::string::npos) {
        return false;
    }
    std::string host = url.substr(start + 3);
    host = host.substr(0, host.find_first_of("/?#"));
    if (host.starts_with("[")) {
        host = host.substr(0, host.find(']') + 1);
    } else {
        host = host.substr(0, host.find(':'));
    }
    return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

void parse_channels(Reader& r, const Node& node, Policy& p) {
    r.entries(node, "notify channel", [&](const std::string& name, const Node& key, const Node& value) {
        const std::string subject = fmt::format("notify channel '{}'", name);
        if (auto it = p.notify.channels.find(name); it != p.notify.channels.end()) {
            r.error(key, fmt::format("{} is defined twice (first at {})", subject, it->second.origin.str()));
            return;
        }
        if (p.notify.hooks.count(name)) {
            r.error(key, fmt::format("{}: a notify hook has the same name", subject));
            return;
        }
        if (!r.map(value, subject,
                   {"type", "url", "key", "secret", "user", "password", "from", "to", "tls", "ca_file", "events",
                    "priorities", "checklists", "backup_jobs", "language", "timeout", "quiet_hours", "quiet_except"})) {
            return;
        }
        NotifyChannel c;
        c.name = name;
        c.origin = r.origin(key);
        c.type = r.one_of(value, "type", k_channel_types, true).value_or("");
        if (c.type.empty()) {
            return;
        }
        c.url = r.string(value, "url").value_or(default_url(c.type));
        const auto allowed = [&](const char* k, bool ok) {
            if (value[k].is_defined() && !ok) {
                r.error(value[k], fmt::format("{}: '{}' does not apply to a {} channel", subject, k, c.type));
            }
        };
        const bool mail = c.type == "mail";
        const bool robot = c.type == "wecom" || c.type == "dingtalk" || c.type == "feishu";
        allowed("secret", c.type == "dingtalk" || c.type == "feishu");
        allowed("user", mail);
        allowed("password", mail);
        allowed("from", mail);
        allowed("to", mail);
        allowed("tls", mail);
        allowed("key", !mail);
        c.key = secret_ref(r, value, "key", subject);
        c.secret = secret_ref(r, value, "secret", subject);
        c.password = secret_ref(r, value, "password", subject);
        if (robot && !c.key.set() && !value["key"].is_defined()) {
            r.error(value, fmt::format("{}: a {} robot needs 'key' ({})", subject, c.type,
                                       c.type == "wecom"      ? "the key of its webhook address"
                                       : c.type == "dingtalk" ? "its access_token"
                                                              : "the hook id of its webhook address"));
        }
        // The address: http(s) for robots and webhooks, smtp(s) for mail, and nothing secret in it.
        const Node url_node = value["url"].is_defined() ? value["url"] : value;
        if (c.url.empty()) {
            r.error(value, fmt::format("{}: 'url' is required for a {} channel", subject, c.type));
        } else if (mail ? !(c.url.starts_with("smtp://") || c.url.starts_with("smtps://"))
                        : !(c.url.starts_with("http://") || c.url.starts_with("https://"))) {
            r.error(url_node, fmt::format("{}: 'url' must start with {}", subject, mail ? "smtp:// or smtps://" : "http:// or https://"));
        } else if (has_control(c.url) || c.url.find(' ') != std::string::npos) {
            r.error(url_node, fmt::format("{}: 'url' holds a space or a control character", subject));
        } else if (util::url_userinfo(c.url)) {
            r.error(url_node, fmt::format("{}: 'url' holds a user or password; give them with 'user' and 'password' "
                                          "or 'key' (read from a file or the environment)", subject));
        } else if (util::secret_like(c.url) || (robot && (c.url.find("key=") != std::string::npos ||
                                                          c.url.find("access_token=") != std::string::npos))) {
            r.error(url_node, fmt::format("{}: 'url' holds a secret; give it with 'key' (read from a file or the "
                                          "environment) and leave it out of the policy", subject));
        }
        if (mail) {
            c.user = r.string(value, "user").value_or("");
            if (c.user.empty() != !c.password.set()) {
                r.error(value, fmt::format("{}: 'user' and 'password' go together", subject));
            }
            if (has_control(c.user)) {
                r.error(value["user"], fmt::format("{}: 'user' holds a control character", subject));
            }
            c.from = r.string(value, "from", true).value_or("");
            if (!c.from.empty() && !plain_address(c.from)) {
                r.error(value["from"], fmt::format("{}: 'from' must be one plain address such as ops@example.com", subject));
            }
            c.to = r.strings(value, "to", true).value_or(std::vector<std::string>{});
            if (value["to"].is_defined() && c.to.empty()) {
                r.error(value["to"], fmt::format("{}: 'to' names no recipient", subject));
            }
            for (const auto& a : c.to) {
                if (!plain_address(a)) {
                    r.error(value["to"], fmt::format("{}: recipient '{}' is not one plain address such as ops@example.com",
                                                     subject, has_control(a) ? std::string("(with a control character)") : a));
                }
            }
            c.tls = r.one_of(value, "tls", {"starttls", "tls", "none"}).value_or(c.url.starts_with("smtps://") ? "tls" : "starttls");
            if (c.tls == "tls" && !c.url.starts_with("smtps://")) {
                r.error(value["tls"], fmt::format("{}: 'tls: tls' needs an smtps:// url", subject));
            }
            if (c.tls == "none" && !local_host_url(c.url)) {
                r.error(value["tls"], fmt::format("{}: 'tls: none' sends the password and the mail in clear text; "
                                                  "it is allowed only to 127.0.0.1 or localhost", subject));
            }
        }
        // A private certificate authority (a company's own, a test's): trusted for this channel
        // only. Read when sending, so that a certificate renewed in place needs no reload.
        if (value["ca_file"].is_defined()) {
            c.ca_file = r.string(value, "ca_file").value_or("");
            const bool tls = mail ? c.tls != "none" : c.url.starts_with("https://");
            if (!tls) {
                r.error(value["ca_file"], fmt::format("{}: 'ca_file' applies only to {}", subject,
                                                      mail ? "mail over STARTTLS or TLS" : "an https:// url"));
            } else if (c.ca_file.empty() || c.ca_file.front() != '/' || has_control(c.ca_file)) {
                r.error(value["ca_file"], fmt::format("{}: 'ca_file' must be an absolute path", subject));
            }
        }
        c.events = r.strings(value, "events").value_or(std::vector<std::string>{"*"});
        check_event_patterns(r, value["events"], subject);
        c.priorities = r.strings(value, "priorities").value_or(std::vector<std::string>{});
        c.checklists = r.strings(value, "checklists").value_or(std::vector<std::string>{});
        c.backup_jobs = r.strings(value, "backup_jobs").value_or(std::vector<std::string>{});
        c.language = r.one_of(value, "language", {"zh", "en"}).value_or("");
        if (auto t = r.duration(value, "timeout")) {
            if (t->approx_seconds() <= 0 || t->approx_seconds() > 60) {
                r.error(value["timeout"], fmt::format("{}: 'timeout' must be between 1s and 60s", subject));
            } else {
                c.timeout = *t;
            }
        }
        c.quiet_outside_business_hours =
            r.one_of(value, "quiet_hours", {"none", "outside-business-hours"}).value_or("none") != "none";
        c.quiet_except = r.strings(value, "quiet_except").value_or(std::vector<std::string>{});
        if (value["quiet_except"].is_defined() && !c.quiet_outside_business_hours) {
            r.error(value["quiet_except"], fmt::format("{}: 'quiet_except' needs 'quiet_hours: outside-business-hours'", subject));
        }
        p.notify.channels.emplace(name, std::move(c));
    });
}

void parse_templates(Reader& r, const Node& node, Policy& p) {
    if (!node.is_defined()) {
        return;
    }
    std::vector<std::string> kinds;
    for (const auto& k : event_kinds()) {
        kinds.emplace_back(k.name);
    }
    kinds.emplace_back("page");
    r.entries(node, "notify template", [&](const std::string& kind, const Node& key, const Node& value) {
        if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
            r.error(key, fmt::format("notify template '{}' is for no event kind ({})", kind, unmatched_event_hint(kind)));
            return;
        }
        if (!r.map(value, fmt::format("notify template '{}'", kind), {"zh", "en"})) {
            return;
        }
        for (const char* lang : {"zh", "en"}) {
            const Node t = value[lang];
            if (!t.is_defined()) {
                continue;
            }
            const std::string subject = fmt::format("notify template '{}' ({})", kind, lang);
            if (!r.map(t, subject, {"title", "text"})) {
                continue;
            }
            NotifyTemplate tpl;
            tpl.origin = r.origin(t);
            tpl.title = r.string(t, "title", true).value_or("");
            tpl.text = r.string(t, "text", true).value_or("");
            for (const auto& [field, text] : {std::pair<const char*, const std::string*>{"title", &tpl.title},
                                              std::pair<const char*, const std::string*>{"text", &tpl.text}}) {
                for (const auto& problem : util::template_problems(*text, util::TemplateUse::text)) {
                    r.error(t[field], fmt::format("{} {}: {}", subject, field, problem));
                }
            }
            if (p.notify.templates[kind].count(lang)) {
                r.error(t, fmt::format("{} is defined twice (first at {})", subject,
                                       p.notify.templates[kind][lang].origin.str()));
                continue;
            }
            p.notify.templates[kind][lang] = std::move(tpl);
        }
    });
}

void parse_paging(Reader& r, const Node& node, Policy& p) {
    if (!node.is_defined()) {
        return;
    }
    if (!r.map(node, "notify paging", {"channels", "rotation", "escalation", "after", "rounds", "tickets", "inspections", "backups"})) {
        return;
    }
    auto& g = p.notify.paging;
    g.enabled = true;
    g.origin = r.origin(node);
    g.channels = r.strings(node, "channels", true).value_or(std::vector<std::string>{});
    g.rotation = r.string(node, "rotation", true).value_or("");
    g.escalation = r.strings(node, "escalation").value_or(std::vector<std::string>{});
    if (auto a = r.duration(node, "after")) {
        if (a->approx_seconds() < 60 || a->approx_seconds() > 86400) {
            r.error(node["after"], "notify paging: 'after' must be between 1m and 1d");
        } else {
            g.after = *a;
        }
    }
    if (auto n = r.integer(node, "rounds", false, 1, 5)) {
        g.rounds = static_cast<int>(*n);
    }
    if (node["tickets"].is_defined()) {
        g.tickets = r.strings(node, "tickets").value_or(std::vector<std::string>{});
    }
    g.inspections = r.boolean(node, "inspections").value_or(false);
    g.backups = r.boolean(node, "backups").value_or(false);
}

} // namespace

void parse_notify(Reader& r, const Node& node, Policy& p) {
    if (!r.map(node, "section 'notify'", {"hooks", "channels", "templates", "paging", "language", "timeout", "attempts", "backoff"})) {
        return;
    }
    if (node["hooks"].is_defined()) {
        parse_hooks(r, node["hooks"], p);
    }
    if (auto lang = r.one_of(node, "language", {"zh", "en"})) {
        p.notify.language = *lang;
    }
    if (auto t = r.duration(node, "timeout")) {
        if (t->approx_seconds() <= 0 || t->approx_seconds() > 60) {
            r.error(node["timeout"], "notify: 'timeout' must be between 1s and 60s");
        } else {
            p.notify.timeout = *t;
        }
    }
    if (auto n = r.integer(node, "attempts", false, 1, 100)) {
        p.notify.attempts = static_cast<int>(*n);
    }
    if (auto b = r.duration(node, "backoff")) {
        if (b->approx_seconds() <= 0 || b->approx_seconds() > 86400) {
            r.error(node["backoff"], "notify: 'backoff' must be between 1s and 1d");
        } else {
            p.notify.backoff = *b;
        }
    }
    if (node["channels"].is_defined()) {
        parse_channels(r, node["channels"], p);
    }
    parse_templates(r, node["templates"], p);
    parse_paging(r, node["paging"], p);
}

void finish_notify(Diagnostics& d, Policy& p) {
    // A filter naming nothing that exists is a channel that silently never sends.
    for (const auto& entry : p.notify.channels) {
        // Named, not a structured binding: a lambda may not capture one before C++20 (clang 14).
        const std::string& name = entry.first;
        const auto& c = entry.second;
        const auto check = [&](const std::vector<std::string>& names, unsigned section, const char* what,
                               const std::function<bool(const std::string&)>& known,
                               const std::vector<std::string>& all) {
            if (!(p.loaded & section)) {
                return;
            }
            for (const auto& n : names) {
                if (!known(n)) {
                    d.error(c.origin, fmt::format("notify channel '{}' names no {} '{}' ({})", name, what, n,
                                                  util::suggest(n, all)));
                }
            }
        };
        check(c.priorities, section::k_tickets, "priority",
              [&](const std::string& n) { return p.tickets.priority(n) != nullptr; }, p.tickets.priority_names());
        check(c.quiet_except, section::k_tickets, "priority",
              [&](const std::string& n) { return p.tickets.priority(n) != nullptr; }, p.tickets.priority_names());
        check(c.checklists, section::k_checklists, "checklist",
              [&](const std::string& n) { return p.checklists.find(n) != nullptr; }, p.checklists.names());
        std::vector<std::string> jobs;
        for (const auto& [job, _] : p.backups.jobs) {
            jobs.push_back(job);
        }
        check(c.backup_jobs, section::k_backups, "backup job",
              [&](const std::string& n) { return p.backups.jobs.count(n) > 0; }, jobs);
    }
    const auto& g = p.notify.paging;
    if (!g.enabled) {
        return;
    }
    std::vector<std::string> channels;
    for (const auto& [name, _] : p.notify.channels) {
        channels.push_back(name);
    }
    for (const auto& c : g.channels) {
        if (!p.notify.channels.count(c)) {
            d.error(g.origin, fmt::format("notify paging names no channel '{}' ({})", c, util::suggest(c, channels)));
        }
    }
    if (p.loaded & section::k_tickets) {
        for (const auto& t : g.tickets) {
            if (!p.tickets.priority(t)) {
                d.error(g.origin, fmt::format("notify paging names no priority '{}' ({})", t,
                                              util::suggest(t, p.tickets.priority_names())));
            }
        }
    }
    if ((p.loaded & section::k_roster) && !g.rotation.empty() && !p.roster.rotation(g.rotation)) {
        d.error(g.origin, fmt::format("notify paging names no rotation '{}'", g.rotation));
    }
    if ((p.loaded & section::k_roster) && (p.loaded & section::k_people)) {
        for (const auto& level : g.escalation) {
            if (!p.roster.rotation(level) && !p.person(level)) {
                d.error(g.origin, fmt::format("notify paging: escalation level '{}' is neither a rotation nor a person", level));
            }
        }
    }
}

} // namespace opsctl::policy
