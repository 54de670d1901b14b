package command

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/internal/suggest"
)

// Exit codes of the contract.
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2 // plan -detailed-exitcode: changes present
	// exitExcluded: plan or apply went well for what it planned, but
	// -exclude-invalid left invalid instances out (see docs/batches.md).
	exitExcluded = 3
)

// IO carries the process's standard streams, so tests can run commands
// in-process.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Environ is the process environment (os.Environ()).
	Environ []string
}

type command struct {
	synopsis string
	run      func(m *Meta, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"validate":     {"Check the configuration, with no request to any API", runValidate},
		"fmt":          {"Rewrite the configuration files in the canonical style", runFmt},
		"plan":         {"Show the changes an apply would make", runPlan},
		"apply":        {"Make the changes: register, verify, read", runApply},
		"show":         {"Show the state or a saved plan", runShow},
		"state":        {"Inspect and edit the state (list, show, mv, rm; encrypt, decrypt, rekey; migrate)", runState},
		"import":       {"Adopt an existing remote record into the state", runImport},
		"output":       {"Show output values from the state", runOutput},
		"sandbox":      {"Serve the fake USAPI, Proofylink and Prakerja APIs", runSandbox},
		"audit":        {"Check the audit log (audit verify)", runAudit},
		"report":       {"Write who was registered and verified, as HTML, CSV or JSON", runReport},
		"force-unlock": {"Release a state lock that its holder cannot release", runForceUnlock},
		"version":      {"Print daftar's version", runVersion},
		"completion":   {"Print the shell completion script for bash, zsh or fish", runCompletion},
		"man":          {"Print daftar's manual page (roff, section 1)", runMan},
		"graph":        {"Print the dependency graph in DOT (-instances: per instance)", runGraph},
		"console":      {"Evaluate expressions against the configuration and the state", runConsole},
	}
}

// Run runs daftar with the arguments after the program name and returns the
// exit code.
//
// Run can be called in process (internal/clitest): it reads the
// environment from streams.Environ only, prints only to the streams, and
// returns to the working directory it started in after -chdir. The
// working directory is still the process's, so two commands must not run
// in process at once.
func Run(args []string, streams IO) (code int) {
	if wd, err := os.Getwd(); err == nil {
		defer os.Chdir(wd) // after -chdir (globalFlags, or completion's)
	}
	m := &Meta{IO: streams, Dir: ".", common: commonFlags{input: true, lock: true}}
	m.redactStreams()
	defer m.flushStreams()
	defer m.recoverCrash(&code)
	args, err := m.globalFlags(args)
	if err != nil {
		m.errorf("%s", err)
		return exitError
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-help" || args[0] == "--help" || args[0] == "-h" {
		usage(streams.Stdout)
		return exitOK
	}
	if args[0] == "-version" || args[0] == "--version" {
		args[0] = "version"
	}
	if args[0] == completeCommand {
		return runComplete(m, args[1:])
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		m.errorf("%s", unknownCommand(args[0]))
		return exitError
	}
	m.Command = args[0]
	beforeCommand(m, args[0])
	return cmd.run(m, args[1:])
}

func unknownCommand(name string) string {
	msg := fmt.Sprintf("daftar has no command %q.", name)
	if hint, ok := terraformHabits[name]; ok {
		return msg + " " + hint
	}
	if s := suggest.Closest(name, commandNames()); s != "" {
		msg += fmt.Sprintf(" Did you mean %q?", s)
	}
	return msg + " Run daftar -help for the list."
}

// terraformHabits says what to run instead of a Terraform command daftar
// does not have, for the users who type it from habit.
var terraformHabits = map[string]string{
	"destroy": "USAPI, Proofylink and Prakerja cannot delete a record, so daftar cannot destroy one. " +
		"Remove the resources from the configuration and apply: daftar forgets them (they leave the state; " +
		"the remote records stay). daftar state rm ADDR forgets one without a plan.",
	"init": "daftar needs no init: its providers are built in, and the backend named in the configuration " +
		"is opened by each command. To move a state to another backend, run daftar state migrate.",
	"refresh": "Run daftar apply -refresh-only: it reads the remote records and records what changed once you " +
		"approve (daftar plan -refresh-only only shows it).",
	"taint": "Run daftar apply -replace=ADDR: the plan shows the replacement before anything is sent.",
	"workspace": "daftar has no workspaces: keep each batch in its own directory (-chdir=DIR), or name its " +
		"state with -state=PATH.",
}

func commandNames() []string {
	var names []string
	for n := range commands() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: daftar [-chdir=DIR] COMMAND [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	cmds := commands()
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-13s %s\n", n, cmds[n].synopsis)
	}
	fmt.Fprintln(w, "\nRun daftar COMMAND -help for a command's flags.")
}

// globalFlags reads -chdir (and --chdir) before the command name.
func (m *Meta) globalFlags(args []string) ([]string, error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if name != "chdir" {
			return args, nil
		}
		if !hasValue {
			if len(args) < 2 {
				return nil, fmt.Errorf("-chdir needs a directory: -chdir=DIR")
			}
			value, args = args[1], args[1:]
		}
		if info, err := os.Stat(value); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("-chdir=%s: there is no directory %s", value, value)
		}
		if err := os.Chdir(value); err != nil {
			return nil, fmt.Errorf("-chdir=%s: cannot change to that directory: %v", value, err)
		}
		args = args[1:]
	}
	return args, nil
}
