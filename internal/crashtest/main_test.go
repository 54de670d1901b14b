package crashtest

import (
	"fmt"
	"os"
	"testing"
)

// bin is the daftar binary the package's tests drive, built once.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "daftar-crashtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// With the race detector, as the e2e tests build it: the crash test
	// is also the most concurrent run of the executor there is.
	bin, err = Build(dir, true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
