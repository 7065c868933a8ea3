# bash completion for scry                                -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0
#
# Subcommands and flags come from scry's own --help (so commands added later
# complete too); probe names from 'scry -l' on the live machine, so that
# 'scry -l tracepoint:sched:<TAB>' offers this kernel's scheduler tracepoints.

_scry_probe_types="BEGIN END tracepoint: rawtracepoint: kprobe: kretprobe: uprobe: uretprobe:
usdt: kfunc: kretfunc: fentry: fexit: software: hardware: profile: interval: watchpoint: iter:"

# The probes whose names start with $1, through the scry being completed.
_scry_probes()
{
	local scry=$1 cur=$2 IFS=$'\n'

	if [[ $cur != *:* ]]; then
		IFS=$' \n'
		COMPREPLY=($(compgen -W "$_scry_probe_types" -- "$cur"))
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
		return
	fi
	COMPREPLY=($(compgen -W "$("$scry" -l "$cur*" 2>/dev/null)" -- "$cur"))
	__ltrim_colon_completions "$cur"
}

# The flags a --help text lists ("    -x", "  -x, --long").
_scry_flags()
{
	"$@" --help 2>&1 | sed -n 's/^ \{2,4\}\(-[-A-Za-z]*\)\(, \(--[-a-z]*\)\)\{0,1\}.*/\1 \3/p'
}

_scry()
{
	local cur prev words cword scry sub i
	_init_completion -n : || return
	scry=${words[0]}

	# A subcommand: its own flags, and probe names for 'list'.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*)
			if "$scry" --help 2>&1 | sed -n '/^COMMANDS:/,/^$/p' |
				grep -q "^    ${words[i]} "; then
				sub=${words[i]}
			fi
			break
			;;
		esac
	done
	if [[ -n $sub ]]; then
		case $prev in
		-f | --format) COMPREPLY=($(compgen -W "text json folded svg" -- "$cur")); return ;;
		-o | --output) _filedir; return ;;
		-p | --pid) _pids; return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_scry_flags "$scry" "$sub")" -- "$cur"))
		elif [[ $sub == list ]]; then
			_scry_probes "$scry" "$cur"
		fi
		return
	fi

	case $prev in
	-l) _scry_probes "$scry" "$cur"; return ;;
	-f) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
	-B) COMPREPLY=($(compgen -W "line full none" -- "$cur")); return ;;
	-d) COMPREPLY=($(compgen -W "ast ir bpf" -- "$cur")); return ;;
	-p) _pids; return ;;
	-c) COMPREPLY=($(compgen -c -- "$cur")); return ;;
	-o | --include | --emit-elf | --emit-llvm) _filedir; return ;;
	-I) _filedir -d; return ;;
	-e) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_scry_flags "$scry")" -- "$cur"))
	elif ((cword == 1)); then
		COMPREPLY=($(compgen -W "$("$scry" --help 2>&1 | sed -n '/^COMMANDS:/,/^$/s/^    \([a-z][-a-z]*\) .*/\1/p')" -- "$cur"))
		_filedir bt
	else
		_filedir bt
	fi
}
complete -F _scry scry
