#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_assets() {
    return R"sql(
SELECT 1;
)sql";
}

} // namespace opsctl::store
