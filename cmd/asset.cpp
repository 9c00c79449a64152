#include "cmd/common.hpp"

namespace opsctl::cmd {

void register_asset(CLI::App&, Globals&) {}

} // namespace opsctl::cmd
