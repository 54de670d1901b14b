package plans

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
	"golang.org/x/sync/errgroup"
)

// Action is what a change does to one resource instance.
type Action rune

const (
	NoOp    Action = '.'
	Create  Action = '+'
	Update  Action = '~'
	Replace Action = '±' // rendered -/+: a new remote record; the old one is forgotten
	Forget  Action = '-' // leaves the state; the remote record stays (no API can delete)
	Read    Action = '<' // a data source read during apply ("<=")
)

// String names the action as plan -json spells it.
func (a Action) String() string {
	switch a {
	case Create:
		return "create"
	case Update:
		return "update"
	case Replace:
		return "replace"
	case Forget:
		return "forget"
	case Read:
		return "read"
	default:
		return "no-op"
	}
}

// Symbol is the action's mark in human output.
func (a Action) Symbol() string {
	switch a {
	case Replace:
		return "-/+"
	case Read:
		return "<="
	case NoOp:
		return " "
	default:
		return string(a)
	}
}

// Plan is the set of changes that would bring the remote records and the
// state in line with the configuration.
type Plan struct {
	// Changes has one entry per resource instance in the configuration or
	// the state, sorted by address. No-op changes are kept (apply needs
	// their values to evaluate references); renderers skip them. A plan
	// the planner made for a caller that reads no no-op (its
	// Request.CompactNoOps: a plan printed, written as JSON or saved)
	// leaves out a batch's unchanged instances until its
	// Result.ExpandNoOps makes them; its Result.Source hands them out.
	Changes []*Change
	// Lazy are blocks of changes kept out of Changes and made when read
	// (lazy.go), in the order of their places in Changes: only a plan the
	// planner made for an apply that reads them so (its
	// Request.LazyCreates). Source, Len, Summary and HasChanges include
	// them; any other reader of Changes calls Expand first.
	Lazy []*Lazy
	// expand puts Lazy's changes into Changes (SetExpand).
	expand func()
	// Outputs are the output values as planned (unknown where they depend
	// on the apply).
	Outputs []*Output
	// Spends lists what the plan costs, per paid unit.
	Spends []Spend
	// Resolutions reports what the planner found about creates that an
	// interrupted apply left without an outcome.
	Resolutions []Resolution
	// Excluded are the invalid instances left out (Options.ExcludeInvalid),
	// sorted by address: nothing about them is sent or recorded.
	Excluded []Exclusion
	// Existing lists the creates not planned because the remote already
	// holds the record they would make (a verification of the same person
	// and type): each is a no-op until the user imports the record or
	// allows the repeat. They are not changes: applying does nothing
	// about them.
	Existing []Existing
	// Finished counts the records a refresh found newly final (finished
	// on the API's side since the last run), by noun and outcome, sorted.
	// It is reported when the plan is made; a saved plan does not keep it.
	Finished []Finished

	// Options are the options the plan was made with; apply of a saved
	// plan re-plans with them.
	Options Options
	// Lineage and Serial identify the state the plan was made against; a
	// saved plan is stale when the state moved on.
	Lineage string
	Serial  uint64
	// InputDigest is a keyed digest of the configuration files, the
	// variable values and the files they read; a saved plan is stale when
	// it differs.
	InputDigest string
	// RefreshOnly plans update the state from the remote and change nothing.
	RefreshOnly bool
	// Errored is set when planning stopped on errors; such a plan cannot be
	// applied or saved.
	Errored bool
	// OutputsChange is set by the command line, which compares the
	// outputs with the state's, when an output value would change: then
	// the plan has changes even with no resource change. Not saved.
	OutputsChange bool
}

