// Command daftar is a declarative reconciler and batch runner for
// onboarding people: it registers accounts (USAPI), verifies subjects
// (Proofylink) and reads profiles (Prakerja) as an HCL configuration
// declares, exactly once.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"

	"github.com/daftar-dev/daftar/internal/command"
)

func main() {
	os.Exit(run())
}

func run() int {
	// DAFTAR_CPUPROFILE and DAFTAR_MEMPROFILE write Go pprof profiles of one
	// command, for docs/performance.md's measurements.
	if path := os.Getenv("DAFTAR_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "Error: cannot write the CPU profile: %s\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if path := os.Getenv("DAFTAR_TRACE"); path != "" {
		// An execution trace (go tool trace): what runs on each core, so
		// what runs alone while the other is idle.
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "Error: cannot write the trace: %s\n", err)
			return 1
		}
		defer f.Close()
		if err := trace.Start(f); err == nil {
			defer trace.Stop()
		}
	}
	if path := os.Getenv("DAFTAR_MEMPROFILE"); path != "" {
		// The heap as it was when the most was live (inuse_space: what a
		// command's peak held), or, for a command too short to sample, at
		// the end; alloc_space counts every allocation either way.
		peak := startPeakHeap(50 * time.Millisecond)
		defer func() {
			profile := peak.finish()
			f, err := os.Create(path)
			if err != nil {
				fmt.Fprintf(os.Stderr, "Error: cannot write the memory profile: %s\n", err)
				return
			}
			defer f.Close()
			if profile != nil {
				f.Write(profile)
				return
			}
			runtime.GC()
			pprof.Lookup("allocs").WriteTo(f, 0)
		}()
	}
	return command.Run(os.Args[1:], command.IO{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Environ: os.Environ(),
	})
}
