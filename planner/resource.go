package planner

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// expansion says how a resource's instances are keyed.
type expansion int

const (
	single  expansion = iota // no count, no for_each: key addrs.NoKey
	counted                  // count: addrs.IntKey, value a tuple
	keyed                    // for_each: addrs.StringKey, value an object
	// nested: a resource with count or for_each in a module called with
	// count or for_each, or a resource in nested keyed modules: addrs.Keys
	// (module.hire["ani"].usapi_account.extra["x"]), value an object by
	// module instance key (see nestedAttr) of the module's view of it.
	nested
)

// resource is one resource or data block (cfg non-nil), or a resource
// known only from the state (cfg nil: every instance is forgotten).
type resource struct {
	addr addrs.Resource
	cfg  *schema.Resource
	prov *provider
	// block is the provider's schema of the type; nil when the type is
	// unknown (then only forgetting is possible).
	block     *providers.Block
	spec      hcldec.Spec
	ty        cty.Type
	sensitive []cty.Path
	sensMarks []cty.PathValueMarks
	// deps are the resources this one depends on, through locals too,
	// sorted; depNames spells them for the state.
	deps     []addrs.Resource
	depNames []string
	// keyed are the resources of deps that r's block refers to only one
	// instance at a time, with a key known at plan time (see
	// schema.InstanceReferences); each instance of r depends on the
	// instances its keys name, not on the whole resource.
	keyed map[addrs.Resource][]schema.InstanceRef
	// upNoOps is set, when apply starts, on a resource whose deps are all
	// managed resources of the plan with no change but no-ops (upNoOps):
	// what its instances read of them at apply is what they read when
	// planned, so a configuration planned wholly known is final, as one
	// of a resource that depends on nothing is (settled).
	upNoOps bool
	// ownExp is how the resource's own count or for_each keys it within
	// its module instance (exp itself for a resource of the root).
	ownExp expansion
	// imports are the remote ids import blocks adopt, by instance key.
	imports map[addrs.Key]string
	// byKey finds an instance by key, for apply (see Result.Final).
	byKey map[addrs.Key]*Step
	exp   expansion
	// referenced is set when some expression refers to the resource; only
	// then are its whole value and its instances' marked values built.
	referenced bool
	// use is what the references to it read (nil: none refers to it);
	// with !use.all its values hold only what is read (projection.go).
	use *use
	// readUnplanned is set when something a refresh-only plan evaluates
	// reads more of the resource than its keys: an output, a local, a
	// provider, a data source or a condition. That plan evaluates no
	// managed resource's configuration (refreshOnly), so a reference from
	// one (a verification per row reading its account's e-mail) reads
	// nothing of it there.
	readUnplanned bool
	// taken is set when the walk took every instance's configuration over
	// from Plan's pre-pass.
	taken bool
	// exact is set, in Plan's pre-pass, on a resource evaluated with the
	// values the walk will give what it depends on (predict.go).
	exact bool
	// steps are the instances, sorted by key once planned.
	steps []*Step
	// batch is set on a resource of more than batchInstances instances:
	// its creates' planned values wait encoded in the plan (plans.Change.
	// Pack) until apply reaches them.
	batch bool
	// fieldsCover is set, once (fieldsOnce), when the attributes its body
	// evaluates to (schema.Fields) name every attribute and block of its
	// schema: a create is then planned and checked from them
	// (planResourceAttrs).
	fieldsOnce  sync.Once
	fieldsCover bool
	// eval evaluates the instances' bodies during one phase (validation,
	// or the plan's walk); see newEvaluator.
	eval *schema.BodyEvaluator
	// checkedKeys are the instances validation expanded and checked, one
	// step each (in steps, in the same order); nil when validation checked
	// a representative only.
	checkedKeys []instanceKey
	// checkedRecs are checkedKeys' records in the state, as validation
	// looked them up (nil for an instance the state does not hold); nil
	// when it did not keep them.
	checkedRecs []*state.Resource
	// compact are the instances kept without steps (compact.go); nil
	// when none is.
	compact *compact
	// lazy are the creates kept without steps (lazycreates.go); nil when
	// none is.
	lazy *lazyCreates

	// fpOnce makes fpFixed, what the instances' fingerprints share.
	fpOnce  sync.Once
	fpFixed *fingerprintFixed
	// legacyFirst is set while the resource's records matched the digest
	// an earlier daftar took (legacyMatch): a stored instance's is tried
	// first then, so that such a state costs one digest an instance.
	legacyFirst atomic.Bool

	mu    sync.Mutex
	value cty.Value // the whole resource's value, built once per phase
	// valuePredicted is set when the walk took value over from the
	// pre-pass's prediction (predictedWhole).
	valuePredicted bool
	left           int  // instances not yet finished by the executor
	dirty          bool // an instance's final value differs from its planned one
}

