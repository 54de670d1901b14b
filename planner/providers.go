package planner

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// provider is one provider of the run, with its block's value.
type provider struct {
	name   string
	p      providers.Provider
	schema providers.Schema
	block  *schema.Provider // nil when the configuration has none
	spec   hcldec.Spec
	// config is the provider block's value (marks stripped), set when the
	// walk reaches the block.
	config cty.Value

	once       sync.Once
	configured bool
}

// loadProviders reads every provider's schema and checks the provider
// blocks name known providers.
func (p *planner) loadProviders() {
	for name, prov := range p.req.Providers {
		s := prov.Schema()
		pr := &provider{name: name, p: prov, schema: s, block: p.cfg.Providers[name]}
		// The pre-pass fingerprints an instance that reads a file
		// before the provider is configured.
		if bs, ok := prov.(providers.BaseDirSetter); ok {
			bs.SetBaseDir(p.cfg.Dir)
		}
		if s.Provider != nil {
			pr.spec = schema.DecoderSpec(s.Provider)
		}
		p.provs[name] = pr
	}
	for _, name := range sortedKeys(p.cfg.Providers) {
		if _, ok := p.provs[name]; ok {
			continue
		}
		b := p.cfg.Providers[name]
		p.report(hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown provider",
			Detail:   fmt.Sprintf("daftar has no provider named %q; the providers are %s.%s", name, quoteList(sortedKeys(p.req.Providers)), suggest.DidYouMean(name, sortedKeys(p.req.Providers))),
			Subject:  b.NameRange.Ptr(),
		}})
	}
}

// evalProvider evaluates a provider block; it may refer to variables and
// locals only (the graph checked that).
func (p *planner) evalProvider(pr *provider) {
	if pr.block == nil || pr.spec == nil {
		pr.config = cty.EmptyObjectVal
		if pr.schema.Provider != nil {
			pr.config = cty.NullVal(pr.schema.Provider.ImpliedType())
		}
		return
	}
	v, diags := p.scope.EvalBody(pr.block.Config, pr.spec, schema.Repetition{})
	p.report(diags)
	v, _ = v.UnmarkDeep()
	pr.config = v
	if diags.HasErrors() {
		return
	}
	if !v.IsWhollyKnown() && !p.validating {
		p.report(hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Provider configuration not known",
			Detail:   fmt.Sprintf("The configuration of provider %q depends on values known only after apply. A provider block may refer to variables and to locals that do not depend on resources.", pr.name),
			Subject:  pr.block.DeclRange.Ptr(),
		}})
	}
}

// configure configures pr once, before its first use. It reports whether
// the provider is usable.
func (p *planner) configure(ctx context.Context, pr *provider) bool {
	pr.once.Do(func() {
		if pr.block == nil || !pr.config.IsWhollyKnown() {
			return
		}
		var ds providers.Diagnostics
		if p.req.Configure != nil {
			ds = p.req.Configure(ctx, pr.name, pr.p, pr.config)
		} else {
			ds = pr.p.Configure(ctx, providers.ConfigureRequest{Config: pr.config, BaseDir: p.cfg.Dir, Digester: p.req.Digester})
		}
		p.report(p.blockDiags(pr.block.Config, pr.block.DeclRange, "provider."+pr.name, ds))
		pr.configured = !ds.HasErrors()
	})
	return pr.configured
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
