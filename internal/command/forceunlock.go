package command

import (
	"fmt"
	"strconv"
)

func runForceUnlock(m *Meta, args []string) int {
	fs := newFlagSet(m, "force-unlock")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	var force forceCount
	fs.Var(&force, "force", "do not ask for confirmation; give it twice (-force -force) to release the lock of a daftar that is still running")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	if fs.NArg() != 1 {
		m.errorf("daftar force-unlock takes the lock ID that the lock error printed")
		return exitError
	}
	id := fs.Arg(0)
	if force == 0 && !m.confirmForceUnlock() {
		return exitError
	}
	b, err := m.lockBackend(*statePath)
	if err != nil {
		m.errorf("%s", err)
		return exitError
	}
	// The holder still running: releasing its lock stops it, and only an
	// explicit second confirmation does that.
	if running, why := b.HolderRunning(id); running && force < 2 && !m.confirmStopHolder(why, id, force) {
		return exitError
	}
	if err := b.ForceUnlock(id); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	fmt.Fprintln(m.Stdout, "The state lock was released.")
	return exitOK
}

func (m *Meta) confirmForceUnlock() bool {
	if !m.stdinIsTerminal() {
		m.errorf("force-unlock asks for confirmation, but standard input is not a terminal; add -force if you are sure no daftar is running on this state")
		return false
	}
	if !m.confirm("Do you really want to release the state lock? Only do so if no daftar command is running on this state.") {
		m.errorf("force-unlock cancelled")
		return false
	}
	return true
}

// confirmStopHolder asks again, in other words, before the lock of a
// holder that is still running is released; without a terminal it
// refuses and says how to insist.
func (m *Meta) confirmStopHolder(why, id string, force forceCount) bool {
	consequence := "Releasing it stops that daftar: within a second it sees its lock gone and sends nothing more, and what it left in flight is resolved by the next apply. A daftar stopped (SIGSTOP, a paused machine) stops when it resumes."
	if force > 0 || !m.stdinIsTerminal() {
		m.errorf("the holder of lock %s is still running: %s. Nothing was released. %s If that is what you want, run: daftar force-unlock -force -force %s", id, why, consequence, id)
		return false
	}
	if !m.confirm(fmt.Sprintf("The holder of this lock is still running: %s.\n%s\nRelease the lock of a running daftar?", why, consequence)) {
		m.errorf("force-unlock cancelled")
		return false
	}
	return true
}

// forceCount is -force, counted: given twice, it confirms twice.
type forceCount int

func (f *forceCount) String() string { return strconv.Itoa(int(*f)) }

func (f *forceCount) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("-force takes no value (give it twice to insist)")
	}
	if v {
		*f++
	}
	return nil
}

func (f *forceCount) IsBoolFlag() bool { return true }
