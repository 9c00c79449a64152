#pragma once
// Standard input kept on disk, not in memory, for a reader that reads its input twice.

#include <ext/stdio_filebuf.h>

#include <istream>
#include <memory>

namespace opsctl::util {

/// A seekable copy of `in`, in a temporary file under $TMPDIR (else /tmp) that has no name
/// from the moment it is made (it goes with the process, however that ends). Throws
/// opsctl::Failure naming the folder and errno when it cannot be written (a full disk).
class SpooledInput {
  public:
    explicit SpooledInput(std::istream& in);
    SpooledInput(const SpooledInput&) = delete;
    SpooledInput& operator=(const SpooledInput&) = delete;

    /// The copy, read from its start.
    std::istream& stream() { return m_stream; }

  private:
    std::unique_ptr<__gnu_cxx::stdio_filebuf<char>> m_buffer;
    std::istream m_stream;
};

} // namespace opsctl::util
