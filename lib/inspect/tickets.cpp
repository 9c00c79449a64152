#include "lib/inspect/tickets.hpp"

#include "lib/asset/service.hpp"
#include "lib/core/error.hpp"
#include "lib/inspect/status.hpp"
#include "lib/ticket/service.hpp"

#include <fmt/format.h>

#include <set>

namespace opsctl::inspect {

namespace {

bool failing(std::optional<int> s) { return s && (*s == k_warning || *s == k_critical); }

// Cuts at a character boundary so that a ticket title stays one readable line.
std::string shorten(std::string text, std::size_t max) {
    for (auto& c : text) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    if (text.size() <= max) {
        return text;
    }
    text.resize(max);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
        text.pop_back();
    }
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) {
        text.pop_back();
    }
    return text + "…";
}

} // namespace

std::string ticket_source(const std::string& checklist, const std::string& item, const std::string& target) {
    return fmt::format("inspect:{}:{}:{}", checklist, item, target);
}

void follow_up_tickets(Context& ctx, const std::vector<const policy::Checklist*>& lists, RunReport& report,
                       const std::vector<Transition>& transitions, bool force) {
    std::set<std::pair<std::size_t, std::size_t>> recovered;
    for (const auto& t : transitions) {
        const auto& r = report.runs[t.run].results[t.result];
        if (r.status && *r.status == k_ok && failing(t.previous)) {
            recovered.insert({t.run, t.result});
        }
    }
    for (std::size_t i = 0; i < lists.size(); ++i) {
        const auto& c = *lists[i];
        auto& run = report.runs[i];
        if ((!force && !c.ticket) || run.run_id == 0) {
            continue;
        }
        const policy::ChecklistTicket settings = c.ticket.value_or(policy::ChecklistTicket{});
        for (std::size_t k = 0; k < run.results.size(); ++k) {
            auto& r = run.results[k];
            if (!r.status) {
                continue;
            }
            const bool opens = failing(r.status) && *r.status >= settings.on;
            const bool recovers = recovered.count({i, k}) > 0;
            if (!opens && !recovers) {
                continue;
            }
            const std::string source = ticket_source(r.checklist, r.item, r.target);
            try {
                const auto open = ticket::find_open_by_source(ctx, source);
                if (opens && open) {
                    ticket::add_comment(ctx, *open,
                                        fmt::format("inspection run {}: still {}: {}", run.run_id,
                                                    status_name(r.status), r.message),
                                        true);
                    r.ticket = fmt::format("commented on {}", *open);
                } else if (opens) {
                    ticket::NewTicket t;
                    t.type = settings.type;
                    t.priority = settings.priority;
                    t.title = shorten(fmt::format("巡检 {} {}/{} on {}: {}", status_name(r.status), r.checklist,
                                                  r.item, r.target, r.message),
                                      160);
                    t.body = fmt::format("Checklist: {} ({})\nItem: {}{}\nTarget: {}\nStatus: {}\nMessage: {}\n"
                                         "Perfdata: {}\nRun: {} (opsctl inspect show {})\n",
                                         c.name, c.title, r.item, r.title.empty() ? "" : " — " + r.title, r.target,
                                         status_name(r.status), r.message, r.perfdata, run.run_id, run.run_id);
                    t.asset = c.assets ? r.target : "";
                    t.reporter = ctx.actor;
                    t.assignee = settings.assignee;
                    t.auto_assign = settings.assignee.empty();
                    t.source = source;
                    std::int64_t id = 0;
                    try {
                        id = ticket::create_ticket(ctx, t).id;
                    } catch (const DataError&) {
                        if (!t.auto_assign) {
                            throw;
                        }
                        // Nobody to pick automatically: open it unassigned rather than not at all.
                        t.auto_assign = false;
                        id = ticket::create_ticket(ctx, t).id;
                    }
                    r.ticket = fmt::format("opened {}", id);
                } else if (open) {
                    ticket::add_comment(ctx, *open,
                                        fmt::format("inspection run {}: recovered: {}", run.run_id, r.message), true);
                    r.ticket = fmt::format("recovery noted on {}", *open);
                }
            } catch (const Error& e) {
                report.warnings.push_back(fmt::format("no ticket for item '{}' of '{}' on '{}': {}", r.item,
                                                      r.checklist, r.target, e.what()));
            }
        }
    }
}

std::vector<Target> asset_targets(Context& ctx, const policy::Checklist& checklist,
                                  const std::map<std::string, std::string>& common) {
    std::vector<Target> out;
    for (auto& a : asset::select_assets(ctx, checklist.assets->asset_class, checklist.assets->status)) {
        Target t;
        t.name = a.tag;
        t.vars = common;
        t.vars["target"] = a.tag;
        // An empty value stays unset: the item then says "no value for {{asset.address}}"
        // (UNKNOWN) instead of probing an empty host name.
        auto set = [&t](const std::string& name, const std::string& value) {
            if (!value.empty()) {
                t.vars["asset." + name] = value;
            }
        };
        set("tag", a.tag);
        set("name", a.name);
        set("class", a.cls);
        set("status", a.status);
        set("owner", a.owner);
        set("location", a.location);
        set("address", a.address);
        for (const auto& [field, value] : a.fields) {
            set(field, value);
        }
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace opsctl::inspect
