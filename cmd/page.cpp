// opsctl page list|ack
#include "cmd/common.hpp"

#include "lib/output/time.hpp"
#include "lib/page/page.hpp"

#include <fmt/format.h>

#include <iostream>

namespace opsctl::cmd {

namespace {

namespace sec = policy::section;
constexpr unsigned k_sections = sec::k_site | sec::k_notify | sec::k_people | sec::k_roster;

struct PageListOptions {
    bool all = false;
    int limit = 100;
};
struct PageAckOptions {
    std::int64_t id = 0;
};

void run_page_list(const PageListOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections);
    output::Table t;
    t.add_column("id", "ID").add_column("status", "Status").add_column("title", "Title");
    t.add_column("subject", "About").add_column("step", "Pages sent").add_column("person", "Paged last");
    t.add_column("opened", "Opened").add_column("next", "Next level at").add_column("acked", "Acknowledged");
    t.add_column("acked_by", "By");
    for (const auto& p : page::list(ctx, opt.all, opt.limit)) {
        t.add_row({output::Cell::integer(p.id), p.status, p.title, p.subject, output::Cell::integer(p.step), p.person,
                   output::time_cell(p.opened_at, ctx.zone()), output::time_cell(p.next_at, ctx.zone()),
                   output::time_cell(p.acked_at, ctx.zone()), p.acked_by});
    }
    g.print(t);
}

void run_page_ack(const PageAckOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections, "page.ack");
    const auto p = page::ack(ctx, opt.id);
    if (!g.quiet) {
        std::cout << fmt::format("acknowledged page {} ({}) after {} page{}\n", p.id, p.title, p.step,
                                 p.step == 1 ? "" : "s");
    }
}

} // namespace

void register_page(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("page", "Paging the person on duty until someone answers: list, acknowledge");
    group->require_subcommand(1);
    const VerbFilter want(g, {"list", "ack"});

    if (want("list")) {
        auto opt = std::make_shared<PageListOptions>();
        auto* sub = group->add_subcommand("list", "Open pages, newest first (--all: every page)");
        sub->add_flag("-a,--all", opt->all, "Also acknowledged and exhausted pages");
        sub->add_option("-n,--limit", opt->limit, "At most this many pages")->check(CLI::Range(1, 100000));
        sub->callback([opt, &g] { run_page_list(*opt, g); });
    }
    if (want("ack")) {
        auto opt = std::make_shared<PageAckOptions>();
        auto* sub = group->add_subcommand("ack", "Acknowledge a page: nobody else is paged for it (exit 66 when there is none)");
        sub->add_option("id", opt->id, "Page id")->required()->check(CLI::Range(std::int64_t{1}, INT64_MAX));
        sub->callback([opt, &g] { run_page_ack(*opt, g); });
    }
}

} // namespace opsctl::cmd
