#compdef daftar
# zsh completion for daftar. Load it with:
#   source <(daftar completion zsh)
# or save it as _daftar in a directory of $fpath (before compinit runs).
# Candidates come from `daftar __complete`, which knows the commands, their
# flags, and the resource addresses of the state and configuration.
_daftar() {
	local -a out plain eq
	local c name desc
	out=("${(@f)$("${words[1]}" __complete "${(@Q)words[2,CURRENT]}" 2>/dev/null)}")
	for c in "${out[@]}"; do
		[[ -z $c ]] && continue
		name=${c%%$'\t'*}
		desc=""
		[[ $c == *$'\t'* ]] && desc=${c#*$'\t'}
		name=${name//:/\\:}
		if [[ $name == *= ]]; then
			eq+=("$name${desc:+:$desc}")
		else
			plain+=("$name${desc:+:$desc}")
		fi
	done
	if (( ${#plain} + ${#eq} == 0 )); then
		_files
		return
	fi
	local ret=1
	(( ${#eq} )) && _describe -t flags 'daftar' eq -S '' && ret=0
	(( ${#plain} )) && _describe -t values 'daftar' plain && ret=0
	return ret
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
	_daftar "$@"
else
	compdef _daftar daftar
fi
