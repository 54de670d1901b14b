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
	if path := os.Getenv("DAFTAR_MEMPROFILE"); path != "" {
		defer func() {
			f, err := os.Create(path)
			if err != nil {
				fmt.Fprintf(os.Stderr, "Error: cannot write the memory profile: %s\n", err)
				return
			}
			defer f.Close()
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
