# fish completion for daftar. Load it with:
#   daftar completion fish | source
# or save it as ~/.config/fish/completions/daftar.fish.
# Candidates come from `daftar __complete`, which knows the commands, their
# flags, and the resource addresses of the state and configuration.
function __daftar_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($tokens[1] __complete $tokens[2..-1] $current 2>/dev/null)
    if test (count $out) -eq 0
        __fish_complete_path $current
        return
    end
    printf '%s\n' $out
end
complete -c daftar -f -a '(__daftar_complete)'
