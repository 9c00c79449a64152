#pragma once
// Section parsers, called once per file that defines the section, then a finish step
// once all files are read (cross-references, defaults). Internal to lib/policy/.

#include "lib/policy/policy.hpp"
#include "lib/policy/reader.hpp"

namespace opsctl::policy {

void parse_site(Reader& r, const Node& node, Policy& p);
void parse_calendar(Reader& r, const Node& node, Policy& p);
void parse_people(Reader& r, const Node& node, Policy& p);
void parse_tickets(Reader& r, const Node& node, Policy& p);
void parse_sla(Reader& r, const Node& node, Policy& p);
void parse_assets(Reader& r, const Node& node, Policy& p);
void parse_checklists(Reader& r, const Node& node, Policy& p);
void parse_backups(Reader& r, const Node& node, Policy& p);
void parse_roster(Reader& r, const Node& node, Policy& p);
void parse_report(Reader& r, const Node& node, Policy& p);
void parse_notify(Reader& r, const Node& node, Policy& p);
void parse_roles(Reader& r, const Node& node, Policy& p);
void parse_service_accounts(Reader& r, const Node& node, Policy& p);
void parse_schedules(Reader& r, const Node& node, Policy& p);

void finish_site(Diagnostics& d, Policy& p);
void finish_calendar(Diagnostics& d, Policy& p);
void finish_people(Diagnostics& d, Policy& p);
void finish_tickets(Diagnostics& d, Policy& p);
void finish_sla(Diagnostics& d, Policy& p);
void finish_assets(Diagnostics& d, Policy& p);
void finish_checklists(Diagnostics& d, Policy& p);
void finish_backups(Diagnostics& d, Policy& p);
void finish_roster(Diagnostics& d, Policy& p);
void finish_report(Diagnostics& d, Policy& p);
void finish_notify(Diagnostics& d, Policy& p);
void finish_roles(Diagnostics& d, Policy& p);
void finish_service_accounts(Diagnostics& d, Policy& p);
void finish_schedules(Diagnostics& d, Policy& p);

} // namespace opsctl::policy
