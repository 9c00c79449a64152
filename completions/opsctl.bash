# bash completion for opsctl                                  -*- shell-script -*-
# The binary knows its own groups, verbs and options and reads the policy for names
# (checklists, backup jobs, rotations, people, ...): this script only asks it, through
# `opsctl __complete -- WORD... CURRENT`, so it never goes stale.
# shellcheck shell=bash

_opsctl() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local -a words=()
    local i line value
    # Bash splits "--format=json" at '=' (COMP_WORDBREAKS); drop the '=' so that the option
    # and its value reach opsctl as two words and the value alone is completed.
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == "=" ]] && continue
        words+=("${COMP_WORDS[i]}")
    done
    [[ $cur == "=" ]] && cur=""

    COMPREPLY=()
    local want=""
    while IFS= read -r line; do
        case $line in
            :files) want=files ;;
            :dirs) want=dirs ;;
            *)
                value=${line%%$'\t'*}
                [[ -n $value ]] && COMPREPLY+=("$value")
                ;;
        esac
    done < <("${COMP_WORDS[0]}" __complete -- "${words[@]}" "$cur" 2>/dev/null)

    if [[ -n $want ]]; then
        local -a paths=()
        if [[ $want == dirs ]]; then
            mapfile -t paths < <(compgen -d -- "$cur")
        else
            mapfile -t paths < <(compgen -f -- "$cur")
        fi
        COMPREPLY+=("${paths[@]}")
        # Outside a real completion (tests) compopt is not available: that is fine.
        compopt -o filenames 2>/dev/null || true
    fi
}

complete -F _opsctl opsctl
