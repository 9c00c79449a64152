#include "lib/store/migrations.hpp"

namespace opsctl::store {

// Indexes for the asset part of the monthly review (lib/store/report_asset.cpp), found by
// EXPLAIN QUERY PLAN on the bench/run database (100,000 assets):
//
// assets_class_purchased  the assets of a class whose service life ends next month: a range of
//                         purchase dates instead of every asset of the class (45,000 rows
//                         read for each of ten queries on the largest class).
// assets_class_status     the assets of a class in use (counted, or looked up by tag) from the
//                         index alone, for the maintenance overdue now.
const char* schema_report_assets() {
    return R"sql(
CREATE INDEX assets_class_purchased ON assets(class, purchased);
CREATE INDEX assets_class_status ON assets(class, status, tag);
)sql";
}

} // namespace opsctl::store
