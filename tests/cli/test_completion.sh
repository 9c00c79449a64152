#!/usr/bin/env bash
# Shell completion: the hidden `opsctl __complete`, the bash script as bash runs it on Tab,
# the zsh and fish scripts loading, and `opsctl completion SHELL` printing the shipped files.
source "$(dirname "$0")/lib.sh"

init_sample

# Complete as a user does: `opsctl` found on PATH.
mkdir -p "$WORK/bin"
ln -s "$BIN" "$WORK/bin/opsctl"
export PATH="$WORK/bin:$PATH"

# has LINES WORD: LINES (one candidate per line, maybe "value<TAB>help") has WORD as a value.
has() {
    printf '%s\n' "$1" | cut -f1 | grep -qx -- "$2"
}
expect_value() {
    if has "$OUT" "$1"; then pass; else fail "$2 (no candidate '$1')"; fi
}
expect_no_value() {
    if has "$OUT" "$1"; then fail "$2 (unexpected candidate '$1')"; else pass; fi
}
groups=$("$BIN" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ {print $1}')
has_group() { printf '%s\n' "$groups" | grep -qx "$1"; }

run __complete -- po
expect_rc 0 "__complete succeeds"
expect_eq "policy" "$(printf '%s\n' "$OUT" | cut -f1)" "'po' completes to policy alone"
expect_out $'policy\tValidate' "a group comes with its description"

run __complete -- ""
for g in $groups; do
    expect_value "$g" "an empty word offers every group in --help"
done
expect_no_value "__complete" "the hidden command is not offered"

run __complete -- db ""
expect_eq "backup check info" "$(printf '%s\n' "$OUT" | cut -f1 | sort | xargs)" "'db ' offers its verbs"

run __complete -- policy check --f
expect_value "--format" "a verb offers the global options"
run __complete -- db info --
expect_value "--help" "options include --help"
expect_value "--no-header" "options include the global flags"

run __complete -- --format ""
expect_value "json" "--format offers the formats"
expect_value "md" "--format offers md"
run __complete -- policy check --format=c
expect_eq "--format=csv" "$(printf '%s\n' "$OUT" | cut -f1)" "--format=VALUE completes within the word"

run __complete -- --as ""
expect_value "zhangwei" "--as offers people from the policy"
expect_out $'lina\t李娜' "a person comes with the name"
run __complete -- --as l
expect_eq "lina liuyang" "$(printf '%s\n' "$OUT" | cut -f1 | xargs)" "people are filtered by prefix"

run __complete -- policy show ""
expect_value "people" "policy show offers the sections"

run __complete -- db backup ""
expect_out ":files" "db backup FILE asks for file names"
run __complete -- --config ""
expect_out ":dirs" "--config asks for directories"

run __complete -- completion ""
expect_eq "bash fish zsh" "$(printf '%s\n' "$OUT" | cut -f1 | sort | xargs)" "completion offers the shells"

# A missing or broken policy: no names, no noise, no failure.
OPSCTL_CONFIG="$WORK/none" run __complete -- --as ""
expect_rc 0 "no policy: completion still succeeds"
expect_eq "" "$OUT$ERR" "no policy: nothing offered, nothing on stderr"
mkdir -p "$WORK/broken/policies"
printf 'site:\n  timezone: Mars/Olympus\n' >"$WORK/broken/opsctl.yaml"
run __complete -- --config "$WORK/broken" --as ""
expect_eq "0:" "$RC:$ERR" "broken policy: exit 0 and nothing on stderr"
run __complete -- --config "$WORK/cfg" --as z
expect_eq "zhangwei" "$(printf '%s\n' "$OUT" | cut -f1)" "--config on the command line is honoured"

# Conditional cases, for the groups as they exist in this build.
if has_group ticket; then
    run __complete -- ti
    expect_value "ticket" "'ti' completes to ticket"
    run __complete -- ticket new --priority ""
    expect_value "P1" "ticket --priority offers the policy's priorities"
    run __complete -- ticket new --type ""
    expect_value "incident" "ticket --type offers the policy's types"
fi
if has_group roster; then
    run __complete -- roster now --rotation ""
    if printf '%s\n' "$OUT" | grep -q .; then pass; else fail "roster --rotation offers the sample rotations"; fi
fi
if has_group inspect && "$BIN" inspect --help | grep -q '^  run'; then
    run __complete -- inspect run ""
    expect_value "daily" "'inspect run ' offers the sample checklists"
fi
if has_group backup && "$BIN" backup --help | grep -q '^  run'; then
    run __complete -- backup run ""
    if printf '%s\n' "$OUT" | cut -f1 | grep -qv '^-'; then pass; else fail "'backup run ' offers the sample jobs"; fi
fi

# The bash script, driven as bash drives it on Tab.
bash_complete() {
    bash --norc --noprofile -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _opsctl
        printf "%s\n" "${COMPREPLY[@]}"' _ "$SRC/completions/opsctl.bash" "$@"
}
OUT=$(bash_complete opsctl po 2>&1)
expect_eq "policy" "$OUT" "bash: 'opsctl po' completes to policy"
OUT=$(bash_complete opsctl db "" 2>&1)
expect_eq "backup check info" "$(printf '%s\n' "$OUT" | sort | xargs)" "bash: 'opsctl db ' offers the verbs, without descriptions"
OUT=$(bash_complete opsctl --as zh 2>&1)
expect_eq "zhangwei" "$OUT" "bash: people from the policy"
OUT=$(bash_complete opsctl --format = j 2>&1)
expect_eq "json" "$OUT" "bash: --format=VALUE, split at '=' by bash"
mkdir -p "$WORK/files/subdir" && touch "$WORK/files/copy.db"
OUT=$(cd "$WORK/files" && bash_complete opsctl db backup c 2>&1)
expect_eq "copy.db" "$OUT" "bash: file names for db backup"
OUT=$(cd "$WORK/files" && bash_complete opsctl --config s 2>&1)
expect_eq "subdir" "$OUT" "bash: directories for --config"
if has_group ticket; then
    OUT=$(bash_complete opsctl ti 2>&1)
    expect_eq "ticket" "$OUT" "bash: 'opsctl ti' completes to ticket"
fi
if has_group inspect && "$BIN" inspect --help | grep -q '^  run'; then
    OUT=$(bash_complete opsctl inspect run "" 2>&1)
    if printf '%s\n' "$OUT" | grep -qx daily; then pass; else fail "bash: 'opsctl inspect run ' offers daily (got: $OUT)"; fi
fi

if command -v shellcheck >/dev/null; then
    expect_true "shellcheck passes on the bash script" shellcheck -s bash "$SRC/completions/opsctl.bash"
else
    echo "skip: shellcheck not installed"
fi

if command -v zsh >/dev/null; then
    OUT=$(zsh -f -c 'autoload -U compinit; compinit -u -D; source "$1"; print -r -- $_comps[opsctl]' _ "$SRC/completions/_opsctl" 2>&1)
    expect_eq "_opsctl" "$OUT" "zsh: sourcing the script loads cleanly and registers _opsctl"
    OUT=$(zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -D; print -r -- $_comps[opsctl]' _ "$SRC/completions" 2>&1)
    expect_eq "_opsctl" "$OUT" "zsh: found through fpath by compinit"
else
    echo "skip: zsh not installed"
fi

if command -v fish >/dev/null; then
    expect_true "fish -n accepts the fish script" fish -n "$SRC/completions/opsctl.fish"
    OUT=$(fish --no-config -c 'source $argv[1]; complete -C "opsctl po"' "$SRC/completions/opsctl.fish" 2>&1)
    expect_eq $'policy\tValidate and show the policy files' "$OUT" "fish: 'opsctl po' completes to policy"
    OUT=$(fish --no-config -c 'source $argv[1]; complete -C "opsctl --format=ts"' "$SRC/completions/opsctl.fish" 2>&1)
    expect_eq "--format=tsv" "$OUT" "fish: --format=VALUE"
else
    echo "skip: fish not installed"
fi

# `opsctl completion SHELL` prints exactly the shipped scripts.
for pair in bash:opsctl.bash zsh:_opsctl fish:opsctl.fish; do
    run completion "${pair%%:*}"
    expect_eq "0" "$RC" "completion ${pair%%:*} succeeds"
    expect_true "completion ${pair%%:*} prints completions/${pair#*:}" \
        cmp -s <("$BIN" completion "${pair%%:*}") "$SRC/completions/${pair#*:}"
done
run completion tcsh
expect_rc 64 "an unknown shell is a usage error"
expect_err "no completion for shell 'tcsh'" "the error names the shell"

finish
