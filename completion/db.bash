# bash completion for the e-smith database tools db and config (esmith-c).
#
#   config COMMAND KEY PROP VALUE ...
#   db DBNAME COMMAND KEY PROP VALUE ...
#
# Commands, database names, keys, prop names (those of the record and of
# its schema) and a prop's allowed values from its schema (enum and switch
# types), all asked of the tool itself: `describe --complete`.

_esmith_db()
{
    local cur words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n = || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    COMPREPLY=()
    local tool=("${words[0]}") at=1
    if [[ ${words[0]##*/} != config ]]; then
        if ((cword == 1)); then
            local dir=${ESMITH_ROOT%/}/home/e-smith/db name names=()
            for name in "$dir"/*; do
                name=${name##*/}
                [[ -f $dir/$name && $name != *.* ]] && names+=("$name")
            done
            COMPREPLY=($(compgen -W "${names[*]}" -- "$cur"))
            return
        fi
        tool+=("${words[1]}")
        at=2
    fi
    if ((cword == at)); then
        COMPREPLY=($(compgen -W "keys print show printjson get set setdefault delete
            printtype gettype settype printprop getprop setprop delprop describe check" -- "$cur"))
        return
    fi
    local cmd=${words[at]} n=$((cword - at)) key=${words[at + 1]}
    local list
    if ((n == 1)); then
        [[ $cmd == keys || $cmd == printjson && -z $cur ]] && return
        list=$("${tool[@]}" keys 2>/dev/null)
    else
        case $cmd in
        setprop)
            if ((n % 2 == 0)); then
                list=$("${tool[@]}" describe --complete "$key" 2>/dev/null)
            else
                list=$("${tool[@]}" describe --complete "$key" "${words[cword - 1]}" 2>/dev/null)
            fi
            ;;
        set | setdefault)
            if ((n == 2)); then
                list=$("${tool[@]}" gettype "$key" 2>/dev/null)
            elif ((n % 2 == 1)); then
                list=$("${tool[@]}" describe --complete "$key" 2>/dev/null)
            else
                list=$("${tool[@]}" describe --complete "$key" "${words[cword - 1]}" 2>/dev/null)
            fi
            ;;
        settype)
            ((n == 2)) && list=$("${tool[@]}" gettype "$key" 2>/dev/null)
            ;;
        getprop | describe)
            ((n == 2)) && list=$("${tool[@]}" describe --complete "$key" 2>/dev/null)
            ;;
        printprop | delprop)
            list=$("${tool[@]}" describe --complete "$key" 2>/dev/null)
            ;;
        esac
    fi
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$list" -- "$cur"))
}
complete -F _esmith_db db config
