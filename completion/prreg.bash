# bash completion for prreg's tools: prspawn, prlist, prreap, prprune,
# prpidcheck and prwait.  make install puts it in
# $(PREFIX)/share/bash-completion/completions as prspawn, with the other
# five names linked to it, so that bash-completion loads it by any of them.
#
# The options are read from the tool's own -h usage each time, so they are
# those of the tool the line runs, whatever its version.  The values of -i,
# -s, -t and -p are the ids, sessions, types and pids of the registry the
# line names (its last -r, else what prlist picks itself: $PRREG_FILE or the
# default), asked of prlist; the file is never read here.

# _prreg_usage_parse USAGE: each option letter the usage shows, in order,
# once, into _prreg_opts ("r s t ..."), and the name of the argument of
# those that take one into _prreg_args (" r=FILE s=SESSION ...").
_prreg_usage_parse() {
	local rest=$1 re='(^|[[ |])-([A-Za-z0-9])( ([A-Z][A-Z]*))?(.*)'
	_prreg_opts='' _prreg_args=' '
	while [[ $rest =~ $re ]]; do
		rest=${BASH_REMATCH[5]}
		case " $_prreg_opts " in
		*" ${BASH_REMATCH[2]} "*) continue ;;
		esac
		_prreg_opts+="${_prreg_opts:+ }${BASH_REMATCH[2]}"
		[ -z "${BASH_REMATCH[4]}" ] ||
		    _prreg_args+="${BASH_REMATCH[2]}=${BASH_REMATCH[4]} "
	done
}

# _prreg_argname LETTER: the name of the option's argument, or nothing.
_prreg_argname() {
	local a=${_prreg_args#* "$1"=}
	[ "$a" = "$_prreg_args" ] || printf '%s' "${a%% *}"
}

# _prreg_add CUR WORD...: each WORD that starts with CUR, into COMPREPLY.
# (Not compgen -W, which would expand what a registry holds.)
_prreg_add() {
	local cur=$1 w
	shift
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# _prreg_registry FIELD CUR: the values of FIELD in the registry, once
# each, sorted, that start with CUR.  prlist is the one beside the tool,
# or the one on PATH.
_prreg_registry() {
	local prlist=prlist vals
	[[ $_prreg_cmd == */* ]] && prlist=${_prreg_cmd%/*}/prlist
	mapfile -t vals < <("$prlist" "${_prreg_reg[@]}" -o "$1" 2>/dev/null |
	    LC_ALL=C sort -u)
	_prreg_add "$2" "${vals[@]}"
}

# _prreg_files -f|-d CUR: the files (or directories) CUR starts.
_prreg_files() {
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen "$1" -- "$2")
}

# _prreg_value NAME CUR: complete CUR as the argument named NAME.
_prreg_value() {
	local s
	case $1 in
	FILE | PIDFILE) _prreg_files -f "$2" ;;
	DIR) _prreg_files -d "$2" ;;
	SESSION) _prreg_registry session "$2" ;;
	TYPE) _prreg_registry type "$2" ;;
	# prspawn's -i names a new record, its -A any process.
	ID) [ "${_prreg_cmd##*/}" = prspawn ] || _prreg_registry id "$2" ;;
	PID) [ "${_prreg_cmd##*/}" = prspawn ] || _prreg_registry pid "$2" ;;
	SIG)
		for s in $(compgen -A signal); do
			_prreg_add "${2^^}" "${s#SIG}"
		done
		;;
	esac
}

# _prreg_command AT: prspawn's COMMAND starts at word AT.
_prreg_command() {
	if declare -F _command_offset >/dev/null; then
		_command_offset "$1"
	elif [ "$1" -eq "$COMP_CWORD" ]; then
		mapfile -t COMPREPLY < <(compgen -c -- \
		    "${COMP_WORDS[COMP_CWORD]}" | LC_ALL=C sort -u)
	else
		_prreg_files -f "${COMP_WORDS[COMP_CWORD]}"
	fi
}

# The words before the current one, as getopt reads them: the last -r
# names the registry; an option whose argument is the current word, or
# the word where the operands start, ends the walk.
_prreg() {
	local _prreg_cmd=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
	local _prreg_opts _prreg_args _prreg_reg=() usage w i=1 j c name val
	COMPREPLY=()
	usage=$("$_prreg_cmd" -h 2>/dev/null) || return 0
	_prreg_usage_parse "$usage"
	while [ "$i" -lt "$COMP_CWORD" ]; do
		w=${COMP_WORDS[i]}
		case $w in
		--)
			[ "${_prreg_cmd##*/}" = prspawn ] &&
			    _prreg_command $((i + 1))
			return 0
			;;
		-?*) ;;
		*)
			[ "${_prreg_cmd##*/}" = prspawn ] && _prreg_command "$i"
			return 0
			;;
		esac
		for ((j = 1; j < ${#w}; j++)); do
			c=${w:j:1}
			name=$(_prreg_argname "$c")
			[ -n "$name" ] || continue
			if [ $((j + 1)) -lt ${#w} ]; then
				val=${w:j+1}
			elif [ $((i + 1)) -eq "$COMP_CWORD" ]; then
				_prreg_value "$name" "$cur"
				return 0
			else
				i=$((i + 1))
				val=${COMP_WORDS[i]}
			fi
			[ "$c" != r ] || _prreg_reg=(-r "${val/#\~/$HOME}")
			break
		done
		i=$((i + 1))
	done
	case $cur in
	-*)
		[[ " $_prreg_opts " == *" h "* ]] || _prreg_opts+=" h"
		for c in $_prreg_opts; do
			_prreg_add "$cur" "-$c"
		done
		;;
	*)
		[ "${_prreg_cmd##*/}" != prspawn ] ||
		    _prreg_command "$COMP_CWORD"
		;;
	esac
	return 0
}

complete -F _prreg prspawn prlist prreap prprune prpidcheck prwait
