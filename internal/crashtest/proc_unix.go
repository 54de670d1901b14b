//go:build unix

package crashtest

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup puts cmd in a process group of its own, whose parent
// (the test) is in another: a process stopped (SIGSTOP) in a group that is
// orphaned (the tests run in the background of a shell that exited) would
// get SIGHUP when any other member of the group exits.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
