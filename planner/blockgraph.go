package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
)

// buildGraph adds every block and the edges of its references, diagnoses
// undeclared references and cycles, and computes each resource's deps.
func (p *planner) buildGraph() {
	g := newGraph()
	p.uses = p.classifyUses()
	defer func() { p.uses = nil }()
	for name, l := range p.cfg.Locals {
		b := &block{key: "local." + name, rng: l.DeclRange, local: l}
		p.addBlock(g, b, p.exprRefs(l.Expr))
	}
	for _, pr := range p.provs {
		if pr.block == nil {
			continue
		}
		b := &block{key: "provider." + pr.name, rng: pr.block.DeclRange, prov: pr}
		refs := p.bodyRefs(pr.block.Config, pr)
		p.checkProviderRefs(pr, refs)
		p.addBlock(g, b, refs)
	}
	for _, r := range p.res {
		b := &block{key: r.addr.String(), rng: r.cfg.DeclRange, res: r}
		p.addBlock(g, b, p.resourceRefs(r))
		if r.prov != nil && r.prov.block != nil {
			g.Connect(b.key, "provider."+r.prov.name)
		}
	}
	for name, o := range p.cfg.Outputs {
		b := &block{key: "output." + name, rng: o.DeclRange, out: o}
		refs := p.exprRefs(o.Expr)
		refs = append(refs, p.cfg.DependsOnRefs(p.traversalRefs(o.DependsOn))...)
		p.addBlock(g, b, refs)
	}
	order, cycles := g.Order()
	for _, c := range cycles {
		p.report(hcl.Diagnostics{p.cycleDiag(c)})
	}
	p.order = order
	p.computeDeps(g)
}

// addBlock adds b with edges to what refs refer to.
func (p *planner) addBlock(g interface {
	Add(string)
	Connect(string, string)
}, b *block, refs []*schema.Reference) {
	p.blocks[b.key] = b
	g.Add(b.key)
	p.report(p.cfg.CheckReferences(refs))
	refs = p.cfg.RootReferences(refs) // module.NAME: what its outputs refer to
	for _, ref := range refs {
		switch ref.Kind {
		case schema.RefLocal:
			if _, ok := p.cfg.Locals[ref.Name]; ok {
				g.Connect(b.key, "local."+ref.Name)
			}
		case schema.RefResource:
			if _, ok := p.cfg.Resources[ref.Resource]; ok {
				g.Connect(b.key, ref.Resource.String())
			}
			if r := p.res[ref.Resource]; r != nil {
				u, ok := p.uses[posOf(ref.Traversal)]
				if !ok {
					u = useAll
				}
				r.read(u, b.res != nil && b.res.addr.Mode == addrs.Managed)
			}
		}
	}
}

func (p *planner) exprRefs(expr hcl.Expression) []*schema.Reference {
	refs, diags := schema.ReferencesInExpr(expr)
	p.report(diags)
	return refs
}

func (p *planner) bodyRefs(body hcl.Body, pr *provider) []*schema.Reference {
	if pr.spec == nil {
		return nil
	}
	refs, diags := schema.ReferencesInBody(body, pr.spec)
	p.report(diags)
	return refs
}

func (p *planner) traversalRefs(ts []hcl.Traversal) []*schema.Reference {
	var refs []*schema.Reference
	for _, t := range ts {
		ref, diags := schema.ParseReference(t)
		p.report(diags)
		if ref != nil {
			refs = append(refs, ref)
		}
	}
	return refs
}

// resourceRefs lists the references of a resource's body, count,
// for_each and depends_on.
func (p *planner) resourceRefs(r *resource) []*schema.Reference {
	var refs []*schema.Reference
	if r.spec != nil {
		more, diags := schema.ReferencesInBody(r.cfg.Config, r.spec)
		p.report(diags)
		refs = append(refs, more...)
	}
	refs = append(refs, p.exprRefs(r.cfg.Count)...)
	refs = append(refs, p.exprRefs(r.cfg.ForEach)...)
	refs = append(refs, conditionRefs(r.cfg)...)
	deps := p.traversalRefs(r.cfg.DependsOn)
	if r.cfg.Module != nil {
		return p.moduleResourceRefs(r, refs, deps)
	}
	return append(refs, p.cfg.DependsOnRefs(deps)...)
}

