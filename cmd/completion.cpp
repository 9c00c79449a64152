#include "cmd/common.hpp"

namespace opsctl::cmd {

void register_completion(CLI::App&, Globals&) {}

} // namespace opsctl::cmd
