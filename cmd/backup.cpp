#include "cmd/common.hpp"

namespace opsctl::cmd {

void register_backup(CLI::App&, Globals&) {}

} // namespace opsctl::cmd
