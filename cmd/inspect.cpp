#include "cmd/common.hpp"

namespace opsctl::cmd {

void register_inspect(CLI::App&, Globals&) {}

} // namespace opsctl::cmd
