#include "lib/util/permissions.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

namespace opsctl::util {

namespace fs = std::filesystem;

std::vector<std::string> permission_problems(const fs::path& path, Exposure exposure) {
    std::vector<std::string> out;
    struct stat st {};
    // stat, not lstat: what matters is the file opsctl will actually open.
    if (::stat(path.c_str(), &st) != 0) {
        return out;
    }
    const unsigned mode = st.st_mode & 07777;
    switch (exposure) {
    case Exposure::others_write:
        if (mode & S_IWOTH) {
            out.push_back(fmt::format("'{}' is writable by others (mode {:04o})", path.string(), mode));
        }
        break;
    case Exposure::private_to_owner:
        if (mode & (S_IRWXG | S_IRWXO)) {
            out.push_back(fmt::format("'{}' is open to {} (mode {:04o}, want 0600)", path.string(),
                                      (mode & S_IRWXO) ? "others" : "its group", mode));
        }
        break;
    case Exposure::others_read:
        if (mode & S_IROTH) {
            out.push_back(fmt::format("'{}' is readable by others (mode {:04o})", path.string(), mode));
        }
        break;
    case Exposure::private_to_group:
        if (mode & S_IRWXO) {
            out.push_back(fmt::format("'{}' is open to others (mode {:04o}, want 0640 or 0660)", path.string(), mode));
        }
        break;
    }
    return out;
}

std::vector<std::string> policy_permission_problems(const fs::path& dir, const std::vector<fs::path>& files) {
    std::vector<std::string> out;
    auto add = [&](const fs::path& p) {
        for (auto& line : permission_problems(p, Exposure::others_write)) {
            out.push_back(std::move(line));
        }
    };
    add(dir);
    add(dir / "policies");
    for (const auto& f : files) {
        add(f);
    }
    return out;
}

std::vector<std::string> database_permission_problems(const fs::path& db, bool group_allowed) {
    std::vector<std::string> out;
    const Exposure e = group_allowed ? Exposure::private_to_group : Exposure::private_to_owner;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        for (auto& line : permission_problems(db.string() + suffix, e)) {
            out.push_back(std::move(line));
        }
    }
    std::error_code ec;
    const fs::path dir = fs::absolute(db, ec).parent_path();
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
        out.push_back(fmt::format("directory '{}' is writable by others (mode {:04o})", dir.string(),
                                  static_cast<unsigned>(st.st_mode & 07777)));
    }
    return out;
}

} // namespace opsctl::util
