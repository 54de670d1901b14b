package command

import "fmt"

func runForceUnlock(m *Meta, args []string) int {
	fs := newFlagSet(m, "force-unlock")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	force := fs.Bool("force", false, "do not ask for confirmation")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	if fs.NArg() != 1 {
		m.errorf("daftar force-unlock takes the lock ID that the lock error printed")
		return exitError
	}
	if !*force {
		if !m.stdinIsTerminal() {
			m.errorf("force-unlock asks for confirmation, but standard input is not a terminal; add -force if you are sure no daftar is running on this state")
			return exitError
		}
		if !m.confirm("Do you really want to release the state lock? Only do so if no daftar command is running on this state.") {
			m.errorf("force-unlock cancelled")
			return exitError
		}
	}
	// The lock file is never encrypted: no passphrase is needed.
	if err := m.forceUnlock(*statePath, fs.Arg(0)); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	fmt.Fprintln(m.Stdout, "The state lock was released.")
	return exitOK
}
