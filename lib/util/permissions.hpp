#pragma once
// Who else may change or read a file: the checks behind `policy check` and `db check`.

#include <filesystem>
#include <string>
#include <vector>

namespace opsctl::util {

/// What a path must not allow.
enum class Exposure {
    others_write,     // nobody but the owner and group may change it (policy files and folders)
    private_to_owner, // owner only: no group or other bits at all (a database without a group)
    private_to_group, // owner and group only: no bits for others (a database with a group)
    others_read,      // others may not read it (a policy file that holds a secret)
};

/// Problems with `path` as lines like "'/etc/opsctl' is writable by others (mode 0777)";
/// empty when the mode is acceptable or the path does not exist.
std::vector<std::string> permission_problems(const std::filesystem::path& path, Exposure exposure);

/// The problems of a policy directory: the folder itself, its policies/ folder and every
/// file in `files` must not be writable by others (anyone who can edit a policy can make
/// opsctl run a command as whoever runs opsctl).
std::vector<std::string> policy_permission_problems(const std::filesystem::path& dir,
                                                    const std::vector<std::filesystem::path>& files);

/// The problems of a database: the file and its -wal and -shm companions are private to the
/// owner (or owner and group when `group_allowed`), and its folder is not writable by others
/// (unless sticky, like /tmp).
std::vector<std::string> database_permission_problems(const std::filesystem::path& db, bool group_allowed);

} // namespace opsctl::util
