#pragma once
// The item kinds: built-in probes that read /proc, statvfs, sockets and files in-process,
// and monitoring-plugin commands. Each reading is split from its judgement so that the
// thresholds can be tested with made-up numbers.

#include "lib/policy/checklists.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::inspect {

/// What one item found.
struct ProbeResult {
    int status = 3;
    std::string message;
    std::string perfdata; // Nagios performance data: 'label'=value[unit];warn;crit;min;max ...
};

/// Where a log_scan item stopped reading its file.
struct LogCursor {
    std::int64_t inode = 0;
    std::int64_t offset = 0;
    std::int64_t size = 0;
};

/// Filesystem usage of one mount point.
struct DiskUsage {
    double total_bytes = 0;
    double free_bytes = 0; // available to unprivileged users
    double used_fraction = 0;
    double inodes_total = 0;
    double inodes_used_fraction = 0;
};

/// Memory and swap from /proc/meminfo, in bytes.
struct MemoryInfo {
    double total = 0;
    double available = 0;
    double swap_total = 0;
    double swap_free = 0;
};

/// Parses the text of /proc/meminfo.
MemoryInfo parse_meminfo(const std::string& text);
/// Judges disk usage against an item's thresholds.
ProbeResult judge_disk(const DiskUsage& usage, const policy::ChecklistItem& item);
/// Judges available memory.
ProbeResult judge_memory(const MemoryInfo& mem, const policy::ChecklistItem& item);
/// Judges swap use.
ProbeResult judge_swap(const MemoryInfo& mem, const policy::ChecklistItem& item);
/// Judges a load average (already the chosen 1, 5 or 15 minute figure) on `cpus` CPUs.
ProbeResult judge_load(double load, int cpus, const policy::ChecklistItem& item);
/// Reads a monitoring plugin's answer: exit code 0-3 (others UNKNOWN), first line is the
/// message, performance data after '|' on the first line and in the long output.
ProbeResult parse_plugin_output(int exit_code, const std::string& out, const std::string& err);

/// Everything a probe needs besides the item (already substituted for its target).
struct ProbeInput {
    std::int64_t now = 0;               // for file ages and certificate expiry
    int timeout_ms = 30000;
    const LogCursor* cursor = nullptr;  // log_scan: where the last run stopped (nullptr: first run)
};

/// What a probe found, plus a new log_scan cursor when it read a log.
struct ProbeOutput {
    ProbeResult result;
    std::optional<LogCursor> cursor;
};

/// Runs one item that is not `manual`; never throws for the checked thing's failure.
ProbeOutput run_probe(const policy::ChecklistItem& item, const ProbeInput& input);

/// Formats bytes as "12.3 GiB".
std::string format_bytes(double bytes);

} // namespace opsctl::inspect
