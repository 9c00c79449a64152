// libFuzzer target: the CSV reader behind `ticket import`. Malformed CSV must be refused
// as DataError; the parse must never read past the input or keep more than a field's cap.
#include "lib/core/error.hpp"
#include "lib/ticket/transfer.hpp"
#include "lib/util/unicode.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto records = opsctl::ticket::parse_csv(text);
        std::size_t bytes = 0;
        int last_line = 0;
        for (const auto& r : records) {
            // Records come in file order and never invent bytes.
            if (r.line < last_line) {
                std::abort();
            }
            last_line = r.line;
            for (const auto& f : r.fields) {
                if (f.size() > opsctl::ticket::k_max_csv_field || f.find('\0') != std::string::npos ||
                    !opsctl::util::is_valid_utf8(f)) {
                    std::abort();
                }
                bytes += f.size();
            }
        }
        if (bytes > size) {
            std::abort();
        }
        // The stream reader agrees with the string reader.
        std::istringstream in(text);
        if (opsctl::ticket::parse_csv(in).size() != records.size()) {
            std::abort();
        }
    } catch (const opsctl::Error&) {
        // Refused as bad data: fine.
    }
    return 0;
}
