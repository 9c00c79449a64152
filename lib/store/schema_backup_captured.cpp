#include "lib/store/migrations.hpp"

namespace opsctl::store {

// backup_runs.captured: for a command job (restic, borg, ...), the values its `capture`
// rules found in the command's output, as a JSON object such as {"snapshot": "1a2b3c4d"};
// NULL when none. The job's verify and restore commands get them as placeholders.
const char* schema_backup_captured() {
    return R"sql(
ALTER TABLE backup_runs ADD COLUMN captured TEXT;
)sql";
}

} // namespace opsctl::store
