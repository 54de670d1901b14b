package command

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/daftar-dev/daftar/schema"
)

// stringList is a repeatable string flag (-target, -replace).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// varArgs collects -var and -var-file in command-line order, since later
// ones win over earlier ones whichever flag they came from.
type varArgs struct {
	flag string
	list *[]schema.VarArg
}

func (v varArgs) String() string { return "" }
func (v varArgs) Set(s string) error {
	*v.list = append(*v.list, schema.VarArg{Flag: v.flag, Value: s})
	return nil
}

// planFlags are the flags shared by plan and apply.
type planFlags struct {
	targets, replaces stringList
	vars              []schema.VarArg
	refresh           bool
	refreshOnly       bool
	parallelism       int
	lockTimeout       time.Duration
	json              bool
	statePath         string
	// excludeInvalid leaves invalid instances out of the plan.
	excludeInvalid bool
	// acceptNewKey goes on with a digest key other than the state's
	// (see checkDigestKey).
	acceptNewKey bool
}

func (pf *planFlags) register(fs *flag.FlagSet) {
	fs.Var(&pf.targets, "target", "plan only this resource or instance and what it depends on (repeatable)")
	fs.Var(&pf.replaces, "replace", "replace this instance even if it has not changed (repeatable)")
	fs.Var(varArgs{"var", &pf.vars}, "var", "set a variable: -var 'NAME=VALUE' (repeatable)")
	fs.Var(varArgs{"var-file", &pf.vars}, "var-file", "read variables from a .hcl or .json file (repeatable)")
	fs.BoolVar(&pf.refresh, "refresh", true, "read the remote records before planning")
	fs.BoolVar(&pf.refreshOnly, "refresh-only", false, "only update the state from the remote records")
	fs.IntVar(&pf.parallelism, "parallelism", executor.DefaultParallelism, "how many changes run at once")
	fs.DurationVar(&pf.lockTimeout, "lock-timeout", 0, "how long to wait for the state lock")
	fs.BoolVar(&pf.json, "json", false, "machine-readable output")
	fs.BoolVar(&pf.excludeInvalid, "exclude-invalid", false, "leave out the instances of a count or for_each whose own inputs are invalid (and those that name them), list them, and plan the rest; exit code 3")
	fs.StringVar(&pf.statePath, "state", "", "the state file (default daftar.state.json)")
	fs.BoolVar(&pf.acceptNewKey, acceptKeyFlag, false, "go on although the digest key is not the one the state was written with: every verification and account with a password, NIK or file is replaced (the plan shows the cost), and apply records the new key")
}

// refuseUnused refuses the plan flags among names that were given to a
// command that takes plan's flags but has no use for those: a script
// passing -json must not get another format with exit 0.
func refuseUnused(m *Meta, fs *flag.FlagSet, command string, names ...string) bool {
	var given []string
	fs.Visit(func(f *flag.Flag) {
		for _, n := range names {
			if f.Name == n {
				given = append(given, "-"+n)
			}
		}
	})
	if len(given) == 0 {
		return true
	}
	m.errorf("daftar %s has no use for %s: it accepts plan's flags for the configuration and state they name, and ignores nothing silently. Run daftar %s -help.",
		command, strings.Join(given, " and "), command)
	return false
}

func (pf *planFlags) check() error {
	if pf.parallelism < 1 {
		return fmt.Errorf("-parallelism=%d: give a number of at least 1", pf.parallelism)
	}
	if pf.lockTimeout < 0 {
		return fmt.Errorf("-lock-timeout must not be negative, such as 30s or 2m")
	}
	return nil
}

// newFlagSet returns a flag set that reports errors through m and never
// exits the process.
func newFlagSet(m *Meta, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	m.common.register(fs)
	return fs
}

