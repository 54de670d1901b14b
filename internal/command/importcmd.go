package command

import (
	"context"
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
)

func runImport(m *Meta, args []string) int {
	var pf planFlags
	fs := newFlagSet(m, "import")
	pf.register(fs)
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	if !refuseUnused(m, fs, "import", "json", "replace", "refresh-only") {
		return exitError
	}
	if fs.NArg() != 2 {
		m.errorf("daftar import takes an address and a remote id: daftar import 'usapi_account.hire[\"ani\"]' ani (an account's username, a verification's reference_code)")
		return exitError
	}
	addr, err := addrs.ParseInstance(fs.Arg(0))
	if err != nil {
		m.errorf("%s", err)
		return exitError
	}
	defer m.close()
	r, ok := m.prepare(&pf)
	if !ok {
		return exitError
	}
	// A record holding only an interrupted create's intent may be adopted:
	// that is how an undecided intent is settled (the plan says so).
	if rec, exists := r.state.Resources[addr.String()]; exists && rec.Pending() == nil {
		m.errorf("%s is already in the state. To adopt another record under that address, first run daftar state rm %s.", addr, addr)
		return exitError
	}
	res, diags := planner.Import(context.Background(), r.request(pf.planOptions()), addr, fs.Arg(1))
	if m.showDiags(diags) || res == nil {
		return exitError
	}
	u := state.Update{Set: []*state.Resource{res}}
	if r.state.DigestKeyID == "" {
		// A state without a fingerprint adopts this key. Another key, even
		// accepted, is recorded only by apply, whose plan shows what it
		// replaces.
		u.DigestKeyID = r.wiring.digester.KeyID()
	}
	if err := r.backend.Apply(context.Background(), u); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	r.state.Apply(u)
	if err := r.backend.Compact(context.Background(), r.state); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	fmt.Fprintf(m.Stdout, "Import successful! %s now tracks the remote record %s.\n", addr, fs.Arg(1))
	return exitOK
}
