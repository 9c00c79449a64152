#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_backup() {
    return R"sql(
SELECT 1;
)sql";
}

} // namespace opsctl::store
