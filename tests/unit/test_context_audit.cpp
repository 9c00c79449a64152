#include "lib/context/audit.hpp"
#include "lib/policy/policy.hpp"
#include "lib/store/database.hpp"
#include "lib/store/events.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <unistd.h>

using namespace opsctl;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path dir;
    TempDir() {
        dir = fs::temp_directory_path() / ("opsctl-audit-test-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::create_directories(dir);
    }
    ~TempDir() { fs::remove_all(dir); }
};

} // namespace

TEST_CASE("audit::record writes the event a domain wrote by hand, byte for byte") {
    TempDir t;
    policy::Policy policy;
    const std::int64_t now = 1790816400;
    const nlohmann::json fields = {{"title", "数据库连接失败"}, {"priority", {"P3", "P1"}}};

    // Through the one path: actor and time from the Context, the account from the connection.
    auto via_audit = store::Database::open(t.dir / "audit.db");
    via_audit->set_account("root");
    Context ctx{policy, *via_audit, now, "zhangwei"};
    {
        store::WriteTransaction tx(*via_audit);
        audit::record(ctx, "ticket", "7", "created", fields);
        audit::record(ctx, "ticket", "7", "updated", {{"status", {"new", "open"}}});
        tx.commit();
    }

    // By hand, as ticket, asset, backup, inspect and roster each did before.
    auto by_hand = store::Database::open(t.dir / "hand.db");
    by_hand->set_account("root");
    {
        store::WriteTransaction tx(*by_hand);
        store::Event e;
        e.at = now;
        e.actor = "zhangwei";
        e.entity = "ticket";
        e.entity_id = "7";
        e.action = "created";
        e.fields = fields;
        store::record_event(*by_hand, e);
        e.action = "updated";
        e.fields = {{"status", {"new", "open"}}};
        store::record_event(*by_hand, e);
        tx.commit();
    }

    const auto a = store::events_for(*via_audit, "ticket", "7");
    const auto b = store::events_for(*by_hand, "ticket", "7");
    REQUIRE(a.size() == 2);
    REQUIRE(b.size() == 2);
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].actor == "zhangwei");
        CHECK(a[i].account == "root");
        CHECK(a[i].at == now);
        CHECK(a[i].fields == b[i].fields);
        CHECK(a[i].hash == b[i].hash);
    }
    CHECK(store::verify_event_chain(*via_audit).first_bad_id == std::nullopt);
}

TEST_CASE("audit::event is the bulk writers' event: who, when and the account filled in") {
    TempDir t;
    policy::Policy policy;
    auto db = store::Database::open(t.dir / "bulk.db");
    db->set_account("root");
    Context ctx{policy, *db, 1790816400, "lina"};
    const store::Event e = audit::event(ctx, "asset", "created");
    CHECK(e.at == 1790816400);
    CHECK(e.actor == "lina");
    CHECK(e.account == "root");
    CHECK(e.entity == "asset");
    CHECK(e.action == "created");
    CHECK(e.entity_id.empty());
}
