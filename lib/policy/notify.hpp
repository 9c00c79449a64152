#pragma once
// The `notify` section: hook commands that receive events as JSON on stdin, and built-in
// channels (group robots of WeCom, DingTalk and Feishu, a JSON webhook, mail over SMTP) with
// their routing, templates and quiet hours.

#include "lib/core/duration.hpp"
#include "lib/policy/origin.hpp"

#include <map>
#include <string>
#include <vector>

namespace opsctl::policy {

/// A command run for matching events (argv, never a shell).
struct NotifyHook {
    std::string name;
    std::vector<std::string> command;
    std::vector<std::string> events;  // event kinds (policy::event_kinds()), e.g. "ticket.created"; "*" or a "ticket.*" prefix
    core::Duration timeout{10, 0, 0};
    Origin origin;
};

/// Where a secret is read when a message is sent: a file only its owner may read, or an
/// environment variable. The policy names the place, never the value.
struct SecretRef {
    std::string file; // path of a 0600 file
    std::string env;  // name of an environment variable
    bool set() const { return !file.empty() || !env.empty(); }
    /// "file '/etc/opsctl/wecom.key'" or "environment variable 'OPSCTL_WECOM_KEY'".
    std::string describe() const;
};

/// The kinds of built-in channel.
inline const std::vector<std::string> k_channel_types = {"wecom", "dingtalk", "feishu", "webhook", "mail"};

/// A built-in channel and the events routed to it.
struct NotifyChannel {
    std::string name;
    std::string type;   // one of k_channel_types
    std::string url;    // robots: the service's endpoint (default the public one); webhook: the URL;
                        // mail: smtp://host:port or smtps://host:port
    SecretRef key;      // wecom: the robot's key; dingtalk: access_token; feishu: the hook id;
                        // webhook: a bearer token (optional)
    SecretRef secret;   // dingtalk, feishu: the signing secret (optional)
    std::string user;   // mail: the SMTP login (optional)
    SecretRef password; // mail: the SMTP password (with user)
    std::string from;   // mail: the sender address
    std::vector<std::string> to; // mail: the recipients
    std::string tls = "starttls"; // mail: "starttls" (required), "tls" (smtps://) or "none" (127.0.0.1 only)
    std::string ca_file; // mail, https: the PEM file of the certificate authorities to trust instead
                         // of the system's (an absolute path; empty: the system's)
    std::vector<std::string> events{"*"}; // event kinds or patterns, as for hooks
    std::vector<std::string> priorities;  // ticket events: only these priorities (empty: all)
    std::vector<std::string> checklists;  // inspect events: only these checklists (empty: all)
    std::vector<std::string> backup_jobs; // backup events: only these jobs (empty: all)
    std::string language;   // "zh" or "en"; empty: the section's
    core::Duration timeout; // zero: the section's
    bool quiet_outside_business_hours = false; // hold messages until the next working time
    std::vector<std::string> quiet_except;     // priorities that are sent at once even then
    Origin origin;
};

/// One template: a title (subject) and a text, with {{placeholders}}.
struct NotifyTemplate {
    std::string title;
    std::string text;
    Origin origin;
};

/// Paging the person on duty until someone answers (`notify.paging`).
struct PagingPolicy {
    bool enabled = false;
    std::vector<std::string> channels;   // where pages go (channel names)
    std::string rotation;                // the first level: who is on duty in this rotation
    std::vector<std::string> escalation; // the next levels: a rotation (who is on duty) or a person
    core::Duration after{15 * 60, 0, 0}; // unanswered this long: the next level
    int rounds = 1;                      // times through the whole chain before giving up
    std::vector<std::string> tickets{"P1"}; // priorities of new tickets that page
    bool inspections = false;               // a check that turns CRITICAL pages
    bool backups = false;                   // a failed backup run pages
    Origin origin;
};

/// Hooks and channels keyed by name; templates by event kind, then language.
struct NotifyPolicy {
    std::map<std::string, NotifyHook> hooks;
    std::map<std::string, NotifyChannel> channels;
    std::map<std::string, std::map<std::string, NotifyTemplate>> templates;
    PagingPolicy paging;
    std::string language = "zh";
    core::Duration timeout{5, 0, 0};  // one send's limit
    int attempts = 8;                 // sends before a message is given up as failed
    core::Duration backoff{60, 0, 0}; // the first retry's wait, doubled each time (at most 1h)
    std::size_t count() const { return hooks.size() + channels.size(); }
};

} // namespace opsctl::policy
