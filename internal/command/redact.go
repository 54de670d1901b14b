package command

import (
	"bytes"
	"io"
	"os"
	"sort"
	"sync"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/zclconf/go-cty/cty"
)

// Everything daftar prints goes through one secrets.Redactor, at the
// boundary: standard output and standard error are wrapped in a
// redactingWriter when the command starts. The redactor masks every NIK
// shape, and learns, as the command goes, every value it must not show:
// the sensitive variables' values (as given or by default), the values of
// sensitive attributes written literally or through a variable in the
// configuration (configsecrets.go), and every sensitive value sent to a
// provider: credentials, passwords, access tokens, NIKs (observe.go).
// Provider errors are also redacted where they are made, with the files
// the change uploads (observe.go). Whatever the source of a text (an API's
// message echoing the request, a source snippet, a diff, a progress line,
// -json output), it is masked on its way out.

// redactingWriter masks what w is given, a line at a time: a value is
// never split between two writes of the same line.
type redactingWriter struct {
	m  *Meta
	w  io.Writer
	mu sync.Mutex
	// pending is the start of a line not written yet.
	pending []byte
	// showSensitive lets everything through: show -show-sensitive's
	// standard output once its diagnostics are printed.
	showSensitive bool
}

// maxPending is how much of a line without end is held before it is
// written anyway.
const maxPending = 64 << 10

func (w *redactingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = append(w.pending, p...)
	end := bytes.LastIndexByte(w.pending, '\n')
	if end < 0 && len(w.pending) < maxPending {
		return len(p), nil
	}
	if end < 0 {
		end = len(w.pending) - 1
	}
	err := w.emit(w.pending[:end+1])
	w.pending = append(w.pending[:0], w.pending[end+1:]...)
	return len(p), err
}

func (w *redactingWriter) emit(b []byte) error {
	if w.showSensitive {
		_, err := w.w.Write(b)
		return err
	}
	_, err := io.WriteString(w.w, w.m.redactString(string(b)))
	return err
}

// Flush writes what is held of a line without its end (a question waiting
// for an answer, the end of the output).
func (w *redactingWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) > 0 {
		w.emit(w.pending)
		w.pending = w.pending[:0]
	}
}

// File is the file under the writer, for terminal checks; nil when it is
// not one.
func (w *redactingWriter) File() *os.File {
	f, _ := w.w.(*os.File)
	return f
}

// unbuffered writes each write at once, redacted as a whole: for a live
// display that redraws itself in place and must not wait for a line end.
type unbuffered struct{ w *redactingWriter }

func (u unbuffered) Write(p []byte) (int, error) {
	u.w.Flush()
	u.w.mu.Lock()
	defer u.w.mu.Unlock()
	return len(p), u.w.emit(p)
}

// redactStreams wraps the command's standard output and error.
func (m *Meta) redactStreams() {
	m.redactor = secrets.NewRedactor()
	m.Stdout = &redactingWriter{m: m, w: m.Stdout}
	m.Stderr = &redactingWriter{m: m, w: m.Stderr}
}

// flushStreams writes what the streams hold.
func (m *Meta) flushStreams() {
	for _, w := range []io.Writer{m.Stdout, m.Stderr} {
		if rw, ok := w.(*redactingWriter); ok {
			rw.Flush()
		}
	}
}

// streamFile is the file under a stream, nil when it is not one.
func streamFile(w io.Writer) *os.File {
	switch w := w.(type) {
	case *redactingWriter:
		return w.File()
	case *os.File:
		return w
	}
	return nil
}

// redactString masks in s what the command knows to be secret.
func (m *Meta) redactString(s string) string {
	m.learnVariables()
	return m.redactor.Redact(s)
}

func (m *Meta) redact(text []byte) []byte {
	if m.redactor == nil {
		m.redactor = secrets.NewRedactor()
	}
	return []byte(m.redactString(string(text)))
}

// learnVariables gives the redactor the values of the sensitive variables
// and what the configuration writes in sensitive attributes, once the
// configuration or the variables are known or change.
func (m *Meta) learnVariables() {
	m.learned.Lock()
	defer m.learned.Unlock()
	if m.Config == nil || (m.learned.config == m.Config && m.learned.vars == len(m.Vars)) {
		return
	}
	m.learned.config, m.learned.vars = m.Config, len(m.Vars)
	m.redactor.Add(m.sensitiveValues()...)
	m.redactor.Add(configSecrets(m.Config, m.Vars)...)
}

// sensitiveValues lists the string values of the sensitive variables,
// longest first so that a secret containing another is replaced whole.
func (m *Meta) sensitiveValues() []string {
	if m.Config == nil {
		return nil
	}
	var out []string
	for name, v := range m.Config.Variables {
		if !v.Sensitive {
			continue
		}
		if v.Default != cty.NilVal {
			out = appendStrings(out, v.Default)
		}
		if val, ok := m.Vars[name]; ok {
			out = appendStrings(out, val)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// appendStrings appends every known non-empty string in v (in collections
// too); the redactor masks one shorter than secrets.MinLen only where it
// stands whole as a value.
func appendStrings(out []string, v cty.Value) []string {
	v, _ = v.UnmarkDeep()
	cty.Walk(v, func(_ cty.Path, e cty.Value) (bool, error) {
		if e.IsKnown() && !e.IsNull() && e.Type() == cty.String && e.AsString() != "" {
			out = append(out, e.AsString())
		}
		return true, nil
	})
	return out
}

// liveStdout is standard output for a live display: redacted, each write
// at once.
func (m *Meta) liveStdout() io.Writer {
	if rw, ok := m.Stdout.(*redactingWriter); ok {
		return unbuffered{rw}
	}
	return m.Stdout
}

// showSensitiveValues lets standard output show sensitive values: show
// -show-sensitive, whose purpose that is.
func (m *Meta) showSensitiveValues() {
	if rw, ok := m.Stdout.(*redactingWriter); ok {
		rw.Flush()
		rw.mu.Lock()
		rw.showSensitive = true
		rw.mu.Unlock()
	}
}
