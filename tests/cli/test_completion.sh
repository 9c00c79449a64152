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
expect_eq "backup check copy info" "$(printf '%s\n' "$OUT" | cut -f1 | sort | xargs)" "'db ' offers its verbs"

run __complete -- policy check --f
expect_value "--format" "a verb offers the global options"
run __complete -- db info --
expect_value "--help" "options include --help"
expect_value "--no-header" "options include the global flags"

run __complete -- --format ""
expect_value "json" "--format offers the formats"
expect_value "md" "--format offers md"
run __complete -- report monthly --format ""
expect_value "html" "report monthly offers its html page"
run __complete -- ticket list --format ""
expect_no_value "html" "a list has no html format"
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
run __complete -- db copy ""
expect_out ":files" "db copy FROM asks for file names"
run __complete -- db copy a.db ""
expect_out ":files" "db copy FROM TO asks for file names for TO too"
run __complete -- db copy --r
expect_value "--replace" "db copy offers --replace"
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

# Every group's verbs and every verb's options, as --help lists them, are offered.
verbs_of() { "$BIN" "$@" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ {print $1}'; }
options_of() { "$BIN" "$@" --help | grep -oE '^ +(-[a-zA-Z], ?)?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+'; }
missing=""
for g in $groups; do
    [ "$g" = completion ] && continue
    run __complete -- "$g" ""
    offered=$OUT
    for v in $(verbs_of "$g"); do
        has "$offered" "$v" || missing="$missing $g:$v"
        run __complete -- "$g" "$v" --
        for o in $(options_of "$g" "$v"); do
            has "$OUT" "$o" || missing="$missing $g.$v:$o"
        done
        for sub in $(verbs_of "$g" "$v"); do
            run __complete -- "$g" "$v" "$sub" --
            for o in $(options_of "$g" "$v" "$sub"); do
                has "$OUT" "$o" || missing="$missing $g.$v.$sub:$o"
            done
        done
    done
done
expect_eq "" "$missing" "every verb and option that --help lists is completed"

# Values from the policy and from the library, where each option takes them.
values() { printf '%s\n' "$OUT" | cut -f1 | sort | xargs; }
run __complete -- ti
expect_value "ticket" "'ti' completes to ticket"
run __complete -- ticket new --priority ""
expect_eq "P1 P2 P3 P4" "$(values)" "ticket --priority offers the policy's priorities"
run __complete -- ticket new --type ""
expect_value "incident" "ticket --type offers the policy's types"
expect_value "change" "ticket --type offers every type"
run __complete -- ticket list --assignee ""
expect_value "zhangwei" "--assignee offers people"
expect_value "chenjing" "--assignee offers every person"
run __complete -- ticket list --status ""
expect_value "resolved" "ticket list --status offers workflow states"
run __complete -- ticket list --team ""
expect_eq "desk dev network ops security" "$(values)" "--team offers the teams"
run __complete -- ticket assign 1 ""
expect_value "lina" "ticket assign ID offers people"
run __complete -- roster now --rotation ""
expect_value "ops-primary" "roster --rotation offers the sample rotations"
expect_value "desk" "roster --rotation offers every rotation"
run __complete -- roster handover --to ""
expect_value "liuyang" "roster handover --to offers people"
run __complete -- roster show --to ""
expect_eq "" "$OUT" "roster show --to takes a date: nothing offered"
run __complete -- inspect run ""
expect_value "daily" "'inspect run ' offers the sample checklists"
run __complete -- inspect run -j ""
expect_eq "" "$OUT" "inspect run -j takes a number, not backup jobs"
run __complete -- backup run ""
expect_eq "opsctl-db policy" "$(values)" "'backup run ' offers the sample jobs"
run __complete -- backup verify o
expect_eq "opsctl-db" "$(values)" "backup verify offers jobs"
run __complete -- backup restore 1 --to ""
expect_out ":dirs" "backup restore --to asks for a folder"
run __complete -- asset list --class ""
expect_eq "fire-equipment meeting-room network pc server terminal" "$(values)" "asset list --class offers the sample classes"
run __complete -- asset list --status ""
expect_value "in_use" "asset --status offers the lifecycle statuses"
expect_no_value "resolved" "and not ticket states"
run __complete -- asset list --location ""
expect_value "机房A" "asset --location offers the policy's locations"
run __complete -- asset maint add SRV-0001 --kind ""
expect_eq "check clean other repair upgrade" "$(values)" "asset maint --kind offers the maintenance kinds"
run __complete -- asset count --by ""
expect_eq "class location owner status" "$(values)" "an IsMember option offers its members"
run __complete -- asset transfer --to ""
expect_value "wangfang" "asset transfer --to offers people"
run __complete -- asset checkout PC-0001 --to ""
expect_value "wangfang" "asset checkout --to offers people"
run __complete -- asset checkout PC-0001 --location ""
expect_value "机房A" "asset checkout --location offers the policy's locations"
run __complete -- asset audit ""
expect_eq "finish list scan show start" "$(values)" "asset audit offers its verbs"
run __complete -- asset audit start --location ""
expect_value "机房A" "asset audit start --location offers the policy's locations"
run __complete -- ticket link 2 --kind ""
expect_value "child-of" "ticket link --kind offers child-of"
run __complete -- asset update SRV-0001 --unset ""
expect_value "memory_gb" "asset --unset offers the custom field keys"
run __complete -- report monthly --lang ""
expect_eq "en zh" "$(values)" "report --lang offers the languages"

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
expect_eq "backup check copy info" "$(printf '%s\n' "$OUT" | sort | xargs)" "bash: 'opsctl db ' offers the verbs, without descriptions"
OUT=$(bash_complete opsctl --as zh 2>&1)
expect_eq "zhangwei" "$OUT" "bash: people from the policy"
OUT=$(bash_complete opsctl --format = j 2>&1)
expect_eq "json" "$OUT" "bash: --format=VALUE, split at '=' by bash"
mkdir -p "$WORK/files/subdir" && touch "$WORK/files/copy.db"
OUT=$(cd "$WORK/files" && bash_complete opsctl db backup c 2>&1)
expect_eq "copy.db" "$OUT" "bash: file names for db backup"
OUT=$(cd "$WORK/files" && bash_complete opsctl --config s 2>&1)
expect_eq "subdir" "$OUT" "bash: directories for --config"
OUT=$(bash_complete opsctl ti 2>&1)
expect_eq "ticket" "$OUT" "bash: 'opsctl ti' completes to ticket"
OUT=$(bash_complete opsctl inspect run "" 2>&1)
expect_value "daily" "bash: 'opsctl inspect run ' offers the sample checklists"
OUT=$(bash_complete opsctl backup run "" 2>&1)
expect_value "opsctl-db" "bash: 'opsctl backup run ' offers the sample jobs"
expect_value "policy" "bash: 'opsctl backup run ' offers every job"
OUT=$(bash_complete opsctl asset list --class "" 2>&1)
expect_eq "fire-equipment meeting-room network pc server terminal" "$(printf '%s\n' "$OUT" | sort | xargs)" \
    "bash: 'opsctl asset list --class ' offers the sample classes"
OUT=$(bash_complete opsctl ticket list --assignee l 2>&1)
expect_eq "lina liuyang" "$(printf '%s\n' "$OUT" | sort | xargs)" "bash: --assignee offers people"
OUT=$(bash_complete opsctl --config "$WORK/cfg" ticket new --priority P 2>&1)
expect_eq "P1 P2 P3 P4" "$(printf '%s\n' "$OUT" | xargs)" "bash: priorities, with --config on the line"

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
    # The completion function itself, with zsh's _describe and _files stubbed to print.
    zsh_complete() {
        zsh -f -c '
            compdef() { :; }
            _describe() { local arr=${@[-1]}; print -rl -- "${(@P)arr}"; }
            _files() { print -r -- "<files $*>"; }
            source "$1"; shift
            words=("$@"); CURRENT=$#
            _opsctl' _ "$SRC/completions/_opsctl" "$@" 2>&1
    }
    OUT=$(zsh_complete opsctl backup run "")
    expect_eq "opsctl-db policy" "$(printf '%s\n' "$OUT" | sort | xargs)" "zsh: 'opsctl backup run ' offers the jobs"
    OUT=$(zsh_complete opsctl asset list --class s)
    expect_eq "server" "$OUT" "zsh: asset classes"
    OUT=$(zsh_complete opsctl ticket list --assignee l)
    expect_eq "lina:李娜 liuyang:刘洋" "$(printf '%s\n' "$OUT" | xargs)" "zsh: people with their names"
    OUT=$(zsh_complete opsctl inspect run "")
    expect_value "daily" "zsh: 'opsctl inspect run ' offers the checklists"
    OUT=$(zsh_complete opsctl --config "$WORK/cfg" db backup "")
    expect_eq "<files >" "$OUT" "zsh: file names for db backup"
else
    echo "skip: zsh not installed"
fi

if command -v fish >/dev/null; then
    expect_true "fish -n accepts the fish script" fish -n "$SRC/completions/opsctl.fish"
    OUT=$(fish --no-config -c 'source $argv[1]; complete -C "opsctl po"' "$SRC/completions/opsctl.fish" 2>&1)
    expect_eq $'policy\tValidate and show the policy files' "$OUT" "fish: 'opsctl po' completes to policy"
    OUT=$(fish --no-config -c 'source $argv[1]; complete -C "opsctl --format=ts"' "$SRC/completions/opsctl.fish" 2>&1)
    expect_eq "--format=tsv" "$OUT" "fish: --format=VALUE"
    OUT=$(fish --no-config -c 'source $argv[1]; complete -C "opsctl backup run "' "$SRC/completions/opsctl.fish" 2>&1)
    expect_eq "opsctl-db policy" "$(printf '%s\n' "$OUT" | cut -f1 | sort | xargs)" "fish: backup jobs"
    OUT=$(fish --no-config -c 'source $argv[1]; complete -C "opsctl asset list --class s"' "$SRC/completions/opsctl.fish" 2>&1)
    expect_eq "server" "$(printf '%s\n' "$OUT" | cut -f1)" "fish: asset classes"
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

# notify: its verbs, and the statuses `notify list --status` takes.
run __complete -- notify ""
expect_eq "flush list" "$(values)" "'notify ' offers its verbs"
run __complete -- notify list --status ""
expect_eq "failed pending sent" "$(values)" "notify list --status offers the three statuses"
run __complete -- page ""
expect_eq "ack list" "$(values)" "'page ' offers its verbs"

finish