// Options are the command-line options that shape a plan.
type Options struct {
	Targets     []string `json:"targets,omitempty"`
	Replace     []string `json:"replace,omitempty"`
	Refresh     bool     `json:"refresh"`
	RefreshOnly bool     `json:"refresh_only,omitempty"`
	// Timestamp is the time the plan was made: what timestamp() and
	// plantimestamp() return, the same when a saved plan is applied.
	// Zero: those functions are unknown.
	Timestamp time.Time `json:"timestamp,omitzero"`
	// ExcludeInvalid leaves out of the plan the instances whose own
	// configuration is invalid (and those that name them), instead of
	// failing the whole plan: a batch's bad rows wait, the rest goes on.
	ExcludeInvalid bool `json:"exclude_invalid,omitempty"`
}

// Exclusion is an instance left out of a plan made with ExcludeInvalid.
type Exclusion struct {
	Addr addrs.Instance
	// Reason is the first error, with where it is (file:line, CSV row).
	Reason string
}

// Change is the planned change of one resource instance.
type Change struct {
	Addr     addrs.Instance
	Provider string
	Action   Action
	// Persist says apply writes the record to the state even though it
	// calls no provider for it: a record adopted from an interrupted
	// create, a value refreshed from the remote, an import, or (with a
	// null After) a pending intent the remote showed was never carried
	// out. A no-op writes After; an update writes Before, then sends the
	// update (only a refresh-only plan writes its After with no call).
	// (Beside Action: a batch holds a change per instance, and the two
	// share a word.)
	Persist bool
	// Before is the prior state value (null for a create); After the
	// planned value (null for a forget). After may hold unknown values.
	Before cty.Value
	After  cty.Value
	// Config is the configuration the change was planned with (marks
	// stripped; it may hold values known only after apply), for a change
	// that calls a provider (create, update, replace, read); cty.NilVal
	// otherwise. A plan file writes its Sensitive paths unknown, as it
	// does Before's and After's: apply of the file takes them from the
	// configuration again, and ConfigDigest tells whether they are the
	// ones reviewed.
	Config cty.Value
	// Sensitive lists the attribute paths renderers must hide.
	Sensitive []cty.Path
	// RequiresReplace lists the inputs that forced a replace.
	RequiresReplace []cty.Path
	// Reason explains an action in plain words where it is not obvious
	// ("requested with -replace", "not in the configuration: the remote
	// record stays").
	Reason string
	// Spends is how many paid units applying the change spends.
	Spends int
	// ConfigDigest is a keyed digest of the instance's configuration as
	// the plan saw it (inputs only, unknown parts included), so that apply
	// of a saved plan can tell that what runs is what was reviewed.
	ConfigDigest string
	// Deps are the addresses of the resources this one depends on (for
	// ordering and for the state).
	Deps []addrs.Resource
	// DependsOn lists what must finish before the change starts, and
	// whose failure skips it: an instance address (usapi_account.p["ani"])
	// where the configuration names one instance with a key known at plan
	// time, a resource address (usapi_account.p) for every instance of a
	// resource used whole (a plain reference, a splat, a for over it, a
	// reference through a local). Sorted; empty for a change that depends
	// on nothing.
	DependsOn []addrs.Instance
	// rare holds what few changes have: the address before a move and
	// the id an import adopts (PrevAddr, Importing); nil when neither.
	rare *changeRare

	// unread, when set, holds Before and After, which are cty.NilVal
	// until read: a no-op the planner decided from the state alone, whose
	// stored value nothing needed, a no-op of a loaded plan file (see
	// Defer and Plan.Read).
	unread *unread
	// packed, when set, holds a packed create's configuration and planned
	// value (Pack), which are cty.NilVal until read; unread is nil then.
	packed *packedCreate
}

// changeRare is what few changes of a plan set. A batch holds a change
// per instance, until apply reaches it: kept apart, these take 8 bytes of
// each instead of 24 (with Persist beside Action, a change is 352 bytes,
// not 376 in a 384-byte class).
type changeRare struct {
	prevAddr  *addrs.Instance
	importing string
}

// PrevAddr is the address the state knew the instance by, when a moved
// block renames it (nil otherwise): apply records the rename first,
// without a request.
func (c *Change) PrevAddr() *addrs.Instance {
	if c.rare == nil {
		return nil
	}
	return c.rare.prevAddr
}

