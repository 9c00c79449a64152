// fmt's non-inline functions, compiled once from the installed headers, for a binary that
// does not load libfmt.so (OPSCTL_STATIC_LIBS; Debian's fmt 9 ships no static library).
// Compiling fmt header-only instead would add about 4 seconds to every file that formats.
// The instantiations below are the ones the headers declare `extern` or leave to the library.

#include <fmt/format-inl.h>

#include <locale>

namespace fmt {
inline namespace v9 {
namespace detail {

template auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template locale_ref::locale_ref(const std::locale& loc);
template auto locale_ref::get<std::locale>() const -> std::locale;
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template auto thousands_sep_impl<wchar_t>(locale_ref) -> thousands_sep_result<wchar_t>;
template auto decimal_point_impl(locale_ref) -> char;
template auto decimal_point_impl(locale_ref) -> wchar_t;

} // namespace detail
} // namespace v9
} // namespace fmt
