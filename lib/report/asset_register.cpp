#include "lib/report/asset_register.hpp"

#include "lib/store/report_asset.hpp"

#include <algorithm>
#include <limits>

namespace opsctl::report {

namespace {

constexpr std::int64_t k_never = std::numeric_limits<std::int64_t>::max();

} // namespace

AssetRegister::AssetRegister(store::Database& db) : m_db(db) {
    store::visit_asset_lives(db, [&](const store::AssetLife& a) {
        const bool active = a.status != "retired" && a.status != "disposed";
        if (active && !a.warranty_until.empty()) {
            m_warranties.emplace_back(std::string(a.warranty_until), static_cast<std::uint32_t>(m_assets.size()));
        }
        m_tags += a.tag;
        m_tag_ends.push_back(static_cast<std::uint32_t>(m_tags.size()));
        auto cls = std::find(m_classes.begin(), m_classes.end(), a.cls);
        if (cls == m_classes.end()) {
            cls = m_classes.emplace(m_classes.end(), a.cls);
            m_by_class.emplace_back();
        }
        const auto c = static_cast<std::uint32_t>(cls - m_classes.begin());
        m_by_class[c].push_back(static_cast<std::uint32_t>(m_assets.size()));
        m_assets.push_back({a.row, a.created_at, a.retired_at.value_or(k_never), a.disposed_at.value_or(k_never), c,
                            active});
    });
    // The views once m_tags has stopped growing.
    m_by_tag.reserve(m_tag_ends.size());
    for (std::uint32_t i = 0; i < m_tag_ends.size(); ++i) {
        m_by_tag.emplace(tag_of(i), i);
    }
}

std::vector<AssetClassCounts> AssetRegister::by_class(const store::ReportPeriod& p) const {
    std::vector<AssetClassCounts> out;
    for (std::size_t c = 0; c < m_classes.size(); ++c) {
        AssetClassCounts counts;
        counts.cls = m_classes[c];
        bool any = false;
        for (const auto i : m_by_class[c]) {
            const auto& a = m_assets[i];
            if (a.created >= p.end) {
                continue;
            }
            any = true;
            counts.in_service += a.retired >= p.end && a.disposed >= p.end ? 1 : 0;
            counts.added += a.created >= p.start ? 1 : 0;
            counts.retired += a.retired >= p.start && a.retired < p.end ? 1 : 0;
            counts.disposed += a.disposed >= p.start && a.disposed < p.end ? 1 : 0;
        }
        if (any) {
            out.push_back(std::move(counts));
        }
    }
    std::sort(out.begin(), out.end(),
              [](const AssetClassCounts& x, const AssetClassCounts& y) { return x.cls < y.cls; });
    return out;
}

std::vector<std::int64_t> AssetRegister::warranties_ending(const std::string& from, const std::string& to) const {
    std::vector<std::int64_t> rows;
    for (const auto& [date, asset] : m_warranties) {
        if (date >= from && date <= to) {
            rows.push_back(m_assets[asset].row);
        }
    }
    return rows;
}

void AssetRegister::load(const std::string& kind, std::int64_t after) {
    auto it = m_records.find(kind);
    if (it != m_records.end() && it->second.after <= after) {
        return;
    }
    // Counted per asset, then placed: the records arrive in time order, so each asset's
    // stay in time order.
    std::vector<std::pair<std::uint32_t, std::int64_t>> rows;
    store::visit_maintenance_after(m_db, kind, after, [&](std::string_view tag, std::int64_t at) {
        if (const auto asset = asset_of(tag)) {
            rows.emplace_back(*asset, at);
        }
    });
    Records r;
    r.after = after;
    r.first.assign(m_assets.size() + 1, 0);
    for (const auto& [asset, at] : rows) {
        ++r.first[asset + 1];
    }
    for (std::size_t i = 1; i < r.first.size(); ++i) {
        r.first[i] += r.first[i - 1];
    }
    r.at.resize(rows.size());
    std::vector<std::uint32_t> next(r.first.begin(), r.first.end() - 1);
    for (const auto& [asset, at] : rows) {
        r.at[next[asset]++] = at;
    }
    m_records[kind] = std::move(r);
}

const AssetRegister::Records& AssetRegister::records(const std::string& kind, std::int64_t from) {
    load(kind, from);
    return m_records.at(kind);
}

const std::vector<std::uint32_t>* AssetRegister::members(const std::string& cls) const {
    const auto it = std::find(m_classes.begin(), m_classes.end(), cls);
    return it == m_classes.end() ? nullptr : &m_by_class[static_cast<std::size_t>(it - m_classes.begin())];
}

std::optional<std::uint32_t> AssetRegister::asset_of(std::string_view tag) const {
    const auto it = m_by_tag.find(tag);
    if (it == m_by_tag.end()) {
        return std::nullopt; // registered after the register was read
    }
    return it->second;
}

std::string_view AssetRegister::tag_of(std::uint32_t asset) const {
    const std::uint32_t begin = asset == 0 ? 0 : m_tag_ends[asset - 1];
    return std::string_view(m_tags).substr(begin, m_tag_ends[asset] - begin);
}

bool AssetRegister::has_record_by(const std::string& kind, std::uint32_t asset, std::int64_t at) {
    return store::has_maintenance_by(m_db, tag_of(asset), kind, at);
}

MaintenanceDue AssetRegister::due(const std::string& cls, const std::string& kind, const store::ReportPeriod& p,
                                  std::int64_t cutoff) {
    MaintenanceDue d;
    const auto* assets = members(cls);
    if (!assets) {
        return d;
    }
    const auto& r = records(kind, std::min(cutoff, p.start - 1));
    for (const auto i : *assets) {
        const auto& a = m_assets[i];
        if (a.created >= p.end || a.retired < p.end || a.disposed < p.end) {
            continue; // not in service at the end
        }
        const auto* begin = r.at.data() + r.first[i];
        const auto* end = r.at.data() + r.first[i + 1];
        const auto* in_period = std::lower_bound(begin, end, p.start);
        bool due = false;
        if (in_period != begin) {
            due = *(in_period - 1) <= cutoff; // the last before the period
        } else {
            // None since r.after (before the period, at or before the cutoff): due if registered by the cutoff,
            // or maintained before r.after (an imported history older than the registration).
            due = a.created <= cutoff || has_record_by(kind, i, r.after);
        }
        if (due) {
            ++d.due;
            d.done += in_period != end && *in_period < p.end ? 1 : 0;
        }
    }
    return d;
}

std::int64_t AssetRegister::maintained_by(const std::string& cls, const std::string& kind, std::int64_t bound) {
    const auto* assets = members(cls);
    if (!assets) {
        return 0;
    }
    const auto& r = records(kind, bound);
    std::int64_t n = 0;
    for (const auto i : *assets) {
        const auto& a = m_assets[i];
        if (!a.active) {
            continue;
        }
        const auto first = r.first[i], last = r.first[i + 1];
        if (first != last) {
            n += r.at[last - 1] <= bound ? 1 : 0; // the newest
        } else {
            n += a.created <= bound || has_record_by(kind, i, r.after) ? 1 : 0;
        }
    }
    return n;
}

} // namespace opsctl::report