// SetPrevAddr sets PrevAddr.
func (c *Change) SetPrevAddr(a *addrs.Instance) {
	if a != nil || c.rare != nil {
		c.more().prevAddr = a
	}
}

// Importing is the remote id an import block adopts at Addr (the state
// holds no record there yet): the plan read it, and apply writes it to
// the state, with no create. "" for any other change.
func (c *Change) Importing() string {
	if c.rare == nil {
		return ""
	}
	return c.rare.importing
}

// SetImporting sets Importing.
func (c *Change) SetImporting(id string) {
	if id != "" || c.rare != nil {
		c.more().importing = id
	}
}

func (c *Change) more() *changeRare {
	if c.rare == nil {
		c.rare = &changeRare{}
	}
	return c.rare
}

// packedCreate is a create's configuration and planned value as Pack
// keeps them: cty msgpack of the resource's type, in one slice. A batch
// of a million creates holds one per change until apply reaches it, so it
// is kept small: 48 bytes and the encoding, where an unread of three
// codec.Lazy took 160 and a slice each.
type packedCreate struct {
	ty  cty.Type
	buf []byte // the configuration's msgpack, then the planned value's
	cut int32  // where the planned value starts
	// attrs is set by PackValues: buf holds the two values' attribute
	// values alone (codec.LazyMsgpackAttrs), not the objects' msgpack.
	attrs bool
	// same is set by PackValues when the planned value is kept without
	// the attributes it repeats of the configuration (packsame.go).
	same bool
}

// pending is c's values still encoded: its unread, or its packed create's
// seen as one (the three values of the resource's type: a null before);
// nil when its values are read.
func (c *Change) pending() *unread {
	if c.unread != nil || c.packed == nil {
		return c.unread
	}
	pk := c.packed
	lazy := codec.LazyMsgpack
	if pk.attrs {
		lazy = codec.LazyMsgpackAttrs
	}
	planned := pk.buf[pk.cut:]
	if pk.same {
		var ok bool
		if planned, ok = plannedBytes(pk.buf[:pk.cut], planned); !ok {
			planned = nil // read as an error, naming the instance
		}
	}
	after := lazy(planned, pk.ty)
	return &unread{before: codec.LazyMsgpack(nullMsgpack, pk.ty),
		more: &unreadMore{after: &after, config: lazy(pk.buf[:pk.cut:pk.cut], pk.ty), packed: true}}
}

// unread are a change's values, still encoded. A deferred no-op (Defer,
// one per unchanged instance of a batch) holds its before alone: 64 bytes
// of an unread, not the 128 the rest would make of each.
type unread struct {
	before codec.Lazy
	more   *unreadMore // nil: After is Before, and no configuration
}

// unreadMore is the rest of an unread, for other changes than a no-op.
type unreadMore struct {
	after  *codec.Lazy // nil when After is Before (a no-op)
	config codec.Lazy  // a packed create's Config (Pack); zero for none
	// packed is set by Pack: before, after and config are cty msgpack of
	// one type, the resource's (after and config its attribute values
	// alone, codec.LazyMsgpackAttrs, when PackValues packed them).
	packed bool
}

// after is the encoded After, nil when After is Before.
func (u *unread) after() *codec.Lazy {
	if u.more == nil {
		return nil
	}
	return u.more.after
}

// config is a packed create's encoded Config; zero for none.
func (u *unread) config() codec.Lazy {
	if u.more == nil {
		return codec.Lazy{}
	}
	return u.more.config
}

// packed reports whether Pack set u (see unreadMore).
func (u *unread) packed() bool { return u.more != nil && u.more.packed }

// values decodes the values.
func (u *unread) values() (before, after cty.Value, err error) {
	if before, err = u.before.Decode(); err != nil || u.after() == nil {
		return before, before, err
	}
	after, err = u.after().Decode()
	return before, after, err
}