// commonFlags are the flags CI scripts pass to every Terraform command;
// daftar accepts them on every command.
type commonFlags struct {
	// noColor: daftar never colours its output, so -no-color changes
	// nothing; it is accepted so that scripts written for Terraform run.
	noColor bool
	// input false: never ask (apply without -auto-approve or a plan file
	// fails, as when standard input is not a terminal). daftar never asks
	// for variables.
	input bool
	// lock false: plan reads the state without taking the lock; commands
	// that write the state lock it anyway, with a warning.
	lock bool
	// compactWarnings prints each warning on one line.
	compactWarnings bool
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	c.input, c.lock = true, true
	fs.BoolVar(&c.noColor, "no-color", false, "accepted for Terraform's sake: daftar's output has no colour")
	fs.BoolVar(&c.input, "input", true, "with -input=false, never ask a question (apply then needs -auto-approve or a plan file)")
	fs.BoolVar(&c.lock, "lock", true, "with -lock=false, plan reads the state without the lock; commands that write the state lock it anyway")
	fs.BoolVar(&c.compactWarnings, "compact-warnings", false, "print each warning on one line")
}

// usageArgs are the positional arguments of each command, for -help.
var usageArgs = map[string]string{
	"apply":        "[PLANFILE]",
	"show":         "[PLANFILE]",
	"import":       "ADDR ID",
	"output":       "[NAME]",
	"fmt":          "[FILE...]",
	"force-unlock": "LOCK_ID",
	"audit verify": "[FILE]",
	"state list":   "[ADDR...]",
	"state show":   "ADDR",
	"state rm":     "ADDR...",
	"state mv":     "SRC DST",
	"console":      "",
	"graph":        "",
}

// terraformFlagHabits says what to do instead of a Terraform flag daftar
// does not have, for the users who type it from habit.
var terraformFlagHabits = map[string]string{
	"destroy": "None of the APIs can delete a record, so daftar cannot destroy one: take the resources out of the " +
		"configuration (or write a removed block) and apply to forget them, or run daftar state rm ADDR.",
}

// parseFlags parses args and prints a one-line error with the command's
// usage hint when they are wrong. When it reports false, the command ends
// with the exit code it returns (0 for -help).
func parseFlags(m *Meta, fs *flag.FlagSet, args []string) (int, bool) {
	if m.flagSink != nil { // completion and the man page asking for the flags
		m.flagSink(fs)
		return exitOK, false
	}
	err := fs.Parse(args)
	if err == nil {
		return exitOK, true
	}
	if err == flag.ErrHelp {
		printFlags(m, fs)
		return exitOK, false
	}
	msg := strings.TrimPrefix(err.Error(), "flag provided but not defined: ")
	if msg != err.Error() {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		hint := ""
		if s := suggest.Closest(strings.TrimLeft(msg, "-"), names); s != "" {
			hint = fmt.Sprintf(" Did you mean -%s?", s)
		}
		if h, ok := terraformFlagHabits[strings.TrimLeft(strings.SplitN(msg, "=", 2)[0], "-")]; ok {
			hint = " " + h
		}
		m.errorf("daftar %s has no flag %s.%s Run daftar %s -help for its flags.", fs.Name(), msg, hint, fs.Name())
		return exitError, false
	}
	m.errorf("daftar %s: %s. Run daftar %s -help for its flags.", fs.Name(), badValue(fs, err), fs.Name())
	return exitError, false
}

// badFlagValue is the flag package's error for a value its type cannot
// parse.
var badFlagValue = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-(\S+): (parse error|value out of range)$`)

// badValue says what would be valid instead of the flag package's "parse
// error"; other errors (a flag's own Set) are left as they are.
func badValue(fs *flag.FlagSet, err error) string {
	sub := badFlagValue.FindStringSubmatch(err.Error())
	if sub == nil {
		return err.Error()
	}
	f := fs.Lookup(sub[2])
	if f == nil {
		return err.Error()
	}
	want := ""
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case time.Duration:
			want = "a duration such as 30s or 5m (a number followed by ms, s, m or h)"
		case int, int64, uint, uint64:
			want = "a whole number such as 10"
			if sub[3] == "value out of range" {
				want = "a smaller whole number"
			}
		case bool:
			want = "true or false (or the flag alone, -" + f.Name + ")"
		case float64:
			want = "a number such as 1.5"
		}
	}
	if want == "" {
		return err.Error()
	}
	return fmt.Sprintf("-%s=%q is not valid: it must be %s", f.Name, sub[1], want)
}

func printFlags(m *Meta, fs *flag.FlagSet) {
	args := ""
	if a := usageArgs[fs.Name()]; a != "" {
		args = " " + a
	}
	fmt.Fprintf(m.Stdout, "Usage: daftar %s [flags]%s\n\nFlags:\n", fs.Name(), args)
	fs.SetOutput(m.Stdout)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
