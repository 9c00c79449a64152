#include "cmd/common.hpp"

namespace opsctl::cmd {

void register_report(CLI::App&, Globals&) {}

} // namespace opsctl::cmd
