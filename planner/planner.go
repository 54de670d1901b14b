package planner

import (
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/graph"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// planner is one run of Plan, Validate or Import.
type planner struct {
	req   *Request
	cfg   *schema.Config
	scope *schema.Scope
	vals  *values
	provs map[string]*provider
	res   map[addrs.Resource]*resource
	// uses are what each reference to a resource reads, while the graph
	// is built (see projection.go).
	uses map[refPos]use
	// blocks are the graph's nodes by key (local.x, usapi_account.a,
	// data.t.n, output.o, provider.p); order is their topological order.
	blocks map[string]*block
	order  []string
	stored *stateIndex
	sel    *selection
	// validating is set for Validate and the checks Plan runs before any
	// request: nothing is configured or read, unknown values are fine.
	validating bool
	// checkOnly is set for Validate, which plans nothing after its
	// checks: a resource's instances are let go of once checked, the
	// checks across instances holding what they read of them.
	checkOnly bool
	// reads bounds concurrent provider requests.
	reads chan struct{}
	// pre is what Plan's pre-pass evaluated that the walk takes over.
	pre *preChecked
	// known is, in Plan's pre-pass, the plan's state index: an instance
	// whose stored configuration digest is its own is not validated again.
	known *stateIndex
	// configsAsked are the configurations checked across instances, by
	// provider.
	configsAsked map[string]*configBatch
	// checks are, during validation and the pre-pass, each provider's
	// ConfigsCheck, which configurations join as they are evaluated; rank
	// orders the resources for it, and mayDrop lists the providers whose
	// configurations the pre-pass may drop (see dropConfig).
	checks  map[string]providers.ConfigsCheck
	rank    map[addrs.Resource]int64
	mayDrop map[string]bool
	// walkChecks are, during a plan's walk, the ConfigsChecks of the
	// providers whose check the walk makes itself (fed as it plans; see
	// startWalkChecks).
	walkChecks map[string]providers.ConfigsCheck
	// open are, in Plan's pre-pass, the second checks of the providers of
	// resources whose instances may read a hole (openCheck);
	// checkedProviders lists the providers a resource of which was checked.
	open map[string]providers.ConfigsCheck
	// reopened are, in Plan's pre-pass, the orders of the configurations
	// that read a hole, by provider whose check is asked again without
	// them (providers.ConfigsRecheck) rather than a second check made.
	reopened         map[string]*unexactOrders
	checkedProviders map[string]bool
	// predicted are, in Plan's pre-pass, the values the walk will give the
	// resources whose instances are all unchanged since apply and read by
	// no refresh (see predict.go), or a batch's with holes where some are
	// not (predictColumn); nil when the pass predicts nothing.
	predicted map[addrs.Resource]cty.Value
	// holes counts, in Plan's pre-pass, the instances of each resource
	// predicted as unknown (predictColumn, predictValues).
	holes map[addrs.Resource]int
	// tableKeys are, during validateAll, the keys of each for_each over a
	// table (tableKeysOf): made once for all the resources that name it.
	tableKeys map[*schema.CSVTable][]instanceKey

	mu          sync.Mutex
	diags       hcl.Diagnostics
	resolutions []plans.Resolution
	// excluded are the instances left out as invalid (see exclude.go), by
	// address; set by the pre-pass, read by the walk.
	excluded map[string]plans.Exclusion
	// exclusionDiags are the exclusions' diagnostics, as warnings.
	exclusionDiags hcl.Diagnostics

	// holderIdx tells which address holds which remote record, for
	// resolutions; built on first use (holders).
	holdersOnce sync.Once
	holderIdx   *Holders

	conds conditions // see conditions.go

	// existing are the creates a provider found already made (see
	// existing.go); existingWarned counts their warnings per resource.
	existing       []plans.Existing
	existingWarned map[addrs.Resource]int
	owners         idOwners

	// moved maps each instance a moved block renamed to its old address;
	// nil without moved blocks (see moved.go).
	moved          map[addrs.Instance]addrs.Instance
	freeLocalsDone bool

	// bound holds, by resource, the changes of the saved plan Bind binds;
	// nil when planning.
	bound map[addrs.Resource][]*plans.Change
}

// block is one node of the dependency graph.
type block struct {
	key   string
	rng   hcl.Range
	local *schema.Local
	res   *resource
	out   *schema.Output
	prov  *provider
	// resourceFree is set for a local that refers to no resource or data
	// source, directly or through other locals.
	resourceFree bool
}

func newPlanner(req *Request) *planner {
	p := &planner{
		req:    req,
		cfg:    req.Config,
		provs:  map[string]*provider{},
		res:    map[addrs.Resource]*resource{},
		blocks: map[string]*block{},

		configsAsked: map[string]*configBatch{},
		reads:        make(chan struct{}, req.parallelism()),
	}
	p.conds.later = map[*Step]bool{}
	p.vals = newValues(p)
	p.scope = &schema.Scope{Config: req.Config, Vars: req.Vars, Data: p.vals, BaseDir: req.Config.Dir,
		PlanTime: req.Options.Timestamp}
	return p
}

// report adds diagnostics; safe for concurrent use.
func (p *planner) report(diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	p.mu.Lock()
	for _, d := range diags {
		if d != errorsAbove {
			p.diags = append(p.diags, d)
		}
	}
	p.mu.Unlock()
}

func (p *planner) hasErrors() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.diags.HasErrors()
}

// prepare loads the provider schemas and builds the graph: everything
// static. It reports whether the walk can go on.
func (p *planner) prepare() bool {
	p.loadProviders()
	p.loadResources()
	p.buildGraph()
	p.markConditionReferences()
	return !p.hasErrors()
}

// acquire takes a slot for a provider request; the returned func frees it.
func (p *planner) acquire() func() {
	p.reads <- struct{}{}
	return func() { <-p.reads }
}

// newGraph returns an empty block graph.
func newGraph() *graph.Graph[string] { return graph.New[string]() }
