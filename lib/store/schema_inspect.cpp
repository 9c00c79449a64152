#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_inspect() {
    return R"sql(
SELECT 1;
)sql";
}

} // namespace opsctl::store
