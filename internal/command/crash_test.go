package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A panic in a command ends in one short message, exit 1, the stack in a
// crash file under .daftar/, and no secret anywhere.
func TestPanicIsReportedNotDumped(t *testing.T) {
	const secret = "Rahasia-Sekali-2026!"
	old := beforeCommand
	t.Cleanup(func() { beforeCommand = old })
	beforeCommand = func(m *Meta, name string) {
		m.redactor.Add(secret)
		panic("boom with " + secret)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	var out, errs bytes.Buffer
	code := Run([]string{"version"}, IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Environ: []string{}})
	text := out.String() + errs.String()
	if code != exitError || !strings.Contains(text, "daftar crashed: this is a bug; please report it") || !strings.Contains(text, "boom with") {
		t.Fatalf("exit %d, output:\n%s", code, text)
	}
	if strings.Contains(text, "goroutine ") || strings.Contains(text, ".go:") || strings.Contains(text, secret) {
		t.Fatalf("stack or secret on the terminal:\n%s", text)
	}
	files, _ := filepath.Glob(filepath.Join(dir, ".daftar", "crash-*.log"))
	if len(files) != 1 || !strings.Contains(text, files[0][len(dir)+1:]) {
		t.Fatalf("crash files %v, output %s", files, text)
	}
	report, err := os.ReadFile(files[0])
	if err != nil || !strings.Contains(string(report), "goroutine ") || !strings.Contains(string(report), "crash_test.go") || strings.Contains(string(report), secret) {
		t.Fatalf("crash file (%v):\n%s", err, report)
	}

	logFile := filepath.Join(t.TempDir(), "daftar.log")
	errs.Reset()
	code = Run([]string{"version"}, IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Environ: []string{"DAFTAR_LOG=" + logFile}})
	if report, err := os.ReadFile(logFile); code != exitError || err != nil || !strings.Contains(string(report), "goroutine ") || !strings.Contains(errs.String(), logFile) {
		t.Fatalf("DAFTAR_LOG: exit %d, %v, %s\n%s", code, err, errs.String(), report)
	}
}

// A panic in a goroutine the command waits for is reported by the
// command's handler, with the goroutine's own stack in the file.
func TestGoroutinePanicIsPassedToTheCommand(t *testing.T) {
	dir := t.TempDir()
	m := &Meta{IO: IO{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Environ: []string{"DAFTAR_LOG=" + filepath.Join(dir, "log")}}, Dir: dir}
	m.redactStreams()
	code := func() (code int) {
		defer m.recoverCrash(&code)
		c, crash := make(chan int, 1), make(chan any, 1)
		go func() {
			defer passPanic(crash)
			var none map[string]int
			none["x"] = 1 // a nil map write panics
		}()
		return receive(c, crash)
	}()
	m.flushStreams()
	report, _ := os.ReadFile(filepath.Join(dir, "log"))
	if code != exitError || !strings.Contains(string(report), "assignment to entry in nil map") || !strings.Contains(string(report), "TestGoroutinePanicIsPassedToTheCommand.func") {
		t.Fatalf("exit %d, report:\n%s", code, report)
	}
}
