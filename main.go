// Command daftar is a declarative reconciler and batch runner for
// onboarding people: it registers accounts (USAPI), verifies subjects
// (Proofylink) and reads profiles (Prakerja) as an HCL configuration
// declares, exactly once.
package main

import (
	"os"

	"github.com/daftar-dev/daftar/internal/command"
)

func main() {
	os.Exit(command.Run(os.Args[1:], command.IO{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Environ: os.Environ(),
	}))
}
