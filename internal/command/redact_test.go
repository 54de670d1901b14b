package command

import (
	"bytes"
	"strings"
	"testing"
)

// Standard output and error mask what the command knows, even when a
// value is written in two pieces, and hold a line without end until the
// command flushes it.
func TestRedactingStreams(t *testing.T) {
	var out, errb bytes.Buffer
	m := &Meta{IO: IO{Stdout: &out, Stderr: &errb}}
	m.redactStreams()
	m.redactor.Add("Rahasia-Sekali-2026!")
	m.Stdout.Write([]byte("password Rahasia-Sek"))
	m.Stdout.Write([]byte("ali-2026! and NIK 3171 0155 0496 0001\nEnter a value: "))
	m.Stderr.Write([]byte("Error: 3171-0155-0496-0001 refused\n"))
	if got := out.String(); got != "password (sensitive value) and NIK 3171********0001\n" {
		t.Errorf("stdout before the flush: %q", got)
	}
	m.flushStreams()
	if got := out.String(); !strings.HasSuffix(got, "Enter a value: ") {
		t.Errorf("stdout after the flush: %q", got)
	}
	if got := errb.String(); got != "Error: 3171********0001 refused\n" {
		t.Errorf("stderr: %q", got)
	}
	m.showSensitiveValues()
	m.Stdout.Write([]byte("password = Rahasia-Sekali-2026!\n"))
	if !strings.Contains(out.String(), "password = Rahasia-Sekali-2026!") {
		t.Errorf("show -show-sensitive's output was masked: %q", out.String())
	}
}
