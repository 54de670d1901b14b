# bash completion for daftar. Load it with:
#   source <(daftar completion bash)
# or save it as /usr/share/bash-completion/completions/daftar.
# Candidates come from `daftar __complete`, which knows the commands, their
# flags, and the resource addresses of the state and configuration.
_daftar() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	local line=${COMP_LINE:0:COMP_POINT}
	local IFS=$'\n'
	local out
	out=$("${COMP_WORDS[0]}" __complete -bash "$line" "$cur" 2>/dev/null)
	if [[ -z $out ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
	fi
	COMPREPLY=($out)
	if [[ ${COMPREPLY[*]} == *= || ${COMPREPLY[*]} == *=$'\n'* ]]; then
		compopt -o nospace 2>/dev/null
	fi
	return 0
}
complete -F _daftar daftar
