// libFuzzer target: the log_scan item. The first line of the input is the pattern (a POSIX
// extended regex, as a policy writes it), the rest is the log. A bad pattern must be an
// UNKNOWN result, never a crash; the cursor must end on a line boundary inside the file;
// reading on from the cursor must see only the lines after it.
#include "lib/inspect/probes.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace opsctl;

namespace {

std::string log_path() {
    static const std::string path =
        (std::filesystem::temp_directory_path() / ("opsctl-fuzz-log." + std::to_string(::getpid()))).string();
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto nl = text.find('\n');
    policy::ChecklistItem item;
    item.name = "log";
    item.kind = policy::ItemKind::log_scan;
    item.pattern = nl == std::string::npos ? text : text.substr(0, nl);
    item.path = log_path();
    const std::string log = nl == std::string::npos ? std::string() : text.substr(nl + 1);
    {
        std::ofstream out(item.path, std::ios::binary | std::ios::trunc);
        out << log;
    }
    inspect::ProbeInput in;
    const auto first = inspect::run_probe(item, in);
    if (first.result.status < 0 || first.result.status > 3) {
        std::abort();
    }
    if (first.cursor) {
        const auto offset = static_cast<std::size_t>(first.cursor->offset);
        // Only whole lines are consumed: the cursor sits just after a newline (or at 0).
        if (offset > log.size() || (offset > 0 && log[offset - 1] != '\n')) {
            std::abort();
        }
        // A second run from the cursor, after more lines arrive, reads only the new ones.
        {
            std::ofstream out(item.path, std::ios::binary | std::ios::app);
            out << "\n";
        }
        in.cursor = &*first.cursor;
        const auto second = inspect::run_probe(item, in);
        if (!second.cursor || second.cursor->offset < first.cursor->offset ||
            static_cast<std::size_t>(second.cursor->offset) != log.size() + 1) {
            std::abort();
        }
    }
    std::filesystem::remove(item.path);
    return 0;
}
