#pragma once
// The whole policy: every section, validated, as plain data.

#include "lib/policy/access.hpp"
#include "lib/policy/assets.hpp"
#include "lib/policy/backups.hpp"
#include "lib/policy/calendar_section.hpp"
#include "lib/policy/checklists.hpp"
#include "lib/policy/notify.hpp"
#include "lib/policy/people.hpp"
#include "lib/policy/report.hpp"
#include "lib/policy/roster.hpp"
#include "lib/policy/schedules.hpp"
#include "lib/policy/site.hpp"
#include "lib/policy/sla.hpp"
#include "lib/policy/tickets.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace opsctl::policy {

/// Policy sections, as bits for choosing which ones a command loads.
namespace section {
inline constexpr unsigned k_site = 1u << 0;
inline constexpr unsigned k_calendar = 1u << 1;
inline constexpr unsigned k_people = 1u << 2;
inline constexpr unsigned k_tickets = 1u << 3;
inline constexpr unsigned k_sla = 1u << 4;
inline constexpr unsigned k_assets = 1u << 5;
inline constexpr unsigned k_checklists = 1u << 6;
inline constexpr unsigned k_backups = 1u << 7;
inline constexpr unsigned k_roster = 1u << 8;
inline constexpr unsigned k_report = 1u << 9;
inline constexpr unsigned k_notify = 1u << 10;
inline constexpr unsigned k_roles = 1u << 11;
inline constexpr unsigned k_service_accounts = 1u << 12;
inline constexpr unsigned k_schedules = 1u << 13;
inline constexpr unsigned k_all = (1u << 14) - 1;
/// What deciding who acts and what they may do reads.
inline constexpr unsigned k_access = k_people | k_roles | k_service_accounts;
} // namespace section

/// The merged, validated policy of one policy directory.
struct Policy {
    std::filesystem::path dir;
    std::vector<std::filesystem::path> files; // in load order
    unsigned loaded = 0;                      // section bits that were validated

    Site site;
    CalendarPolicy calendar;
    People people;
    TicketPolicy tickets;
    SlaPolicy sla;
    AssetPolicy assets;
    ChecklistPolicy checklists;
    BackupPolicy backups;
    RosterPolicy roster;
    ReportPolicy report;
    NotifyPolicy notify;
    AccessPolicy access;
    SchedulePolicy schedules;

    /// The person with this id, or nullptr.
    const Person* person(const std::string& id) const;
    /// Ids of the people in a team, in id order.
    std::vector<std::string> team_members(const std::string& team) const;
    /// Every team named by some person, sorted.
    std::vector<std::string> teams() const;
    /// The business calendar in the site's zone.
    core::BusinessCalendar business_calendar() const;
};

/// The section names in canonical order.
const std::vector<std::string>& section_names();
/// The bit of a section name, 0 when unknown.
unsigned section_bit(const std::string& name);
/// How many items each loaded section defines, for `policy check`.
std::vector<std::pair<std::string, std::size_t>> section_counts(const Policy& policy);

/// The policy section bits that `policy_names(p, kind)` reads (0 for an unknown kind).
unsigned policy_names_sections(const std::string& kind);
/// The names a policy defines of one kind, for shell completion: "people", "teams",
/// "sections", "checklists", "backups", "rotations", "ticket-types", "ticket-states",
/// "priorities", "complaint-types", "asset-classes", "schedules". An unknown kind, or one whose section defines nothing, is empty.
std::vector<std::string> policy_names(const Policy& policy, const std::string& kind);

} // namespace opsctl::policy
