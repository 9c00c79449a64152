#include "cmd/common.hpp"

namespace opsctl::cmd {

void register_ticket(CLI::App&, Globals&) {}

} // namespace opsctl::cmd
