#pragma once
// The monitoring formats of `inspect run`: Prometheus text exposition (for node_exporter's
// textfile collector), a Nagios status line, and JUnit XML.

#include "lib/core/zone.hpp"
#include "lib/inspect/runner.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace opsctl::inspect {

/// Writes gauges per item (status, duration, pending) and per run (status, start time,
/// duration) in the Prometheus text exposition format 0.0.4.
void write_prometheus(const RunReport& report, std::ostream& out);
/// Writes one Nagios plugin status line with performance data.
void write_nagios(const RunReport& report, std::ostream& out);
/// Writes JUnit XML: one testsuite per checklist, one testcase per item and target.
void write_junit(const RunReport& report, const core::Zone& zone, std::ostream& out);

/// Splits Nagios performance data into its 'label'=value... tokens (labels may be quoted).
std::vector<std::string> split_perfdata(const std::string& perfdata);
/// Escapes a Prometheus label value (backslash, double quote, newline).
std::string prometheus_label_value(const std::string& text);

} // namespace opsctl::inspect
