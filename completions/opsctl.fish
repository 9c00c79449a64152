# fish completion for opsctl. The binary knows its own groups, verbs and options and reads the
# policy for names (checklists, backup jobs, rotations, people, ...): this function only asks
# it, through `opsctl __complete -- WORD... CURRENT`, so it never goes stale.

function __opsctl_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l bin $tokens[1]
    set -e tokens[1]
    for line in ($bin __complete -- $tokens $current 2>/dev/null)
        switch $line
            case :files
                __fish_complete_path $current
            case :dirs
                __fish_complete_directories $current
            case '*'
                echo $line
        end
    end
end

complete -c opsctl -f -a '(__opsctl_complete)'
