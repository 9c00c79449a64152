#!/usr/bin/env bash
# Man pages: every group and verb that --help lists is documented, every page has the
# sections a sysadmin looks for, and mandoc finds nothing above style level in any page,
# opsctl-policy(5) included (assembled here from man/opsctl-policy.5.in and the fragments).
source "$(dirname "$0")/lib.sh"

MAN="$SRC/man"

# subcommands ARGS...: the subcommand names that `opsctl ARGS... --help` lists.
subcommands() {
    "$BIN" "$@" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ {print $1}'
}

# mentions PAGE WORD: the page names WORD as a command word (.Cm, .Ss, .Nm or .It).
mentions() {
    grep -Eq "^\.(Cm|Ss|Sh|Nm|It|Ic)( .*)? $2( |$)|^\.(Cm|Ss|It|Ic) $2( |$)|^\.Nm opsctl $2( |$)|^\.Nm opsctl-$2( |$)" "$1"
}

groups=$(subcommands)
if [ -n "$groups" ]; then pass; else fail "opsctl --help lists no groups"; fi
for group in $groups; do
    if mentions "$MAN/opsctl.1" "$group"; then pass; else fail "opsctl(1) does not describe the group '$group'"; fi
    verbs=$(subcommands "$group")
    [ -z "$verbs" ] && continue
    page="$MAN/opsctl-$group.1"
    if [ ! -f "$page" ]; then
        fail "man/opsctl-$group.1 is missing: every group with verbs has its page (verbs: ${verbs//$'\n'/ })"
        continue
    fi
    pass
    for verb in $verbs; do
        if mentions "$page" "$verb"; then pass; else fail "opsctl-$group(1) does not describe '$group $verb'"; fi
        # Verbs of a verb (roster override add, asset maint list, ...) are documented too.
        for sub in $(subcommands "$group" "$verb"); do
            if grep -Eq "^\.(Cm|Ss|It|Ic)( .*)? $verb $sub( |,|$)" "$page"; then
                pass
            else
                fail "opsctl-$group(1) does not describe '$group $verb $sub'"
            fi
        done
    done
done

# Assemble opsctl-policy(5) the way the build does.
if cmake -DSRC="$MAN" -DOUT="$WORK/opsctl-policy.5" -P "$SRC/cmake/policy_man.cmake" >"$WORK/cmake.log" 2>&1; then
    pass
else
    fail "assembling opsctl-policy(5) failed: $(cat "$WORK/cmake.log")"
fi
for section in site calendar people notify; do
    if grep -q "^\.Ss $section\$" "$WORK/opsctl-policy.5"; then pass; else fail "opsctl-policy(5) lacks the '$section' section"; fi
done
for inc in "$MAN"/opsctl-policy-*.inc; do
    [ -f "$inc" ] || continue
    if grep -q "From man/$(basename "$inc")" "$WORK/opsctl-policy.5"; then pass; else fail "opsctl-policy(5) lacks $(basename "$inc")"; fi
done

pages=("$MAN"/*.1 "$WORK/opsctl-policy.5")
for page in "${pages[@]}"; do
    name=$(basename "$page")
    for section in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
        # A file format has no exit status.
        [[ $name == *.5 && $section == "EXIT STATUS" ]] && continue
        if grep -q "^\.Sh $section\$" "$page"; then pass; else fail "$name has no $section section"; fi
    done
    # Options live in an OPTIONS section or, per verb, in the verbs' subsections.
    if [[ $name == *.1 ]]; then
        if grep -q '^\.Sh OPTIONS$' "$page" || grep -Eq '^\.(It|Op) Fl' "$page"; then pass; else fail "$name documents no options"; fi
    fi
    if grep -q OPSCTL_CONFIG "$page"; then pass; else fail "$name does not mention OPSCTL_CONFIG"; fi
done

if command -v mandoc >/dev/null; then
    for page in "${pages[@]}"; do
        OUT=$(mandoc -T lint -W warning "$page" 2>&1)
        RC=$?
        if [ "$RC" -eq 0 ] && [ -z "$OUT" ]; then pass; else fail "mandoc -T lint $(basename "$page"): $OUT"; fi
    done
    OUT=$(mandoc -T utf8 "$WORK/opsctl-policy.5" 2>&1)
    expect_out "timezone" "opsctl-policy(5) renders and documents site.timezone"
else
    echo "skip: mandoc not installed, pages not linted"
fi

finish
