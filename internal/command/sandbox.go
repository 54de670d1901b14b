package command

import "github.com/daftar-dev/daftar/sandbox"

func runSandbox(m *Meta, args []string) int {
	return sandbox.Main(args, m.Stdout, m.Stderr)
}
