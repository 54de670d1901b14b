package command

import (
	"bufio"
	"context"
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/daftar-dev/daftar/state"
)

// stateSubcommands are daftar state's subcommands, for its help.
var stateSubcommands = [][2]string{
	{"list [ADDR...]", "List the resources in the state"},
	{"show ADDR", "Show one resource's attributes (secrets as digests)"},
	{"rm ADDR...", "Forget resources without touching the APIs"},
	{"mv SRC DST", "Rename a resource instance without touching the APIs"},
	{"encrypt", "Encrypt the state with the configured passphrase"},
	{"decrypt", "Write the state in clear again"},
	{"rekey", "Encrypt the state again under DAFTAR_NEW_STATE_PASSPHRASE"},
	{"migrate -to=postgres|local", "Move the state between the local file and PostgreSQL"},
}

func stateUsage(m *Meta) {
	fmt.Fprintln(m.Stdout, "Usage: daftar state SUBCOMMAND [flags] [args]\n\nSubcommands:")
	for _, s := range stateSubcommands {
		fmt.Fprintf(m.Stdout, "  %-28s %s\n", s[0], s[1])
	}
	fmt.Fprintln(m.Stdout, "\nRun daftar state SUBCOMMAND -help for its flags.")
}

func runState(m *Meta, args []string) int {
	if len(args) == 0 {
		m.errorf("daftar state needs a subcommand: list, show ADDR, rm ADDR..., mv SRC DST, encrypt, decrypt, rekey, migrate")
		return exitError
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		stateUsage(m)
		return exitOK
	}
	sub := map[string]func(*Meta, []string) int{"list": runStateList, "show": runStateShow, "rm": runStateRm, "mv": runStateMv,
		"encrypt": runStateEncrypt, "decrypt": runStateDecrypt, "rekey": runStateRekey, "migrate": runStateMigrate}
	run, ok := sub[args[0]]
	if !ok {
		hint := ""
		if s := suggest.Closest(args[0], []string{"list", "show", "rm", "mv", "encrypt", "decrypt", "rekey", "migrate"}); s != "" {
			hint = fmt.Sprintf(" Did you mean %q?", s)
		}
		m.errorf("daftar state has no subcommand %q.%s It has list, show ADDR, rm ADDR..., mv SRC DST, encrypt, decrypt, rekey and migrate", args[0], hint)
		return exitError
	}
	m.Command = "state " + args[0]
	return run(m, args[1:])
}

func runStateList(m *Meta, args []string) int {
	fs := newFlagSet(m, "state list")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	targets, ok := m.parseTargets(fs.Args())
	if !ok {
		return exitError
	}
	v, ok := m.viewState(*statePath)
	if !ok {
		return exitError
	}
	defer v.Close()
	// A resource at a time, through a buffer: a million addresses are
	// neither held nor written one system call each.
	w := bufio.NewWriterSize(m.Stdout, 64<<10)
	err := v.Each(context.Background(), func(r *state.Resource) error {
		if matchesAny(r.Address, targets) {
			w.WriteString(r.Address)
			return w.WriteByte('\n')
		}
		return nil
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		w.Flush()
		m.errorf("%s", err)
		return exitError
	}
	return exitOK
}

func (m *Meta) parseTargets(list []string) ([]addrs.Target, bool) {
	var targets []addrs.Target
	for _, s := range list {
		t, err := addrs.ParseTarget(s)
		if err != nil {
			m.errorf("%s", err)
			return nil, false
		}
		targets = append(targets, t)
	}
	return targets, true
}

func matchesAny(addr string, targets []addrs.Target) bool {
	if len(targets) == 0 {
		return true
	}
	inst, err := addrs.ParseInstance(addr)
	if err != nil {
		return false
	}
	for _, t := range targets {
		if t.Matches(inst) {
			return true
		}
	}
	return false
}

func runStateShow(m *Meta, args []string) int {
	fs := newFlagSet(m, "state show")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	if fs.NArg() != 1 {
		m.errorf("daftar state show takes exactly one address, such as usapi_account.hire[\"ani\"]")
		return exitError
	}
	st, ok := m.readState(*statePath)
	if !ok {
		return exitError
	}
	r, ok := st.Resources[fs.Arg(0)]
	if !ok {
		m.errorf("the state has no resource %s.%s Run daftar state list to see the addresses.", fs.Arg(0), closest(fs.Arg(0), st))
		return exitError
	}
	v, err := resourceView(r, schemasOf())
	if err != nil {
		m.errorf("%s", err)
		return exitError
	}
	render.StateResource(m.Stdout, v)
	return exitOK
}

func closest(addr string, st *state.State) string {
	if s := suggest.Closest(addr, st.Addresses()); s != "" {
		return fmt.Sprintf(" Did you mean %s?", s)
	}
	return ""
}

func runStateRm(m *Meta, args []string) int {
	fs := newFlagSet(m, "state rm")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	lockTimeout := fs.Duration("lock-timeout", 0, "how long to wait for the state lock")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	if fs.NArg() == 0 {
		m.errorf("daftar state rm needs at least one address, such as usapi_account.hire[\"ani\"]")
		return exitError
	}
	b, ok := m.backend(*statePath)
	if !ok || !m.lock(b, *lockTimeout) {
		return exitError
	}
	st, ok := m.loadState(b)
	if !ok || !m.checkBackendChange(st) {
		return exitError
	}
	var remove []string
	for _, a := range fs.Args() {
		if _, ok := st.Resources[a]; !ok {
			m.errorf("the state has no resource %s.%s Nothing was removed.", a, closest(a, st))
			return exitError
		}
		remove = append(remove, a)
	}
	u := state.Update{Remove: remove}
	if err := b.Apply(context.Background(), u); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	st.Apply(u)
	if err := b.Compact(context.Background(), st); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	for _, a := range remove {
		fmt.Fprintf(m.Stdout, "Removed %s\n", a)
	}
	fmt.Fprintf(m.Stdout, "Successfully removed %d resource instance(s). Their remote records stay.\n", len(remove))
	return exitOK
}
