package command

import (
	"bufio"
	"context"
	"fmt"

	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/state"
)

func runShow(m *Meta, args []string) int {
	fs := newFlagSet(m, "show")
	jsonOut := fs.Bool("json", false, "machine-readable output")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	var pf planFlags
	showSensitive := fs.Bool("show-sensitive", false, "show sensitive values as the configuration gives them (never from the state)")
	fs.Var(varArgs{"var", &pf.vars}, "var", "with -show-sensitive: set a variable: -var 'NAME=VALUE' (repeatable)")
	fs.Var(varArgs{"var-file", &pf.vars}, "var-file", "with -show-sensitive: read variables from a file (repeatable)")
	fs.DurationVar(&pf.lockTimeout, "lock-timeout", 0, "with -show-sensitive: how long to wait for the state lock")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	if *showSensitive && fs.NArg() > 0 {
		m.errorf("-show-sensitive shows the state with values from the configuration; a saved plan holds no sensitive value to show. Run daftar show -show-sensitive without the plan file.")
		return exitError
	}
	switch fs.NArg() {
	case 0:
		if *showSensitive {
			pf.statePath = *statePath
			return m.showSensitive(&pf, *jsonOut)
		}
		return m.showState(*statePath, *jsonOut)
	case 1:
		return m.showPlanFile(fs.Arg(0), *jsonOut)
	}
	m.errorf("daftar show takes at most one argument, a saved plan file")
	return exitError
}

// showPlanFile prints a saved plan as it reads it, one change at a time:
// its seal is checked before anything is printed, and once more at the
// end (a file changed while it was read fails there).
func (m *Meta) showPlanFile(path string, jsonOut bool) int {
	rd, closeFile, err := m.openPlanFile(path, nil)
	if err != nil {
		m.errorf("%s", err)
		return exitError
	}
	defer closeFile()
	if jsonOut {
		err = render.PlanJSONFrom(m.Stdout, rd.Plan(), rd)
	} else {
		err = render.PlanFrom(m.Stdout, rd.Plan(), rd)
	}
	if err != nil {
		m.errorf("%s", planFileError(path, err))
		return exitError
	}
	return exitOK
}

// readState loads the state for read-only commands. It does not wait for
// the lock: reading the snapshot and the journal is safe while an apply
// appends.
func (m *Meta) readState(path string) (*state.State, bool) {
	b, ok := m.backend(path)
	if !ok {
		return nil, false
	}
	st, err := b.Load(context.Background())
	if err != nil {
		m.errorf("%s", err)
		return nil, false
	}
	return st, true
}

// viewState opens the state for read-only commands that read it a
// resource at a time (state list, report). Like readState, it does not
// wait for the lock.
func (m *Meta) viewState(path string) (state.View, bool) {
	b, ok := m.backend(path)
	if !ok {
		return nil, false
	}
	v, err := state.Open(context.Background(), b)
	if err != nil {
		m.errorf("%s", err)
		return nil, false
	}
	return v, true
}

// showState prints the state a resource at a time, as it reads it (a
// View): show of a million records holds one, and its output is
// buffered, not written a line at a time.
func (m *Meta) showState(path string, jsonOut bool) int {
	v, ok := m.viewState(path)
	if !ok {
		return exitError
	}
	defer v.Close()
	head := v.Head()
	out := bufio.NewWriterSize(m.Stdout, 64<<10)
	defer out.Flush()
	schemas := schemasOf()
	var js *render.StateJSONWriter
	if jsonOut {
		js = render.NewStateJSON(out, outputViews(head))
	}
	var n int
	err := v.Each(context.Background(), func(r *state.Resource) error {
		view, err := resourceView(r, schemas)
		if err != nil {
			return err
		}
		n++
		if js != nil {
			js.Resource(view)
			return nil
		}
		render.StateResource(out, view)
		fmt.Fprintln(out)
		return nil
	})
	if err != nil {
		out.Flush()
		m.errorf("%s", err)
		return exitError
	}
	if js != nil {
		js.Close()
		return exitOK
	}
	if n == 0 && len(head.Outputs) == 0 {
		fmt.Fprintln(out, "The state is empty: nothing has been applied yet.")
		return exitOK
	}
	if len(head.Outputs) > 0 {
		fmt.Fprintln(out, "Outputs:")
		fmt.Fprintln(out)
		render.Outputs(out, outputViews(head))
	}
	return exitOK
}

// printOutputs prints the outputs after a successful apply.
func (m *Meta) printOutputs(st *state.State) {
	if len(st.Outputs) == 0 {
		return
	}
	fmt.Fprintln(m.Stdout, "\nOutputs:")
	fmt.Fprintln(m.Stdout)
	render.Outputs(m.Stdout, outputViews(st))
}
