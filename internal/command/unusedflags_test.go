package command

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestPlanFlagsWithoutUseAreRefused checks that graph, console and import,
// which take the plan's flags, refuse those they would ignore. Found in
// review: graph -json printed DOT, console -json printed plain values and
// import -replace=X imported as if it were not given, all with exit 0.
func TestPlanFlagsWithoutUseAreRefused(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), "output \"o\" {\n  value = 1\n}\n")
	for _, args := range [][]string{
		{"graph", "-json"}, {"graph", "-replace=usapi_account.a"}, {"graph", "-refresh-only"},
		{"console", "-json"}, {"console", "-replace=usapi_account.a"}, {"console", "-target=usapi_account.a"},
		{"import", "-json", "usapi_account.a", "ani"}, {"import", "-replace=usapi_account.a", "usapi_account.a", "ani"},
	} {
		out, errs, code := runIn(t, dir, args...)
		flagName, _, _ := strings.Cut(args[1], "=")
		if code != 1 || out != "" || !strings.Contains(errs, flagName) {
			t.Errorf("daftar %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errs)
		}
	}
	if out, errs, code := runIn(t, dir, "graph"); code != 0 || !strings.Contains(out, "digraph") {
		t.Errorf("daftar graph: exit %d, %q %q", code, out, errs)
	}
}

// TestPlanFileThatIsNotAFile checks apply and show given a folder or a
// device as the plan file: refused, never read. Found in review: show
// /dev/zero and apply /dev/zero read until memory ran out.
func TestPlanFileThatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), "output \"o\" {\n  value = 1\n}\n")
	paths := []string{dir}
	if runtime.GOOS != "windows" {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		for _, args := range [][]string{{"show", p}, {"apply", p}} {
			_, errs, code := runIn(t, dir, args...)
			if code != 1 || !strings.Contains(errs, "not a regular file") {
				t.Errorf("daftar %s: exit %d, %s", strings.Join(args, " "), code, errs)
			}
		}
	}
}

// TestApplyJSONReportsEveryErrorAsAnEvent checks that apply -json puts an
// error that stops it before any change (a configuration error, a flag
// refused later) on standard output as a diagnostic event, as Terraform's
// machine-readable UI does, besides standard error. Found in review: a
// configuration error gave only the version event on standard output, so
// a tool reading the stream saw nothing go wrong.
func TestApplyJSONReportsEveryErrorAsAnEvent(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), "output \"o\" {\n  value = nope.x\n}\n")
	out, errs, code := runIn(t, dir, "apply", "-json", "-auto-approve")
	if code != 1 || !strings.Contains(errs, "Error:") {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	var types []string
	found := false
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity string `json:"severity"`
				Range    *struct {
					Filename string `json:"filename"`
				} `json:"range"`
			} `json:"diagnostic"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not one JSON object per line: %q", line)
		}
		types = append(types, e.Type)
		found = found || (e.Type == "diagnostic" && e.Diagnostic.Severity == "error" && e.Diagnostic.Range != nil && strings.HasSuffix(e.Diagnostic.Range.Filename, "main.hcl"))
	}
	if !found {
		t.Errorf("no diagnostic event for the configuration error; events %v", types)
	}
}
