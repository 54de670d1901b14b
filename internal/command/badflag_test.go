package command

import (
	"strings"
	"testing"
)

// A flag value of the wrong type says what would be valid, not the flag
// package's "parse error".
func TestBadFlagValueSaysWhatIsValid(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"duration": {[]string{"plan", "-lock-timeout=abc"}, `-lock-timeout="abc" is not valid: it must be a duration such as 30s or 5m`},
		"int":      {[]string{"apply", "-parallelism=many"}, `-parallelism="many" is not valid: it must be a whole number such as 10`},
		"bool":     {[]string{"plan", "-lock=maybe"}, `-lock="maybe" is not valid: it must be true or false`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, errs, code := runIn(t, t.TempDir(), tt.args...)
			if code != exitError || !strings.Contains(errs, tt.want) || strings.Contains(errs, "parse error") {
				t.Fatalf("exit %d, stderr %q, want %q", code, errs, tt.want)
			}
		})
	}
}

// audit verify given a directory says so, and names the file it wants.
func TestAuditVerifyDirectory(t *testing.T) {
	dir := t.TempDir()
	_, errs, code := runIn(t, dir, "audit", "verify", ".")
	want := ". is a directory, not an audit log: give the log file, such as daftar audit verify daftar.audit.jsonl"
	if code != exitError || !strings.Contains(errs, want) || strings.Contains(errs, "read ") {
		t.Fatalf("exit %d, stderr %q, want %q", code, errs, want)
	}
}