// Defer makes c a no-op whose value v is decoded on demand: Before and
// After stay cty.NilVal until Plan.Read (or whatever prints or saves the
// plan) reads it. A batch of 100,000 unchanged instances is planned without
// decoding 100,000 stored values that nothing looks at.
func (c *Change) Defer(v codec.Lazy) {
	c.Action, c.Before, c.After = NoOp, cty.NilVal, cty.NilVal
	c.unread, c.packed = &unread{before: v}, nil
}

// Pack keeps a create's configuration and planned value encoded (cty
// msgpack of type ty, the resource's type) until something reads them
// (ReadDeferred, Plan.Read; Values for the planned value): what a batch of
// 100,000 creates holds from its plan until apply reaches each one is a
// few hundred bytes per change, not two cty objects. It returns the
// configuration's encoding (nil when it did not pack): a value of another
// type, or one msgpack cannot hold (marked), leaves c as it is.
func (c *Change) Pack(ty cty.Type) []byte { return c.pack(ty, nil, nil) }

// PackAttrs is Pack with the configuration's attributes at hand: names,
// sorted, and vals, the values of c.Config's attributes of those names,
// every one (schema.Fields). It writes the same bytes as Pack, without
// reading each attribute back from the object. c.Config may be
// cty.NilVal, the object never built: then names and vals must be the
// attributes of an object of type ty, and what cannot be written from
// them is left unpacked (nil).
func (c *Change) PackAttrs(ty cty.Type, names []string, vals []cty.Value) []byte {
	if names == nil {
		return nil
	}
	return c.pack(ty, names, vals)
}

// packable reports whether c is a create whose values Pack, PackAttrs
// or PackValues may keep encoded as type ty: not packed or deferred yet,
// its planned value of type ty, and its configuration of type ty or,
// when it has none, names and vals the attributes of an object of ty.
func (c *Change) packable(ty cty.Type, names []string, vals []cty.Value) bool {
	if c.unread != nil || c.packed != nil || c.Action != Create || c.After == cty.NilVal || c.Before == cty.NilVal || !c.Before.IsNull() ||
		!c.After.Type().Equals(ty) {
		return false
	}
	if c.Config != cty.NilVal {
		return c.Config.Type().Equals(ty)
	}
	return names != nil && attrsOfType(names, vals, ty)
}

func (c *Change) pack(ty cty.Type, names []string, vals []cty.Value) []byte {
	if !c.packable(ty, names, vals) {
		return nil
	}
	bp := packBuffers.Get().(*[]byte)
	defer packBuffers.Put(bp)
	var err error
	if names != nil {
		*bp, err = appendPackedAttrs((*bp)[:0], c.Config, ty, names, vals)
	} else {
		*bp, err = appendPacked((*bp)[:0], c.Config, ty)
	}
	if err != nil {
		return nil
	}
	cut := len(*bp)
	if *bp, err = appendPacked(*bp, c.After, ty); err != nil || len(*bp) > 1<<31-1 {
		return nil
	}
	buf := bytes.Clone(*bp) // one slice of its own size: the plan keeps it until apply
	c.packed = &packedCreate{ty: ty, buf: buf, cut: int32(cut)}
	c.Before, c.After, c.Config = cty.NilVal, cty.NilVal, cty.NilVal
	return buf[:cut:cut]
}

// appendPacked appends ctymsgpack.Marshal of v, a value of type ty, to
// buf: written by appendMsgpackUnmarked where it can, by cty's encoder
// otherwise.
func appendPacked(buf []byte, v cty.Value, ty cty.Type) ([]byte, error) {
	n := len(buf)
	if out, ok := appendMsgpackUnmarked(buf, v); ok {
		return out, nil
	}
	data, err := ctymsgpack.Marshal(v, ty)
	if err != nil {
		return buf[:n], err
	}
	return append(buf[:n], data...), nil
}

