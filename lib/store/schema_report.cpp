#include "lib/store/migrations.hpp"

namespace opsctl::store {

// Indexes for the monthly review (lib/store/report_asset.cpp, report_inspect.cpp), found
// missing by bench/run on 100,000 assets with 500,000 maintenance records and 1,000,000
// inspection results:
//
// assets_class_created       the assets of a class in service at an instant (counted from the
//                            index alone) and those registered after an instant (a range).
// asset_maintenance_kind_at  the assets maintained (one kind) in a span: a range read from
//                            the index alone, instead of a seek per asset of the class.
// inspect_results_run_status the results of a month's runs counted by status and kind
//                            (failed, pending) from the index alone, without reading each
//                            result's message and performance data.
const char* schema_report() {
    return R"sql(
CREATE INDEX assets_class_created ON assets(class, created_at, retired_at, disposed_at);
CREATE INDEX asset_maintenance_kind_at ON asset_maintenance(kind, at, tag);
CREATE INDEX inspect_results_run_status ON inspect_results(run_id, status, kind, recorded_at);
)sql";
}

} // namespace opsctl::store
