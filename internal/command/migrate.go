package command

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/postgres"
)

// runStateMigrate moves the state between the local file and the
// PostgreSQL backend of the configuration, as terraform init
// -migrate-state does when the backend block changes: it copies, checks
// the copy, and leaves the source as it was.
func runStateMigrate(m *Meta, args []string) int {
	fs := newFlagSet(m, "state migrate")
	to := fs.String("to", "", "where to move the state: postgres (the backend block's workspace) or local (the state file)")
	statePath := fs.String("state", "", "the local state file (default daftar.state.json)")
	lockTimeout := fs.Duration("lock-timeout", 0, "how long to wait for each state lock")
	forceCopy := fs.Bool("force-copy", false, "copy without asking for confirmation")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	if fs.NArg() > 0 || (*to != backendPostgres && *to != backendLocal) {
		m.errorf("daftar state migrate needs -to=postgres (from the local state file to the PostgreSQL workspace of the backend block) or -to=local (back)")
		return exitError
	}
	mig, ok := m.stateMigration(*to, *statePath)
	if !ok {
		return exitError
	}
	if !m.lock(mig.from, *lockTimeout) || !m.lock(mig.to, *lockTimeout) {
		return exitError
	}
	return mig.run(m, *forceCopy)
}

// stateMove is one state migration between backends.
type stateMove struct {
	from, to         state.Backend
	fromName, toName string
}

// stateMigration opens both sides: the local file and the PostgreSQL
// workspace the backend block names.
func (m *Meta) stateMigration(to, statePath string) (*stateMove, bool) {
	s, ok := m.backendSettings()
	if !ok {
		return nil, false
	}
	if s.Type != backendPostgres {
		m.errorf("daftar state migrate moves the state between the local file and the PostgreSQL backend that daftar { backend \"postgres\" { ... } } names, and this configuration has no such block. Add it, then run daftar state migrate -to=postgres.")
		return nil, false
	}
	opts, ok := m.stateOptions()
	if !ok {
		return nil, false
	}
	if statePath == "" {
		statePath = state.DefaultPath
	}
	local := state.NewLocal(statePath, opts)
	s.PG.Cipher = opts.Cipher
	pg := postgres.New(s.PG)
	m.defer_(func() { local.Close(); pg.Close() })
	mig := &stateMove{from: local, to: pg, fromName: "the local state file " + statePath, toName: pg.String()}
	if to == backendLocal {
		mig.from, mig.to, mig.fromName, mig.toName = pg, local, mig.toName, mig.fromName
	}
	return mig, true
}

func (mig *stateMove) run(m *Meta, forceCopy bool) int {
	ctx := context.Background()
	src, ok := m.loadState(mig.from)
	if !ok {
		return exitError
	}
	if src.Serial == 0 {
		m.errorf("there is no state to migrate in %s: nothing has been applied there.", mig.fromName)
		return exitError
	}
	dst, ok := m.loadState(mig.to)
	if !ok {
		return exitError
	}
	if dst.Serial > 0 {
		if dst.Lineage == src.Lineage && sameContent(dst, src) {
			fmt.Fprintf(m.Stdout, "%s already holds this state (lineage %s, %d resources): nothing to migrate.\n", mig.toName, src.Lineage, len(src.Resources))
			return exitOK
		}
		m.errorf("%s already holds a state (lineage %s, serial %d, %d resources), and daftar does not write one state over another. Migrate into an empty workspace or file, or remove that state first.",
			mig.toName, dst.Lineage, dst.Serial, len(dst.Resources))
		return exitError
	}
	if !forceCopy && !mig.confirmed(m, src) {
		return exitError
	}
	copied := *src
	if err := mig.to.Compact(ctx, &copied); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	if !mig.verify(m, src) {
		return exitError
	}
	fmt.Fprintf(m.Stdout, "Copied the state (lineage %s, %d resources, %d outputs) from %s to %s, and read it back unchanged; its serial is now %d.\n",
		src.Lineage, len(src.Resources), len(src.Outputs), mig.fromName, mig.toName, copied.Serial)
	fmt.Fprintf(m.Stdout, "%s is left as it was: keep it as a backup, but do not apply with it any more. Plans saved before the migration are stale; plan again.\n", mig.fromName)
	if _, local := mig.to.(*state.Local); local {
		fmt.Fprintln(m.Stdout, "To use the local file from now on, remove the daftar { backend \"postgres\" } block from the configuration.")
	}
	return exitOK
}

func (mig *stateMove) confirmed(m *Meta, src *state.State) bool {
	if !m.stdinIsTerminal() {
		m.errorf("daftar state migrate asks for confirmation, but standard input is not a terminal. Add -force-copy to copy without asking.")
		return false
	}
	q := fmt.Sprintf("Do you want to copy the state (%d resources) from %s to %s?", len(src.Resources), mig.fromName, mig.toName)
	if !m.confirm(q) {
		m.errorf("migration cancelled: the answer was not 'yes'. Nothing was copied.")
		return false
	}
	return true
}

// verify reads the copy back through the destination and compares it with
// the source, so that a migration that lost anything says so.
func (mig *stateMove) verify(m *Meta, src *state.State) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	got, err := mig.to.Load(ctx)
	if err != nil {
		m.errorf("the state was copied to %s, but reading it back failed: %s", mig.toName, err)
		return false
	}
	if got.Lineage != src.Lineage || !sameContent(got, src) {
		m.errorf("the state copied to %s does not read back as it was written (lineage %s, %d resources; the source has lineage %s, %d resources). %s is unchanged; do not use the copy.",
			mig.toName, got.Lineage, len(got.Resources), src.Lineage, len(src.Resources), mig.fromName)
		return false
	}
	return true
}

// sameContent compares two states' resources and outputs byte for byte
// in their file encoding, serials aside.
func sameContent(a, b *state.State) bool {
	ca, cb := *a, *b
	ca.Serial, cb.Serial = 0, 0
	ja, errA := json.Marshal(&ca)
	jb, errB := json.Marshal(&cb)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
