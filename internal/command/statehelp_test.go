package command

import (
	"bytes"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/state/postgres"
)

// daftar -h lists state migrate among the state subcommands, and
// daftar state -h (or -help, --help, help) shows them all with exit 0,
// instead of guessing a subcommand ("did you mean rm").
func TestStateHelp(t *testing.T) {
	var out, errs bytes.Buffer
	if code := Run([]string{"-h"}, IO{Stdout: &out, Stderr: &errs}); code != 0 || !strings.Contains(out.String(), "migrate") {
		t.Errorf("daftar -h: exit %d, output:\n%s", code, out.String())
	}
	for _, help := range []string{"-h", "-help", "--help", "help"} {
		out.Reset()
		errs.Reset()
		code := Run([]string{"state", help}, IO{Stdout: &out, Stderr: &errs})
		if code != 0 || errs.Len() != 0 {
			t.Errorf("daftar state %s: exit %d, stderr %q", help, code, errs.String())
		}
		for _, sub := range []string{"list", "show ADDR", "rm ADDR...", "encrypt", "decrypt", "rekey", "migrate -to=postgres|local"} {
			if !strings.Contains(out.String(), "  "+sub) {
				t.Errorf("daftar state %s does not list %q:\n%s", help, sub, out.String())
			}
		}
	}
}

// The batch's summary names the workers that ran, and apart from them
// those that stopped before the end, with no dangling colon.
func TestWorkersLine(t *testing.T) {
	tests := map[string]struct {
		workers, stopped int
		want             string
	}{
		"all ran":    {3, 0, "Batch 7 was applied by 3 workers."},
		"one ran":    {1, 0, "Batch 7 was applied by 1 worker."},
		"one killed": {3, 1, "Batch 7 was applied by 2 workers, with 1 more that stopped before the end and whose claims were taken over."},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := workersLine(7, &postgres.Summary{Workers: tc.workers, Stopped: tc.stopped}); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// A Terraform command daftar does not have gets what to run instead,
// with exit 1 and nothing on stdout; any other unknown name still gets the
// closest command.
func TestTerraformHabits(t *testing.T) {
	tests := map[string]string{
		"destroy":   "daftar state rm ADDR",
		"init":      "daftar state migrate",
		"refresh":   "daftar apply -refresh-only",
		"taint":     "daftar apply -replace=ADDR",
		"workspace": "-state=PATH",
		"aply":      `Did you mean "apply"?`,
	}
	for name, want := range tests {
		var out, errs bytes.Buffer
		code := Run([]string{name}, IO{Stdout: &out, Stderr: &errs})
		if code != 1 || out.Len() != 0 || !strings.Contains(errs.String(), `daftar has no command "`+name+`".`) || !strings.Contains(errs.String(), want) {
			t.Errorf("daftar %s: exit %d, stdout %q, stderr %q; want %q", name, code, out.String(), errs.String(), want)
		}
	}
}

// plan -destroy and apply -destroy say that daftar forgets rather than
// destroys, and how.
func TestDestroyFlagHabit(t *testing.T) {
	for _, args := range [][]string{{"plan", "-destroy"}, {"apply", "-destroy=true"}} {
		var out, errs bytes.Buffer
		code := Run(args, IO{Stdout: &out, Stderr: &errs})
		if code != 1 || out.Len() != 0 || !strings.Contains(errs.String(), "has no flag -destroy") || !strings.Contains(errs.String(), "removed block") {
			t.Errorf("daftar %v: exit %d, stdout %q, stderr %q", args, code, out.String(), errs.String())
		}
	}
}