// checkProviderRefs reports references of a provider block to anything
// but variables and locals.
func (p *planner) checkProviderRefs(pr *provider, refs []*schema.Reference) {
	for _, ref := range refs {
		if ref.Kind == schema.RefVar || ref.Kind == schema.RefLocal {
			continue
		}
		p.report(hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference in a provider block",
			Detail:   fmt.Sprintf("The provider %q block refers to %s; a provider block may refer only to variables (var.NAME) and locals (local.NAME), because providers are configured before any resource is planned.", pr.name, ref),
			Subject:  ref.Range.Ptr(),
		}})
	}
}

// cycleDiag reports one dependency cycle with the range of every block.
func (p *planner) cycleDiag(keys []string) *hcl.Diagnostic {
	var lines []string
	for _, k := range keys {
		r := p.blocks[k].rng
		lines = append(lines, fmt.Sprintf("  %s (%s:%d,%d)", k, r.Filename, r.Start.Line, r.Start.Column))
	}
	first := p.blocks[keys[0]].rng
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Dependency cycle",
		Detail:   "These blocks depend on each other, so none can be evaluated first:\n" + strings.Join(lines, "\n") + "\nBreak the cycle by removing one of the references.",
		Subject:  first.Ptr(),
	}
}

// computeDeps gives each resource the resources it depends on, directly
// or through locals and provider blocks.
func (p *planner) computeDeps(g interface{ DependsOn(string) []string }) {
	memo := map[string][]addrs.Resource{}
	var through func(key string, seen map[string]bool) []addrs.Resource
	through = func(key string, seen map[string]bool) []addrs.Resource {
		if deps, ok := memo[key]; ok {
			return deps
		}
		if seen[key] {
			return nil // a cycle, already reported
		}
		seen[key] = true
		set := map[addrs.Resource]bool{}
		for _, d := range g.DependsOn(key) {
			b := p.blocks[d]
			if b == nil {
				continue
			}
			if b.res != nil {
				set[b.res.addr] = true
				continue
			}
			for _, r := range through(d, seen) {
				set[r] = true
			}
		}
		deps := make([]addrs.Resource, 0, len(set))
		for r := range set {
			deps = append(deps, r)
		}
		sort.Slice(deps, func(i, j int) bool { return deps[i].String() < deps[j].String() })
		memo[key] = deps
		return deps
	}
	for _, b := range p.blocks {
		if b.local != nil {
			b.resourceFree = len(through(b.key, map[string]bool{})) == 0
		}
	}
	for _, r := range p.res {
		r.deps = through(r.addr.String(), map[string]bool{})
		r.depNames = make([]string, len(r.deps))
		for i, d := range r.deps {
			r.depNames[i] = d.String()
		}
		var indirect []addrs.Resource
		for _, d := range g.DependsOn(r.addr.String()) {
			if b := p.blocks[d]; b != nil && b.res == nil {
				indirect = append(indirect, through(d, map[string]bool{})...)
			}
		}
		p.findKeyed(r, indirect)
	}
}

// findKeyed sets r.keyed: the resources r's block refers to one instance
// at a time with keys known at plan time, and not otherwise (not whole,
// not through a local).
func (p *planner) findKeyed(r *resource, indirect []addrs.Resource) {
	if r.cfg == nil || len(r.deps) == 0 {
		return
	}
	if r.cfg.Module != nil {
		p.findKeyedInModule(r, indirect)
		return
	}
	plainLocal := func(name string) bool {
		b := p.blocks["local."+name]
		return b != nil && b.resourceFree
	}
	keyed, _, ok := schema.InstanceReferences([]hcl.Body{r.cfg.Config}, nil, plainLocal)
	if !ok {
		return
	}
	for _, d := range indirect {
		delete(keyed, d)
	}
	delete(keyed, r.addr)
	if len(keyed) > 0 {
		r.keyed = keyed
	}
}
