#include "cmd/common.hpp"

namespace opsctl::cmd {

void register_roster(CLI::App&, Globals&) {}

} // namespace opsctl::cmd
