// libFuzzer target: the policy loader on an arbitrary opsctl.yaml. Policy problems must be
// reported as ConfigError; anything else escaping (or a crash, leak, UB) is a finding.
#include "lib/core/error.hpp"
#include "lib/policy/loader.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

std::filesystem::path policy_dir() {
    static const std::filesystem::path dir = [] {
        char tmpl[] = "/tmp/opsctl-fuzz-policy.XXXXXX";
        const char* made = ::mkdtemp(tmpl);
        if (!made) {
            std::abort();
        }
        return std::filesystem::path(made);
    }();
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto dir = policy_dir();
    {
        std::ofstream out(dir / "opsctl.yaml", std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        opsctl::policy::load_policy(dir);
    } catch (const opsctl::Error&) {
        // A refused policy is the expected answer to most inputs.
    }
    return 0;
}
