package command

import (
	_ "embed"
	"fmt"
)

var (
	//go:embed completion/daftar.bash
	bashCompletion string
	//go:embed completion/daftar.zsh
	zshCompletion string
	//go:embed completion/daftar.fish
	fishCompletion string
)

// completionScripts are the scripts `daftar completion SHELL` prints; each
// asks `daftar __complete` for its candidates.
var completionScripts = map[string]string{"bash": bashCompletion, "zsh": zshCompletion, "fish": fishCompletion}

func runCompletion(m *Meta, args []string) int {
	fs := newFlagSet(m, "completion")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	script, ok := completionScripts[fs.Arg(0)]
	if fs.NArg() != 1 || !ok {
		m.errorf("daftar completion needs a shell: bash, zsh or fish (daftar completion bash). docs/install.md says how to load the script.")
		return exitError
	}
	fmt.Fprint(m.Stdout, script)
	return exitOK
}