// packMsgpack is appendPacked of v in a slice of its own size.
func packMsgpack(v cty.Value, ty cty.Type) ([]byte, error) {
	bp := packBuffers.Get().(*[]byte)
	defer packBuffers.Put(bp)
	var err error
	if *bp, err = appendPacked((*bp)[:0], v, ty); err != nil {
		return nil, err
	}
	return bytes.Clone(*bp), nil
}

// appendPackedAttrs is appendPacked of v, the object whose attributes are
// names and vals: written from them by appendMsgpackAttrs where it can.
// v may be cty.NilVal (the object not built): then what
// appendMsgpackAttrs declines is an error.
func appendPackedAttrs(buf []byte, v cty.Value, ty cty.Type, names []string, vals []cty.Value) ([]byte, error) {
	n := len(buf)
	if out, ok := appendMsgpackAttrs(buf, names, vals); ok {
		return out, nil
	}
	if v == cty.NilVal {
		return buf[:n], errors.New("not packed from its attributes")
	}
	return appendPacked(buf[:n], v, ty)
}

// attrsOfType reports whether names and vals are the attributes of an
// object of type ty: each of its attributes once, with a value of its
// type.
func attrsOfType(names []string, vals []cty.Value, ty cty.Type) bool {
	if !ty.IsObjectType() || len(names) != len(vals) || len(names) != len(ty.AttributeTypes()) {
		return false
	}
	atys := ty.AttributeTypes()
	for i, name := range names {
		aty, ok := atys[name]
		if !ok || (i > 0 && names[i-1] >= name) || !vals[i].Type().Equals(aty) {
			return false
		}
	}
	return true
}

// packBuffers are the buffers creates are packed in, one per concurrent
// Pack rather than one per value.
var packBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// nullMsgpack is a null value of any type, in cty msgpack.
var nullMsgpack = []byte{0xc0}

// Deferred reports whether c's values are still unread.
func (c *Change) Deferred() bool { return c.unread != nil || c.packed != nil }

