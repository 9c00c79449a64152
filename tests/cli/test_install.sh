#!/usr/bin/env bash
# `cmake --install` into a DESTDIR puts everything where Debian looks for it, and the
# installed binary, man pages and completion work from there; `cpack -G DEB` builds a
# package with computed dependencies and the same files.
source "$(dirname "$0")/lib.sh"

BUILD=$(cd "$(dirname "$BIN")" && pwd)
if [ ! -f "$BUILD/CMakeCache.txt" ] || ! command -v cmake >/dev/null; then
    echo "skip: $BUILD is not a CMake build directory"
    finish
fi

ROOT="$WORK/root"
if DESTDIR="$ROOT" cmake --install "$BUILD" --prefix /usr >"$WORK/install.log" 2>&1; then
    pass
else
    fail "cmake --install failed: $(tail -5 "$WORK/install.log")"
fi

expected=(
    usr/bin/opsctl
    usr/share/man/man1/opsctl.1.gz
    usr/share/man/man5/opsctl-policy.5.gz
    usr/share/bash-completion/completions/opsctl
    usr/share/zsh/vendor-completions/_opsctl
    usr/share/fish/vendor_completions.d/opsctl.fish
    usr/share/opsctl/examples/opsctl.yaml
    usr/share/opsctl/examples/policies/calendar.yaml
    usr/share/opsctl/examples/cron/opsctl.cron
    usr/share/opsctl/examples/systemd/opsctl-sla.timer
    usr/share/opsctl/examples/systemd/opsctl-sla.service
    usr/share/doc/opsctl/copyright
    usr/share/doc/opsctl/changelog.gz
)
for page in "$SRC"/man/*.1; do
    expected+=("usr/share/man/man1/$(basename "$page").gz")
done
# Every sample policy, crontab and unit is shipped as an example.
while IFS= read -r f; do
    expected+=("usr/share/opsctl/examples/${f#./}")
done < <(cd "$SRC/config" && find . -type f)
for f in "${expected[@]}"; do
    expect_true "installed $f" test -f "$ROOT/$f"
done
expect_true "the binary is executable" test -x "$ROOT/usr/bin/opsctl"
if [ -z "$(find "$ROOT" -name '*.inc' -o -name '*.in')" ]; then pass; else fail "man page sources were installed"; fi
expect_eq "usr" "$(find "$ROOT" -mindepth 1 -maxdepth 1 -printf '%f\n')" "everything installs under the prefix (nothing outside DESTDIR/usr)"
extra=$(cd "$ROOT" && find . -type f | sed 's|^\./||' | sort | comm -23 - <(printf '%s\n' "${expected[@]}" | sort))
expect_eq "" "$extra" "nothing is installed that the test does not expect"

BIN="$ROOT/usr/bin/opsctl"
run --version
expect_rc 0 "the installed binary runs"
if [[ $OUT =~ ^opsctl\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [0-9a-f]{7,}|unknown ]]; then pass; else fail "--version names version and commit"; fi

# The installed pieces work together: init from the binary, Tab through the installed script.
run init
expect_rc 0 "the installed binary installs the sample policy"
OUT=$(PATH="$ROOT/usr/bin:$PATH" bash --norc --noprofile -c '
    source "$1"
    COMP_WORDS=(opsctl po); COMP_CWORD=1; _opsctl; printf "%s\n" "${COMPREPLY[@]}"' _ \
    "$ROOT/usr/share/bash-completion/completions/opsctl" 2>&1)
expect_eq "policy" "$OUT" "the installed bash completion completes 'opsctl po'"
if command -v mandoc >/dev/null; then
    OUT=$(mandoc -T utf8 "$ROOT/usr/share/man/man1/opsctl.1.gz" 2>&1 | col -b 2>/dev/null || true)
    expect_out "EXIT STATUS" "the installed opsctl(1) renders"
fi

# The scheduling examples: every opsctl verb they run exists (for the groups in this build),
# and the systemd units pass systemd-analyze (where it is installed).
examples="$SRC/config/cron/opsctl.cron $SRC/config/systemd/*.service"
groups=$("$BIN" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ {print $1}')
# shellcheck disable=SC2086
grep -ho 'opsctl \(-q \)\?[a-z]\+ [a-z]\+' $examples | sed 's/^opsctl \(-q \)\?//' | sort -u >"$WORK/verbs"
while read -r group verb; do
    printf '%s\n' "$groups" | grep -qx "$group" || continue
    if "$BIN" "$group" "$verb" --help >/dev/null 2>&1; then pass; else fail "the examples run 'opsctl $group $verb', which does not exist"; fi
done <"$WORK/verbs"
if [ "$(wc -l <"$WORK/verbs")" -ge 6 ]; then pass; else fail "the examples run fewer verbs than expected: $(cat "$WORK/verbs")"; fi
# Cron lines: five time fields, a user, a command.
bad=$(grep -Ev '^(#|$|[A-Z_]+=)' "$SRC/config/cron/opsctl.cron" | awk 'NF < 7 || $6 != "opsctl"')
expect_eq "" "$bad" "every crontab line has five time fields, the user and a command"
# Backups are verified on a schedule, not only made: every day the newest backup of every job
# (after the nightly run, before the status line) and every week deeply, in cron and systemd.
cron_lines=$(grep -Ev '^(#|$|[A-Z_]+=)' "$SRC/config/cron/opsctl.cron")
expect_true "cron verifies every night, after the backups and before their status" bash -c \
    "printf '%s\n' \"\$1\" | awk '\$5 == \"*\"' | grep -q 'backup run; .*backup verify; .*backup status'" _ "$cron_lines"
expect_true "cron verifies deeply once a week" bash -c \
    "printf '%s\n' \"\$1\" | awk '\$3 == \"*\" && \$5 ~ /^[0-7]\$/' | grep -q 'backup verify --deep'" _ "$cron_lines"
nightly="$SRC/config/systemd/opsctl-backup-nightly.service"
expect_true "the nightly unit verifies between the run and the status" bash -c \
    "grep '^ExecStart=' '$nightly' | tr '\n' ' ' | grep -q 'backup run .*backup verify .*backup status'"
deep_unit=$(grep -l '^ExecStart=.*backup verify --deep' "$SRC"/config/systemd/*.service | head -1)
expect_true "a systemd unit verifies deeply" test -n "$deep_unit"
expect_true "its timer runs it once a week" grep -Eq '^OnCalendar=(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ' "${deep_unit%.service}.timer"
run backup verify --deep --help
expect_rc 0 "the schedules' 'backup verify --deep' is a valid command line"
if command -v systemd-analyze >/dev/null; then
    mkdir -p "$WORK/units"
    cp "$SRC"/config/systemd/* "$WORK/units/"
    # verify wants the programs to exist: point the units at the built binary.
    sed -i "s|/usr/bin/opsctl|$BIN|g" "$WORK"/units/*.service
    OUT=$(cd "$WORK/units" && systemd-analyze verify --man=no ./*.timer ./*.service 2>&1)
    RC=$?
    expect_eq "0:" "$RC:$OUT" "systemd-analyze verify accepts the units"
    for timer in "$WORK"/units/*.timer; do
        expect_true "$(basename "$timer") has a service" test -f "${timer%.timer}.service"
    done
else
    echo "skip: systemd-analyze not installed"
fi

# The Debian package, when the Debian tools are there.
if command -v cpack >/dev/null && command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null \
    && [ -f "$BUILD/CPackConfig.cmake" ]; then
    # Packaged from a stripped `cmake --install` of the build, not through the build tree:
    # cpack would first build the tree's preinstall target, relinking $BUILD/opsctl (its
    # version names the commit) while other tests run it. Everything else is the build's
    # CPack configuration.
    DESTDIR="$WORK/pkgroot" cmake --install "$BUILD" --prefix /usr --strip >"$WORK/install-strip.log" 2>&1 ||
        fail "cmake --install --strip failed: $(tail -5 "$WORK/install-strip.log")"
    cat >"$WORK/CPackConfig.cmake" <<EOF
include("$BUILD/CPackConfig.cmake")
set(CPACK_INSTALL_CMAKE_PROJECTS "")
set(CPACK_INSTALLED_DIRECTORIES "$WORK/pkgroot/usr;usr")
EOF
    if (cd "$WORK" && cpack -G DEB --config "$WORK/CPackConfig.cmake" -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1); then
        pass
    else
        fail "cpack -G DEB failed: $(tail -5 "$WORK/cpack.log")"
    fi
    deb=$(find "$WORK/pkg" -maxdepth 1 -name 'opsctl_*.deb' | head -1)
    if [ -n "$deb" ]; then
        pass
        contents=$(dpkg-deb -c "$deb")
        for f in ./usr/bin/opsctl ./usr/share/man/man1/opsctl.1.gz ./usr/share/man/man5/opsctl-policy.5.gz \
            ./usr/share/bash-completion/completions/opsctl ./usr/share/zsh/vendor-completions/_opsctl \
            ./usr/share/fish/vendor_completions.d/opsctl.fish ./usr/share/opsctl/examples/opsctl.yaml; do
            if [[ $contents == *" $f"* ]]; then pass; else fail "the package lacks $f"; fi
        done
        expect_eq "opsctl" "$(dpkg-deb -f "$deb" Package)" "the package is called opsctl"
        long=$(dpkg-deb -f "$deb" Description | awk 'length > 80')
        expect_eq "" "$long" "the package description keeps within 80 columns"
        version=$("$BIN" --version | awk '{print $2}')
        expect_eq "$version" "$(dpkg-deb -f "$deb" Version)" "the package version is the project's"
        depends=$(dpkg-deb -f "$deb" Depends)
        # Every shared library the binary links is declared through its Debian package
        # (dpkg-shlibdeps), whatever the code starts to use later.
        declared=$(printf '%s\n' "$depends" | tr ',|' '\n\n' | sed 's/^ *//; s/[ (:].*//')
        needed=$(objdump -p "$BUILD/opsctl" | awk '$1 == "NEEDED" {print $2}')
        if [ -n "$needed" ]; then pass; else fail "objdump found no NEEDED libraries in $BUILD/opsctl"; fi
        # Libraries opened with dlopen on first use (libcurl, libarchive, libpq) are invisible to
        # dpkg-shlibdeps; the binary names them as strings, and each must be declared too.
        dlopened=$(strings "$BUILD/opsctl" | grep -Ex 'lib[a-z0-9_+-]+\.so\.[0-9]+' | sort -u | comm -23 - <(printf '%s\n' $needed | sort -u))
        for lib in libcurl libarchive libpq; do
            if [[ $dlopened == *$lib.so.* ]]; then pass; else fail "the binary does not open $lib on demand: $dlopened"; fi
        done
        # libcrypto's SHA-256 is linked in: nothing opens or loads libcrypto.so.
        if [ "$(printf '%s\n' $needed $dlopened | grep -c -E '^lib(curl|archive|pq|crypto)\.so')" = 3 ]; then pass; else
            fail "the binary loads libcurl, libarchive, libpq or libcrypto at start-up, or opens libcrypto: $needed $dlopened"
        fi
        # The normal build links SQLite, yaml-cpp, fmt and the C++ runtime in (OPSCTL_STATIC_LIBS;
        # a sanitizer build cannot): only the C library is loaded at start-up.
        static=$(awk -F= '$1 == "OPSCTL_LINK_STATIC:INTERNAL" {print $2}' "$BUILD/CMakeCache.txt")
        if [ "$static" = ON ]; then
            extra_needed=$(printf '%s\n' $needed | grep -Ev '^(libc|libm|ld-linux[a-z0-9_.-]*)\.so')
            expect_eq "" "$extra_needed" "the binary loads only libc and libm at start-up"
        fi
        used_pkgs=""
        for so in $needed $dlopened; do
            file=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64|64bit|AArch64/ {print $NF; exit}')
            pkg=""
            if [ -n "$file" ]; then
                # dpkg knows a file under the path its package ships it at: /lib or /usr/lib.
                real=$(readlink -f "$file")
                pkg=$(dpkg -S "*/$(basename "$real")" 2>/dev/null |
                    awk -F': ' -v a="$real" -v b="${real#/usr}" '$2 == a || $2 == b {print $1; exit}' | cut -d: -f1)
            fi
            if [ -z "$pkg" ]; then
                echo "note: no Debian package found for $so"
                continue
            fi
            if printf '%s\n' "$declared" | grep -qx -- "$pkg"; then pass; else fail "Depends lacks $pkg (for $so): $depends"; fi
            used_pkgs+=" $pkg"
        done
        # ... and nothing else: a library linked in is no dependency.
        for pkg in $declared; do
            if [[ " $used_pkgs " == *" $pkg "* ]]; then pass; else fail "Depends names $pkg, which the binary neither loads nor opens: $depends"; fi
        done
        if [ "$static" = ON ]; then
            required=(libc6 libcurl4 libarchive13 libpq5)
            # Packed relative relocations need glibc 2.36's loader.
            if readelf -V "$BUILD/opsctl" 2>/dev/null | grep -q GLIBC_ABI_DT_RELR; then
                if [[ $depends == *"libc6 (>= 2.36)"* ]]; then pass; else fail "Depends lacks libc6 (>= 2.36) for DT_RELR: $depends"; fi
            fi
            for lib in libstdc++6 libgcc-s1 libsqlite3 libyaml-cpp libfmt; do
                if [[ $depends != *"$lib"* ]]; then pass; else fail "Depends names $lib, which is linked in: $depends"; fi
            done
        else
            required=(libc6 libstdc++6 libsqlite3 libyaml-cpp libcurl4 libarchive13 libpq5)
        fi
        for lib in "${required[@]}"; do
            if [[ $depends == *"$lib"* ]]; then pass; else fail "Depends lacks $lib: $depends"; fi
        done
        # The package installs as a whole: same files as cmake --install, and a working binary.
        mkdir -p "$WORK/debroot"
        dpkg-deb -x "$deb" "$WORK/debroot"
        expect_eq "" "$(cd "$WORK/debroot" && find . -type f | sed 's|^\./||' | sort | comm -3 - <(cd "$ROOT" && find . -type f | sed 's|^\./||' | sort))" \
            "the package holds the same files as cmake --install"
        expect_true "the packaged binary runs" "$WORK/debroot/usr/bin/opsctl" --version
        # Debian's own checker: no errors (warnings are printed for the record).
        if command -v lintian >/dev/null; then
            lintian --no-tag-display-limit "$deb" >"$WORK/lintian.log" 2>&1
            errors=$(grep '^E:' "$WORK/lintian.log")
            expect_eq "" "$errors" "lintian reports no errors on the package"
            grep '^W:' "$WORK/lintian.log" || true
        else
            echo "skip: lintian not installed"
        fi
    else
        fail "cpack wrote no opsctl_*.deb"
    fi
else
    echo "skip: cpack, dpkg-deb or dpkg-shlibdeps not installed, no .deb built"
fi

finish
