//go:build !unix

package crashtest

import "os/exec"

// ownProcessGroup does nothing where there are no process groups to be
// orphaned (and no SIGSTOP).
func ownProcessGroup(*exec.Cmd) {}
