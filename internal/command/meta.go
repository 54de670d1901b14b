package command

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/term"
)

// Meta is what every command shares: the streams, the configuration once
// loaded, and the resources a run holds (lock, sandbox, audit log).
type Meta struct {
	IO
	// Dir is the configuration directory (the working directory after
	// -chdir).
	Dir     string
	Command string
	Config  *schema.Config
	// Vars are the input variables' values once prepare resolved them.
	Vars map[string]cty.Value
	// crypt is the state encryption once resolved (see stateCipher).
	crypt *cryptChoice
	// cleanups run in reverse order when the command ends.
	cleanups []func()
	// held is the first state lock the command took, to watch while it
	// sends requests (lockwatch.go).
	held state.Held
	// redactor masks secrets in everything printed (redact.go); learned
	// is what it was last taught from.
	redactor *secrets.Redactor
	learned  struct {
		sync.Mutex
		config *schema.Config
		vars   int
	}
	// flagSink, when set, receives the command's flag set instead of the
	// command running: how completion and the man page learn each
	// command's flags from the code that parses them (see commandFlags).
	flagSink func(*flag.FlagSet)
	// common holds the flags every command accepts, as Terraform's
	// commands do (see commonFlags).
	common commonFlags
	// diagEvents is set by apply -json once its stream started: every
	// diagnostic and error shown on standard error is then also a
	// diagnostic event on standard output, as in Terraform's
	// machine-readable UI.
	diagEvents bool
	// hugeHeap is set by a plan that prints its plan (neither -json nor
	// -out): prepare then maps its heap in huge pages (hugeheap.go).
	hugeHeap bool
}

func (m *Meta) errorf(format string, args ...any) {
	fmt.Fprintf(m.Stderr, "Error: "+format+"\n", args...)
	if m.diagEvents {
		m.diagnosticEvents(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: fmt.Sprintf(format, args...)}})
	}
}

func (m *Meta) warnf(format string, args ...any) {
	fmt.Fprintf(m.Stderr, "Warning: "+format+"\n", args...)
}

func (m *Meta) defer_(f func()) { m.cleanups = append(m.cleanups, f) }

func (m *Meta) close() {
	for i := len(m.cleanups) - 1; i >= 0; i-- {
		m.cleanups[i]()
	}
	m.cleanups = nil
}

// showDiags prints diagnostics with their source snippets and reports
// whether any was an error.
func (m *Meta) showDiags(diags hcl.Diagnostics) bool {
	if len(diags) == 0 {
		return false
	}
	diags = groupDiags(diags)
	if m.diagEvents {
		m.diagnosticEvents(diags)
	}
	var buf bytes.Buffer
	defer func() { m.Stderr.Write(m.redact(buf.Bytes())) }()
	if m.common.compactWarnings {
		diags = compactWarnings(&buf, diags)
		if len(diags) == 0 {
			return false
		}
	}
	if m.Config != nil {
		if err := m.Config.WriteDiagnostics(&buf, diags, false, 100); err == nil {
			return diags.HasErrors()
		}
	}
	wr := hcl.NewDiagnosticTextWriter(&buf, nil, 100, false)
	wr.WriteDiagnostics(diags)
	return diags.HasErrors()
}

// loadConfig reads the configuration of the working directory. It prints
// the diagnostics and reports whether the configuration is usable.
func (m *Meta) loadConfig() bool {
	ok, diags := loadConfigQuiet(m)
	return !m.showDiags(diags) && ok
}

// loadConfigQuiet reads the configuration without printing; it reports
// false when there is none at all.
func loadConfigQuiet(m *Meta) (bool, hcl.Diagnostics) {
	cfg, diags := schema.Load(m.Dir)
	m.Config = cfg
	if cfg != nil && len(cfg.Files) == 0 && !diags.HasErrors() {
		return false, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "No configuration files",
			Detail: fmt.Sprintf("daftar reads every *.hcl file of the working directory (%s), and there is none. Write one, or use -chdir=DIR.", absDir(m.Dir))}}
	}
	return cfg != nil, diags
}

func absDir(dir string) string {
	if wd, err := os.Getwd(); err == nil && dir == "." {
		return wd
	}
	return dir
}

// backend returns the state backend the daftar { backend } block names
// (the local file at -state by default), with the state encryption
// settings. It prints why it fails.
func (m *Meta) backend(statePath string) (state.Backend, bool) {
	return m.selectBackend(statePath)
}

// lock takes the state lock for the command, waiting up to timeout. On
// failure it prints why and returns false.
func (m *Meta) lock(b state.Backend, timeout time.Duration) bool {
	// -lock-timeout=0s, the default as in Terraform, tries once: a lock
	// held by a live process is reported at once, with its holder, instead
	// of being waited for without end. (A dead holder's lock is free.)
	if !m.common.lock {
		if m.Command == "plan" {
			return true // a plan only reads the state; prepare then writes nothing
		}
		m.warnf("-lock=false is ignored by daftar %s, which writes the state: the lock is what keeps two commands from sending the same request twice. Only plan reads the state without the lock.", m.Command)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	info := state.LockInfo{ID: state.NewLineage(), Operation: m.Command, Who: who(), PID: os.Getpid(), Created: time.Now().UTC()}
	unlock, err := b.Lock(ctx, info)
	if err != nil {
		m.errorf("%s", err)
		return false
	}
	if h, ok := unlock.(state.Held); ok && m.held == nil {
		m.held = h
	}
	m.defer_(func() {
		if err := unlock.Unlock(); err != nil {
			m.errorf("releasing the state lock: %s", err)
		}
	})
	return true
}

func who() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// loadState reads the state under the lock; it prints why on failure.
func (m *Meta) loadState(b state.Backend) (*state.State, bool) {
	st, err := b.Load(context.Background())
	if err != nil {
		m.errorf("%s", err)
		return nil, false
	}
	return st, true
}

// stdinIsTerminal reports whether standard input is an interactive
// terminal, where apply may ask for confirmation.
func (m *Meta) stdinIsTerminal() bool {
	f, ok := m.Stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// confirm asks the question and reports whether the answer was "yes".
func (m *Meta) confirm(question string) bool {
	fmt.Fprintf(m.Stdout, "%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	m.flushStreams()
	var answer strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := m.Stdin.Read(buf)
		if n == 1 && buf[0] != '\n' {
			answer.WriteByte(buf[0])
			continue
		}
		if n == 1 || errors.Is(err, io.EOF) || err != nil {
			break
		}
	}
	fmt.Fprintln(m.Stdout)
	return strings.TrimSpace(answer.String()) == "yes"
}

// compactWarnings writes each warning of diags as one line (-compact-
// warnings, as Terraform's) and returns the other diagnostics.
func compactWarnings(w io.Writer, diags hcl.Diagnostics) hcl.Diagnostics {
	var rest hcl.Diagnostics
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning {
			rest = append(rest, d)
			continue
		}
		where := ""
		if d.Subject != nil {
			where = fmt.Sprintf(" (%s:%d:%d)", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
		}
		fmt.Fprintf(w, "Warning: %s%s\n", d.Summary, where)
	}
	return rest
}