// Read fills the values of the changes whose values were deferred, in
// parallel, each change by one goroutine. The first error is returned,
// naming the instance.
func (p *Plan) Read() error {
	p.Expand()
	var lazy []*Change
	for _, c := range p.Changes {
		if c.Deferred() {
			lazy = append(lazy, c)
		}
	}
	if len(lazy) == 0 {
		return nil
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, c := range lazy {
		g.Go(c.ReadDeferred)
	}
	return g.Wait()
}

// Values returns c's Before and After, decoding them if they were
// deferred but leaving c as it is: for a reader of every change (plan
// -json) that must not keep them all decoded at once.
func (c *Change) Values() (before, after cty.Value, err error) {
	u := c.pending()
	if u == nil {
		return c.Before, c.After, nil
	}
	before, after, err = u.values()
	if err != nil {
		return cty.NilVal, cty.NilVal, fmt.Errorf("reading the value of %s: %w", c.Addr, err)
	}
	return before, after, nil
}

// ConfigValue returns c's Config, decoding it if c is a packed create but
// leaving c as it is: for a writer of every change (a saved plan) that
// must not keep them all decoded at once.
func (c *Change) ConfigValue() (cty.Value, error) {
	u := c.pending()
	if u == nil || c.Config != cty.NilVal {
		return c.Config, nil
	}
	config, err := u.config().Decode()
	if err != nil {
		return cty.NilVal, fmt.Errorf("reading the configuration of %s: %w", c.Addr, err)
	}
	return config, nil
}

// ReadDeferred fills c's values if they were deferred (Defer, a no-op
// loaded from a plan file, or a packed create, whose Config it fills too):
// for the one change that needs them, where
// Plan.Read would read every one. Like every write to a Change, it must
// not run concurrently with another use of c.
func (c *Change) ReadDeferred() error {
	u := c.pending()
	if u == nil {
		return nil
	}
	before, after, err := u.values()
	if err != nil {
		return fmt.Errorf("reading the value of %s: %w", c.Addr, err)
	}
	config, err := u.config().Decode()
	if err != nil {
		return fmt.Errorf("reading the configuration of %s: %w", c.Addr, err)
	}
	if config != cty.NilVal {
		c.Config = config
	}
	c.Before, c.After, c.unread, c.packed = before, after, nil, nil
	return nil
}

// Output is a planned output value.
type Output struct {
	Name      string
	Value     cty.Value
	Sensitive bool
}

// Spend is what a plan costs in one paid unit.
type Spend struct {
	Provider string
	Unit     string // "Proofylink tokens"
	Count    int
	// Balance is what was left when the plan was made; -1 when unknown.
	Balance int64
}

// Short reports whether the balance cannot cover the spend.
func (s Spend) Short() bool { return s.Balance >= 0 && int64(s.Count) > s.Balance }

// Resolution is what the planner found about an interrupted create.
type Resolution struct {
	Addr addrs.Instance
	// Outcome is "adopted", "not-created" or "undecided".
	Outcome string
	Message string
}

// Existing is a create the plan does not make because the remote already
// holds its record.
type Existing struct {
	Addr addrs.Instance
	// ID is what daftar import takes (a reference_code).
	ID string
	// Message says what was found ("already verified as EMP-... on DATE").
	Message string
}

// Summary counts the changes by action.
type Summary struct {
	Add, Change, Replace, Forget int
	// Import counts the changes that adopt a record for an import block
	// (whatever their action: an import may also update in place).
	Import int
}

// Counts are what Plan.Summary, Plan.Moves and Plan.HasChanges count, for
// a reader that hands the changes out one at a time (a plan file's
// Reader): Count each change, then ask.
type Counts struct {
	Summary
	// Moves counts the instances a moved block renames.
	Moves int
}

// Count counts c.
func (n *Counts) Count(c *Change) {
	if c.Importing() != "" {
		n.Import++
	}
	if c.PrevAddr() != nil {
		n.Moves++
	}
	n.countAction(c.Action, 1)
}

// CountLazy counts k changes with action a, none moved or imported: a
// lazy block's (Lazy) that were not made.
func (n *Counts) CountLazy(a Action, k int) { n.countAction(a, k) }

// countAction counts k changes with action a.
func (n *Counts) countAction(a Action, k int) {
	switch a {
	case Create:
		n.Add += k
	case Update:
		n.Change += k
	case Replace:
		n.Replace += k
	case Forget:
		n.Forget += k
	}
}

// HasChanges is Plan.HasChanges of the plan p whose changes were counted
// (p's own Changes are not read).
func (n Counts) HasChanges(p *Plan) bool {
	s := n.Summary
	return s.Add+s.Change+s.Replace+s.Forget+s.Import+n.Moves > 0 || len(p.Resolutions) > 0 || p.OutputsChange
}

// count counts p's changes.
func (p *Plan) count() Counts {
	var n Counts
	for _, c := range p.Changes {
		n.Count(c)
	}
	for _, l := range p.Lazy { // neither moved nor imported: their action alone
		n.countAction(l.Action, l.N)
	}
	return n
}

// Summary counts the plan's changes.
func (p *Plan) Summary() Summary { return p.count().Summary }

// HasChanges reports whether applying the plan would change anything:
// a resource, an output, or (for refresh-only plans) the state.
func (p *Plan) HasChanges() bool { return p.count().HasChanges(p) }

// Moves counts the instances a moved block renames.
func (p *Plan) Moves() int { return p.count().Moves }

// Sort orders the changes by address.
func (p *Plan) Sort() {
	sort.Slice(p.Changes, func(i, j int) bool { return p.Changes[i].Addr.Less(p.Changes[j].Addr) })
	sort.Slice(p.Outputs, func(i, j int) bool { return p.Outputs[i].Name < p.Outputs[j].Name })
}

// Finished is how many records of one kind a refresh found newly final
// with one outcome ("verifications", "completed", 52).
type Finished struct {
	Noun    string
	Outcome string
	Count   int
}
