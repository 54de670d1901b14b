package command

import (
	"context"
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
)

// runStateMv renames one resource instance in the state (terraform state
// mv): the remote record stays and nothing is sent. The old address is
// removed and the new one written in one update, on either backend.
func runStateMv(m *Meta, args []string) int {
	fs := newFlagSet(m, "state mv")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	lockTimeout := fs.Duration("lock-timeout", 0, "how long to wait for the state lock")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	if fs.NArg() != 2 {
		m.errorf("daftar state mv takes two addresses, SOURCE and DESTINATION, such as usapi_account.a usapi_account.b")
		return exitError
	}
	src, dst := fs.Arg(0), fs.Arg(1)
	to, err := addrs.ParseInstance(dst)
	if err != nil {
		m.errorf("%s", err)
		return exitError
	}
	b, ok := m.backend(*statePath)
	if !ok || !m.lock(b, *lockTimeout) {
		return exitError
	}
	st, ok := m.loadState(b)
	if !ok {
		return exitError
	}
	u, msg := renameInState(st, src, to)
	if msg != "" {
		m.errorf("%s Nothing was moved.", msg)
		return exitError
	}
	if err := b.Apply(context.Background(), u); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	st.Apply(u)
	if err := b.Compact(context.Background(), st); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	fmt.Fprintf(m.Stdout, "Move %q to %q\nSuccessfully moved 1 object. Nothing was sent to the APIs.\n", src, to.String())
	return exitOK
}

// renameInState is the update that renames src to to, or why it cannot.
func renameInState(st *state.State, src string, to addrs.Instance) (state.Update, string) {
	r, ok := st.Resources[src]
	if !ok {
		return state.Update{}, fmt.Sprintf("The state has no resource %s.%s", src, closest(src, st))
	}
	if r.Pending() != nil {
		return state.Update{}, fmt.Sprintf("%s has a create whose outcome is unknown; run daftar plan to resolve it first.", src)
	}
	if to.Resource.Mode != addrs.Managed || to.Resource.Type != r.Type() {
		return state.Update{}, fmt.Sprintf("%s is a %s; it can only move to another %s address, not %s.", src, r.Type(), r.Type(), to)
	}
	if _, taken := st.Resources[to.String()]; taken {
		return state.Update{}, fmt.Sprintf("The state already holds %s. Remove it first with daftar state rm '%s' if it is the one to forget.", to, to)
	}
	if to.String() == src {
		return state.Update{}, fmt.Sprintf("%s and %s are the same address.", src, to)
	}
	return state.Update{Set: []*state.Resource{planner.MovedRecord(r, to)}, Remove: []string{src}}, ""
}
