package command

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
)

// runGraph prints the dependency graph in DOT (terraform graph): one node
// per resource and data source, or with -instances one per instance, the
// instances found by a plan without refresh. Edges go from a node to what
// it depends on, as Terraform draws them.
func runGraph(m *Meta, args []string) int {
	var pf planFlags
	fs := newFlagSet(m, "graph")
	pf.register(fs)
	instances := fs.Bool("instances", false, "one node per instance (plans without refresh to find them; reads the state)")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	if !refuseUnused(m, fs, "graph", "json", "replace", "refresh-only") {
		return exitError
	}
	if fs.NArg() > 0 {
		m.errorf("daftar graph takes no argument (got %q); it draws the configuration of the working directory, or -chdir=DIR", fs.Arg(0))
		return exitError
	}
	defer m.close()
	if !*instances {
		if !m.loadConfig() {
			return exitError
		}
		deps, diags := planner.ResourceGraph(&planner.Request{Config: m.Config, Providers: newProviders()})
		if m.showDiags(diags) {
			return exitError
		}
		edges := map[string][]string{}
		for a, ds := range deps {
			edges[a.String()] = nil
			for _, d := range ds {
				edges[a.String()] = append(edges[a.String()], d.String())
			}
		}
		writeDOT(m.Stdout, edges)
		return exitOK
	}
	pf.refresh = false
	r, ok := m.prepare(&pf)
	if !ok {
		return exitError
	}
	opts := pf.planOptions()
	res, ok := r.plan(context.Background(), opts)
	if !ok {
		return exitError
	}
	writeDOT(m.Stdout, instanceEdges(res.Plan))
	return exitOK
}

// instanceEdges draws a plan's instances and what each waits for: an
// instance named in DependsOn, or every instance of a resource used whole.
func instanceEdges(p *plans.Plan) map[string][]string {
	byRes := map[addrs.Resource][]string{}
	edges := map[string][]string{}
	for _, c := range p.Changes {
		if c.Action == plans.Forget {
			continue // not in the configuration
		}
		byRes[c.Addr.Resource] = append(byRes[c.Addr.Resource], c.Addr.String())
		edges[c.Addr.String()] = nil
	}
	for _, c := range p.Changes {
		if c.Action == plans.Forget {
			continue
		}
		from := c.Addr.String()
		for _, d := range c.DependsOn {
			if d.Key != addrs.NoKey {
				edges[from] = append(edges[from], d.String())
				continue
			}
			edges[from] = append(edges[from], byRes[d.Resource]...)
		}
	}
	return edges
}

// writeDOT writes nodes and edges in a stable order.
func writeDOT(w io.Writer, edges map[string][]string) {
	nodes := make([]string, 0, len(edges))
	for n := range edges {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	fmt.Fprintln(w, "digraph {")
	fmt.Fprintln(w, "\tcompound = \"true\"")
	fmt.Fprintln(w, "\tnewrank = \"true\"")
	fmt.Fprintln(w, "\trankdir = \"RL\"")
	for _, n := range nodes {
		fmt.Fprintf(w, "\t%s [label=%s, shape=\"box\"]\n", dotQuote(n), dotQuote(n))
	}
	for _, n := range nodes {
		to := append([]string(nil), edges[n]...)
		sort.Strings(to)
		for i, t := range to {
			if i > 0 && to[i-1] == t {
				continue
			}
			fmt.Fprintf(w, "\t%s -> %s\n", dotQuote(n), dotQuote(t))
		}
	}
	fmt.Fprintln(w, "}")
}

// dotQuote quotes an address as a DOT ID (addresses hold quotes:
// usapi_account.hire["ani"]).
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
