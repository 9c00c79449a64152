// libFuzzer target: the CSV reader behind `ticket import` and `asset import`. Malformed CSV
// must be refused as CsvError; the parse must never read past the input or keep more than a
// field's cap.
#include "lib/util/csv.hpp"
#include "lib/util/unicode.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    opsctl::util::CsvOptions options;
    options.max_field = 4096;
    try {
        const auto records = opsctl::util::read_csv(text, options);
        std::size_t bytes = 0;
        std::size_t last_line = 0;
        for (const auto& r : records) {
            // Records come in file order and never invent bytes.
            if (r.line < last_line) {
                std::abort();
            }
            last_line = r.line;
            for (const auto& f : r.fields) {
                if (f.size() > options.max_field || f.find('\0') != std::string::npos ||
                    !opsctl::util::is_valid_utf8(f)) {
                    std::abort();
                }
                bytes += f.size();
            }
        }
        if (bytes > size) {
            std::abort();
        }
        // The stream reader (in chunks) agrees with the reader of text in memory.
        std::istringstream in(text);
        opsctl::util::CsvReader reader(in, options);
        opsctl::util::CsvRecord record;
        std::size_t i = 0;
        while (reader.next(record)) {
            if (i >= records.size() || record.fields != records[i].fields || record.line != records[i].line) {
                std::abort();
            }
            ++i;
        }
        if (i != records.size()) {
            std::abort();
        }
    } catch (const opsctl::util::CsvError&) {
        // Refused as malformed: fine.
    }
    return 0;
}
