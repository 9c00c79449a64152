#pragma once
// The asset register as the review counts it: every asset's class, life and status read once,
// and each maintenance kind's records since an instant read once, so that in service, due,
// done and overdue are counted asset by asset in memory. Queries that joined tens of thousands
// of records back to their assets for every class, kind and month took a second of the
// review on 100,000 assets; reading the register once takes a few hundredths.

#include "lib/store/database.hpp"
#include "lib/store/report_common.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace opsctl::report {

/// Assets of one class in a period.
struct AssetClassCounts {
    std::string cls;
    std::int64_t in_service = 0; // at the period's end
    std::int64_t added = 0, retired = 0, disposed = 0;
};

/// Maintenance of one class and kind in a period against what its cadence asked for.
struct MaintenanceDue {
    std::int64_t due = 0;  // assets in service whose maintenance fell due before the period's end
    std::int64_t done = 0; // of those, maintained (this kind) in the period
};

/// An asset is "in service" at an instant when it was registered before it and neither
/// retired nor disposed by then; "active" when its status is neither retired nor disposed.
class AssetRegister {
public:
    explicit AssetRegister(store::Database& db);
    // m_by_tag views m_tags, whose buffer a copy or a move (of a short string) would not keep.
    AssetRegister(const AssetRegister&) = delete;
    AssetRegister& operator=(const AssetRegister&) = delete;

    /// Counts per class for the period (classes with any asset registered before its end),
    /// in order of the class id.
    std::vector<AssetClassCounts> by_class(const store::ReportPeriod& p) const;

    /// Reads the records of `kind` made after `after` (once, unless a later question asks
    /// about an earlier instant): the earliest cutoff or bound that due() and maintained_by()
    /// will be asked about, so that the kind is read once for all of them.
    void load(const std::string& kind, std::int64_t after);

    /// Due and done for one class and kind: an asset in service at the period's end is due
    /// when its last maintenance of `kind` before the period (else its registration) is at or
    /// before `cutoff`, and done when it was also maintained (this kind) in the period.
    MaintenanceDue due(const std::string& cls, const std::string& kind, const store::ReportPeriod& p,
                       std::int64_t cutoff);

    /// The register rows of the assets in service (not retired or disposed) whose warranty's
    /// last day is in [from, to] (YYYY-MM-DD): the register's scan reads them, where a query
    /// was a scan of the table of its own (no index on the date), twice per review.
    std::vector<std::int64_t> warranties_ending(const std::string& from, const std::string& to) const;

    /// How many active assets of `cls` have their newest maintenance of `kind` (their
    /// registration when they have none) at or before `bound`.
    std::int64_t maintained_by(const std::string& cls, const std::string& kind, std::int64_t bound);

private:
    struct Asset {
        std::int64_t row = 0; // in the register
        std::int64_t created = 0;
        std::int64_t retired = 0, disposed = 0; // INT64_MAX when not
        std::uint32_t cls = 0;
        bool active = false;
    };
    // One kind's records after `after`, grouped by asset and in time order within each: the
    // records of asset i are at[first[i] .. first[i + 1]).
    struct Records {
        std::int64_t after = 0;
        std::vector<std::uint32_t> first;
        std::vector<std::int64_t> at;
    };

    const Records& records(const std::string& kind, std::int64_t from);
    const std::vector<std::uint32_t>* members(const std::string& cls) const;
    std::optional<std::uint32_t> asset_of(std::string_view tag) const;
    std::string_view tag_of(std::uint32_t asset) const;
    bool has_record_by(const std::string& kind, std::uint32_t asset, std::int64_t at);

    store::Database& m_db;
    std::vector<Asset> m_assets; // in order of row
    std::string m_tags;          // every tag, one after the other
    std::vector<std::uint32_t> m_tag_ends; // where each asset's tag ends in m_tags
    std::vector<std::pair<std::string, std::uint32_t>> m_warranties; // active assets' last days
    std::unordered_map<std::string_view, std::uint32_t> m_by_tag; // views into m_tags
    std::vector<std::string> m_classes;                    // class id by number
    std::vector<std::vector<std::uint32_t>> m_by_class;    // assets by class number
    std::map<std::string, Records> m_records;              // by kind
};

} // namespace opsctl::report