// loadResources looks up each resource's provider and schema.
func (p *planner) loadResources() {
	for _, addr := range sortedResources(p.cfg.Resources) {
		rc := p.cfg.Resources[addr]
		r := &resource{addr: addr, cfg: rc, exp: expansionOf(rc), ownExp: ownExpansion(rc)}
		p.res[addr] = r
		pr, block := p.lookupType(addr)
		if block == nil {
			p.report(hcl.Diagnostics{p.unknownType(rc)})
			continue
		}
		r.setSchema(pr, block)
		if pr.block == nil {
			p.report(hcl.Diagnostics{missingProvider(rc, pr.name)})
		}
	}
}

func expansionOf(rc *schema.Resource) expansion {
	if exp, byCall := moduleExpansion(rc); byCall {
		return exp
	}
	return ownExpansion(rc)
}

// ownExpansion is how a resource's own count or for_each keys it.
func ownExpansion(rc *schema.Resource) expansion {
	switch {
	case rc.Count != nil:
		return counted
	case rc.ForEach != nil:
		return keyed
	}
	return single
}

func (r *resource) setSchema(pr *provider, block *providers.Block) {
	r.prov, r.block = pr, block
	r.spec = schema.DecoderSpec(block)
	r.ty = block.ImpliedType()
	r.sensitive = block.SensitivePaths()
	r.sensMarks = sensitiveMarks(r.sensitive)
}

// newEvaluator prepares the evaluation of r's instances with the values
// of what r refers to as they are now.
func (p *planner) newEvaluator(r *resource) {
	r.eval = p.scope.BodyEvaluator(r.cfg.Config, r.spec)
}

// lookupType finds the provider and schema of a resource type.
func (p *planner) lookupType(addr addrs.Resource) (*provider, *providers.Block) {
	pr := p.provs[addr.Provider()]
	if pr == nil {
		return nil, nil
	}
	types := pr.schema.Resources
	if addr.Mode == addrs.Data {
		types = pr.schema.DataSources
	}
	return pr, types[addr.Type]
}

// unknownType diagnoses a resource type no provider serves.
func (p *planner) unknownType(rc *schema.Resource) *hcl.Diagnostic {
	var known []string
	for _, pr := range p.provs {
		types := pr.schema.Resources
		if rc.Addr.Mode == addrs.Data {
			types = pr.schema.DataSources
		}
		for t := range types {
			known = append(known, t)
		}
	}
	sort.Strings(known)
	what := "resource type"
	if rc.Addr.Mode == addrs.Data {
		what = "data source"
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unknown " + what,
		Detail:   fmt.Sprintf("No provider serves the %s %q; the known ones are %s.%s", what, rc.Addr.Type, quoteList(known), suggest.DidYouMean(rc.Addr.Type, known)),
		Subject:  rc.TypeRange.Ptr(),
	}
}

// missingProvider diagnoses a resource whose provider has no block.
func missingProvider(rc *schema.Resource, name string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Missing provider configuration",
		Detail: fmt.Sprintf("%s needs the provider %q, which has no provider block. Add one, such as:\n\n  provider %q {\n    endpoint = \"sandbox\"\n  }",
			rc.Addr, name, name),
		Subject: rc.DeclRange.Ptr(),
	}
}

func sortedResources[V any](m map[addrs.Resource]V) []addrs.Resource {
	out := make([]addrs.Resource, 0, len(m))
	for a := range m {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
