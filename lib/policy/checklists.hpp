#pragma once
// The `checklists` section: inspection checklists, their schedule, targets and items.

#include "lib/core/duration.hpp"
#include "lib/policy/origin.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::policy {

/// What an item checks; every kind but `command` runs in-process.
enum class ItemKind { disk, memory, load, swap, process, tcp, http, file_age, log_scan, command, manual };

/// The policy word of a kind ("file_age").
const char* item_kind_name(ItemKind kind);
/// Every kind word, in documentation order.
const std::vector<std::string>& item_kind_names();

/// A warn or crit limit: a percentage (stored as a fraction), a byte size or a plain number.
struct Threshold {
    enum class Unit { percent, bytes, number };
    Unit unit = Unit::number;
    double value = 0;
};

/// One item of a checklist. String fields may hold {{target}} and {{opsctl.database}}, and
/// {{asset.tag}}, {{asset.address}}, {{asset.<field>}} when the checklist runs per asset;
/// they are substituted before running (lib/util/template.hpp says how values stay data).
struct ChecklistItem {
    std::string name;
    ItemKind kind = ItemKind::manual;
    std::string title;                   // what is checked, for people; the question of a manual item
    std::string path;                    // disk: mount point; file_age: path or glob; log_scan: file
    std::optional<Threshold> warn;       // meaning depends on the kind (see opsctl-policy(5))
    std::optional<Threshold> crit;
    std::optional<double> inodes_warn;   // disk: used inode fraction
    std::optional<double> inodes_crit;
    int load_minutes = 5;                // load: which average, 1, 5 or 15
    std::string process_name;            // process: exact executable name
    std::string pattern;                 // process: regex on the command line; log_scan: regex on lines
    std::optional<std::int64_t> min_count; // process: at least (default 1)
    std::optional<std::int64_t> max_count; // process: at most
    std::string host;                    // tcp
    std::string port;                    // tcp (text: may be a template)
    std::string url;                     // http
    std::vector<int> expect_status;      // http: accepted status codes (default 200)
    std::string contains;                // http: body must contain this
    int cert_warn_days = 14;             // http over TLS: warn when the certificate expires sooner
    int cert_crit_days = 7;
    bool verify_tls = true;              // http: check the certificate chain and host name
    std::string auth_user;               // http: basic authentication user (empty: none)
    std::string auth_password_file;      // http: file holding the password (mode 0600), or
    std::string auth_password_env;       // http: environment variable holding it
    std::optional<core::Duration> max_age;  // file_age: critical when older
    std::optional<core::Duration> warn_age; // file_age: warning when older
    int missing_status = 3;              // log_scan: status when the file does not exist
    bool ignore_case = false;            // log_scan, process pattern
    std::vector<std::string> command;    // command: argv, or one string run by /bin/sh with shell
    bool shell = false;
    std::optional<core::Duration> timeout; // default: the checklist's
    int on_timeout = 2;                  // status of a timed-out item: 2 CRITICAL or 3 UNKNOWN
    Origin origin;

    /// True when some string field holds an {{asset...}} template.
    bool uses_asset_fields() const;
};

/// Which assets a checklist runs on, once each; absent: this host only.
struct AssetTargets {
    std::string asset_class;  // empty: every class
    std::string status = "in_use";
};

/// Tickets opened for failing items.
struct ChecklistTicket {
    std::string type = "incident";
    std::string priority;     // empty: the ticket type's default
    int on = 2;               // lowest status that opens a ticket: 1 warning or 2 critical
    std::string assignee;     // empty: automatic assignment
};

/// A named checklist.
struct Checklist {
    std::string name;
    std::string title;
    core::Duration every{0, 1, 0};
    core::Duration timeout{30, 0, 0};         // default per-item timeout
    std::optional<AssetTargets> assets;
    std::optional<ChecklistTicket> ticket;
    std::vector<ChecklistItem> items;         // in policy order
    Origin origin;

    /// The item with this name, or nullptr.
    const ChecklistItem* item(const std::string& name) const;
};

/// Validated `checklists` policy.
struct ChecklistPolicy {
    std::map<std::string, Checklist> checklists;
    std::size_t count() const { return checklists.size(); }
    /// The checklist with this name, or nullptr.
    const Checklist* find(const std::string& name) const;
    /// Every checklist name, sorted.
    std::vector<std::string> names() const;
};

/// Parses a byte size such as "500M", "2G", "1.5GiB", "4096" (binary multiples); nullopt when malformed.
std::optional<double> parse_byte_size(const std::string& text);

} // namespace opsctl::policy
