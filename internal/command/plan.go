package command

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/schema"
)

func runPlan(m *Meta, args []string) int {
	var pf planFlags
	fs := newFlagSet(m, "plan")
	pf.register(fs)
	out := fs.String("out", "", "save the plan to this file, for apply PLANFILE")
	detailed := fs.Bool("detailed-exitcode", false, "exit 2 when the plan has changes, 0 when it has none")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.errorf("daftar plan takes no arguments (got %q); the configuration is every *.hcl file of the working directory, or use -chdir=DIR", fs.Arg(0))
		return exitError
	}
	defer m.close()
	m.defer_(m.collectLargePlan())
	m.hugeHeap = !pf.json && *out == ""
	r, ok := m.prepare(&pf)
	if !ok {
		return exitError
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The renderer skips no-ops, and the JSON and the plan file make each
	// as they write it (Result.Source): a batch's unchanged instances are
	// planned without a change each.
	r.compactNoOps = true
	if !pf.json && *out == "" {
		// Printed alone, neither saved nor written as JSON: as apply's plan
		// is printed, with a batch's creates kept as their packed values
		// and its refreshed outcomes as their encoded values, counted and
		// not made (planner.Request.LazyCreates). A plan of a million new
		// accounts then holds what apply's plan of them holds, not a step
		// and a change each.
		r.applyOnly = true
		r.lazyCreates = true
	}
	res, ok := r.plan(ctx, pf.planOptions())
	if !ok {
		return exitError
	}
	if planHook != nil {
		planHook(res)
	}
	if pf.json || *out != "" {
		// Writing every change (the JSON document, the plan file) makes
		// each unchanged instance's no-op as it goes, garbage a change
		// later: it runs within the memory the plan took, as apply's
		// executor does, not with the heap let grow to twice what is
		// live (at 1,000,000 unchanged accounts: 1.63 GB, where the plan
		// itself peaks at 0.96 GB).
		defer m.limitToPlanPeak(res.Len(), false)()
	}
	shown := forDisplay(res.Plan, r.state, r.wiring.digester)
	if pf.json {
		if err := render.PlanJSONFrom(m.Stdout, res.Plan, res.Source()); err != nil {
			m.errorf("%s", err)
			return exitError
		}
	} else {
		render.PlanLimited(m.Stdout, shown, blocksShown(res.Plan))
	}
	if *out != "" && !m.savePlan(*out, res, r.wiring.digester, pf.json, applyVarFlags(pf.vars)) {
		return exitError
	}
	if len(res.Plan.Excluded) > 0 {
		return exitExcluded
	}
	if *detailed && shown.HasChanges() {
		return exitChanges
	}
	return exitOK
}

// planHook, when set (by tests), is given each plan the plan command
// makes, before it is printed, written or saved.
var planHook func(*planner.Result)

// A plan of more than largePlan changes shows blocksPerResource change
// blocks of each resource and counts the rest: 100,000 creates are a
// sample and a count, not 100,000 blocks. plan -json, or plan -out=FILE
// then show FILE, lists every change; the summary line counts them all.
const (
	largePlan         = 100
	blocksPerResource = 10
)

// blocksShown is the number of change blocks per resource a plan shows
// (0: all).
func blocksShown(p *plans.Plan) int {
	s := p.Summary()
	if s.Add+s.Change+s.Replace+s.Forget > largePlan {
		return blocksPerResource
	}
	return 0
}

// savePlan writes the plan file (mode 0600: it holds personal data such as
// names and e-mail addresses, though no secret).
func (m *Meta) savePlan(path string, res *planner.Result, d plans.Digester, quiet bool, varFlags string) bool {
	if err := m.writePlanFile(path, res, d); err != nil {
		m.errorf("saving the plan to %s: %s", path, err)
		return false
	}
	if !quiet {
		m.Stdout.Write([]byte("\nSaved the plan to: " + path + "\nTo carry out exactly these actions, run: daftar apply " + varFlags + path + "\n"))
	}
	return true
}

// applyVarFlags spells the variable flags apply of a saved plan needs
// again (it checks that the variables are those the plan was made with):
// each -var-file by its path, each -var by its name only, since its value
// may be a secret.
func applyVarFlags(vars []schema.VarArg) string {
	var b strings.Builder
	for _, v := range vars {
		switch v.Flag {
		case "var-file":
			fmt.Fprintf(&b, "-var-file=%s ", shellQuote(v.Value))
		case "var":
			name, _, _ := strings.Cut(v.Value, "=")
			fmt.Fprintf(&b, "-var '%s=...' ", strings.TrimSpace(name))
		}
	}
	return b.String()
}

// shellQuote quotes s for a shell when it holds more than safe characters.
func shellQuote(s string) string {
	for _, c := range s {
		if !(c == '/' || c == '.' || c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
