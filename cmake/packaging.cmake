# Installing and packaging opsctl: completion scripts (also embedded for
# `opsctl completion SHELL`), man pages (opsctl-policy(5) assembled from the sections'
# fragments), scheduling examples and a Debian package through CPack.
#
#   cmake --install build --prefix /usr/local       # or DESTDIR=/tmp/root cmake --install build
#   cd build && cpack -G DEB                         # opsctl_<version>_<arch>.deb

set(OPSCTL_COMPLETION_FILES
  ${CMAKE_SOURCE_DIR}/completions/opsctl.bash
  ${CMAKE_SOURCE_DIR}/completions/_opsctl
  ${CMAKE_SOURCE_DIR}/completions/opsctl.fish)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/generated/completion_scripts.cpp
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR}/completions
          -DOUT=${CMAKE_BINARY_DIR}/generated/completion_scripts.cpp
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_completions.cmake
  DEPENDS ${OPSCTL_COMPLETION_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_completions.cmake
  COMMENT "Embedding the shell completion scripts" VERBATIM)
target_sources(opsctl PRIVATE ${CMAKE_BINARY_DIR}/generated/completion_scripts.cpp)

# opsctl-policy(5) is rebuilt whenever a section adds or changes its fragment.
file(GLOB OPSCTL_POLICY_MAN_PARTS CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/man/opsctl-policy.5.in ${CMAKE_SOURCE_DIR}/man/opsctl-policy-*.inc)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/man/opsctl-policy.5
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR}/man -DOUT=${CMAKE_BINARY_DIR}/man/opsctl-policy.5
          -P ${CMAKE_SOURCE_DIR}/cmake/policy_man.cmake
  DEPENDS ${OPSCTL_POLICY_MAN_PARTS} ${CMAKE_SOURCE_DIR}/cmake/policy_man.cmake
  COMMENT "Assembling opsctl-policy(5)" VERBATIM)
add_custom_target(opsctl_man ALL DEPENDS ${CMAKE_BINARY_DIR}/man/opsctl-policy.5)

# Installed compressed (gzip -9n: reproducible), as Debian's policy asks; man reads them.
# Their folder exists from configure on: the gzip commands run in it, and nothing orders them
# after the command that assembles opsctl-policy(5) there (a parallel build raced it).
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/man)
file(GLOB OPSCTL_MAN1_PAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.1)
set(OPSCTL_MAN1_GZ)
foreach(page ${OPSCTL_MAN1_PAGES})
  get_filename_component(name ${page} NAME)
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/man/${name}.gz
    COMMAND ${CMAKE_COMMAND} -E copy ${page} ${CMAKE_BINARY_DIR}/man/${name}
    COMMAND gzip -9nf ${name}
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/man
    DEPENDS ${page} VERBATIM)
  list(APPEND OPSCTL_MAN1_GZ ${CMAKE_BINARY_DIR}/man/${name}.gz)
endforeach()
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/man/opsctl-policy.5.gz
  COMMAND gzip -9nkf opsctl-policy.5
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/man
  DEPENDS ${CMAKE_BINARY_DIR}/man/opsctl-policy.5 VERBATIM)
add_custom_target(opsctl_man_gz ALL DEPENDS ${OPSCTL_MAN1_GZ} ${CMAKE_BINARY_DIR}/man/opsctl-policy.5.gz)
install(FILES ${OPSCTL_MAN1_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/man/opsctl-policy.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# Where bash-completion, zsh (Debian's vendor directory) and fish look for them.
install(FILES completions/opsctl.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME opsctl)
install(FILES completions/_opsctl DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES completions/opsctl.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# Debian looks for the licence and the changelog (compressed, reproducibly) in
# /usr/share/doc/opsctl.
configure_file(${CMAKE_SOURCE_DIR}/packaging/changelog.in ${CMAKE_BINARY_DIR}/packaging/changelog @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/packaging/changelog.gz
  COMMAND gzip -9nkf changelog
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/packaging
  DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog
  COMMENT "Compressing the changelog" VERBATIM)
add_custom_target(opsctl_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_BINARY_DIR}/packaging/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME opsctl)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Wrapped below 80 columns, as Debian's policy asks of the extended description.
set(CPACK_PACKAGE_DESCRIPTION
  "opsctl is one command for an IT operations team: tickets with SLA clocks\non a business calendar, the asset register, inspections with built-in\nprobes, verified backups, the duty roster and the monthly review.\nPolicies are YAML files kept under version control; records live in one\nSQLite database.")
set(CPACK_PACKAGE_CONTACT "opsctl maintainers <opsctl@example.com>")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The Depends line comes from the shared libraries the binary links (dpkg-shlibdeps), plus
# the ones it opens with dlopen on first use (lib/util/dynlib.hpp), which dpkg-shlibdeps
# cannot see: libcurl for HTTP checks, libarchive for backups, libpq for a PostgreSQL
# database. (libcrypto's SHA-256 is linked in statically.)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4, libarchive13, libpq5")
# Packed relative relocations (CMakeLists.txt) need glibc 2.36's loader, a requirement
# (GLIBC_ABI_DT_RELR) that dpkg-shlibdeps does not turn into a version.
if(OPSCTL_HAVE_RELR AND OPSCTL_LINK_STATIC)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libc6 (>= 2.36)")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus-node-exporter, bsd-mailx | mailutils")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.com/opsctl")
include(CPack)
