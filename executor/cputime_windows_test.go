//go:build windows

package executor_test

import (
	"time"

	"golang.org/x/sys/windows"
)

// cpuTime is the CPU time this process has used, user and kernel.
func cpuTime() time.Duration {
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user); err != nil {
		return 0
	}
	ticks := func(t windows.Filetime) int64 { return int64(t.HighDateTime)<<32 | int64(t.LowDateTime) }
	return time.Duration(ticks(kernel)+ticks(user)) * 100 // 100-nanosecond intervals
}
