package providers

import (
	"context"
	"net/http"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// Provider is a client of one remote API, seen from the engine.
//
// The engine calls Schema and ValidateProviderConfig at any time, Configure
// once before any request-making method, and the other methods concurrently
// from many goroutines: implementations must be safe for concurrent use
// after Configure.
type Provider interface {
	// Schema describes the provider's configuration, resources and data
	// sources.
	Schema() Schema

	// Configure prepares the client. It makes no request.
	Configure(ctx context.Context, req ConfigureRequest) Diagnostics

	// ValidateResource checks one resource or data source configuration
	// with the APIs' documented rules, making no request. Values not yet
	// known (cty unknown) are skipped; they are checked again at apply.
	ValidateResource(req ValidateRequest) Diagnostics

	// CheckConfigs starts a check of the rules that span resources, such
	// as two accounts with the same username (see ConfigsCheck). It makes
	// no request.
	CheckConfigs() ConfigsCheck

	// PlanResource proposes the state after the change, from the
	// configuration and the prior state.
	PlanResource(ctx context.Context, req PlanRequest) PlanResponse

	// ApplyResource carries out a planned create or update against the
	// API. A replace is a create: the old record cannot be deleted and is
	// forgotten by the engine.
	ApplyResource(ctx context.Context, req ApplyRequest) ApplyResponse

	// ReadResource refreshes a resource from the API. A provider may answer
	// from Prior without a request when the record can no longer change.
	ReadResource(ctx context.Context, req ReadRequest) ReadResponse

	// ResolveResource decides the outcome of a create that an interrupted
	// apply started and whose answer was never recorded: it finds the
	// record the request may have made, without creating anything.
	ResolveResource(ctx context.Context, req ResolveRequest) ResolveResponse

	// ImportResource adopts an existing remote record by its id
	// (an account's username, a verification's reference_code).
	ImportResource(ctx context.Context, req ImportRequest) ImportResponse

	// ReadData reads a data source.
	ReadData(ctx context.Context, req ReadDataRequest) ReadDataResponse
}

// Spender is implemented by providers whose creates cost the customer money
// (Proofylink tokens). The engine asks for the balance at plan time when a
// plan spends any, and apply refuses to start when it is short.
type Spender interface {
	// Balance reads what is left to spend; Unit names it in plain words
	// ("Proofylink tokens").
	Balance(ctx context.Context) (Balance, Diagnostics)
}

// PlanInputs is implemented by providers that let the engine skip planning
// an instance that has not changed. The engine keeps, with each applied
// instance, a keyed digest of its configuration, its provider's
// configuration and its lifecycle rules; when the next plan computes the
// same digest, nothing is pending and refresh changed nothing, the
// instance is a no-op without ValidateResource or PlanResource. A provider
// implements PlanInputs only when that no-op is what it would plan.
type PlanInputs interface {
	// PlanInputs returns what else PlanResource of a wholly known
	// configuration of the type would read (a file's size and
	// modification time, the provider's own version), to be digested
	// with it. ok false keeps the instance on the full path.
	PlanInputs(typ string, config cty.Value) (inputs []byte, ok bool)
}

// Attrs is a configuration as the engine evaluated it, wholly and without
// marks, given as its top-level attributes before the engine builds its
// object: an unchanged instance of a batch of 100,000 is fingerprinted and
// checked across instances without it (building a cty object costs four
// maps).
type Attrs interface {
	// Attr is the value of the attribute name, as the object would hold
	// it; cty.NilVal when the type has no such attribute.
	Attr(name string) cty.Value
	// Object is the configuration itself, built on demand.
	Object() cty.Value
}

// PlanInputsAttrs is implemented by providers whose PlanInputs can answer
// from a configuration's attributes. Its answer must be PlanInputs's of
// a.Object(). a is valid during the call only (see AttrsCheck).
type PlanInputsAttrs interface {
	PlanInputsAttrs(typ string, a Attrs) (inputs []byte, ok bool)
}

// ValidateAttrs is implemented by providers that can validate a
// configuration from its attributes, before the engine builds its object:
// the pre-pass of a batch of 100,000 new accounts validates each without
// building an object it would drop at once. req.Config is cty.NilVal; the
// answer must be ValidateResource's for req with Config a.Object(). ok
// false declines (a type it does not check so), and the engine calls
// ValidateResource.
type ValidateAttrs interface {
	ValidateResourceAttrs(req ValidateRequest, a Attrs) (diags Diagnostics, ok bool)
}

// PlanAttrs is implemented by providers that can plan an instance from
// its configuration's attributes, before the engine builds its object: a
// batch of 100,000 new accounts is planned without building 100,000
// configuration objects. req.Config is cty.NilVal; the answer must be
// PlanResource's for req with Config a.Object(). ok false declines (any
// request the provider does not answer so), and the engine calls
// PlanResource.
type PlanAttrs interface {
	PlanResourceAttrs(ctx context.Context, req PlanRequest, a Attrs) (resp PlanResponse, ok bool)
}

// PlanFields is implemented by providers that can plan a new instance
// from its configuration's attributes and answer the planned value as its
// attributes too: a batch of 100,000 new accounts is planned, checked and
// packed without a planned object per account. names are every attribute
// of the type, sorted; planned[i] is the planned value's attribute
// names[i], and resp.Planned is cty.NilVal. The answer must be
// PlanResourceAttrs's (PlanAttrs) with Planned the object of planned. ok
// false declines, as PlanAttrs does.
type PlanFields interface {
	PlanResourceFields(ctx context.Context, req PlanRequest, a Attrs, names []string) (resp PlanResponse, planned []cty.Value, ok bool)
}

// BaseDirSetter is implemented by providers whose PlanInputs read files
// named relative to the configuration directory (a KTP image, a profile
// image). The engine calls SetBaseDir before the pre-pass of a plan, with
// the BaseDir its Configure will give, so that PlanInputs can answer
// before Configure: an unchanged instance that reads a file is then
// fingerprinted, and not validated, by the pre-pass. What PlanInputs
// answers for a file before Configure must be exactly what it answers
// after (the pre-pass's match of a recorded digest is trusted by the
// walk): a provider keeps what it read of each file across Configure.
// SetBaseDir makes no request and may be called before Configure only.
type BaseDirSetter interface {
	SetBaseDir(dir string)
}

// InputsOf is p's PlanInputs of the configuration a: from its attributes
// when p implements PlanInputsAttrs, of its object when p implements only
// PlanInputs, declined otherwise.
func InputsOf(p any, typ string, a Attrs) ([]byte, bool) {
	if pa, ok := p.(PlanInputsAttrs); ok {
		return pa.PlanInputsAttrs(typ, a)
	}
	if pi, ok := p.(PlanInputs); ok {
		return pi.PlanInputs(typ, a.Object())
	}
	return nil, false
}

// Settler is implemented by providers some of whose records a refresh
// never reads again: ReadResource answers them from the prior value with no
// request unless ReadRequest.Full (a USAPI account seen registered). The
// engine records the answer with the record, so that a plan of an
// unchanged batch need not decode such records to learn it.
type Settler interface {
	// Settled reports whether ReadResource, without Full, answers a record
	// of the type with this value by the value itself, with no request.
	Settled(typ string, state cty.Value) bool
}

// Finisher is implemented by providers some of whose records reach a final
// outcome on the API's side, with no request from daftar (a verification
// completed or failed overnight). A plan tells how many finished since the
// last run, even when nothing else changes.
type Finisher interface {
	// Finished returns, when a refresh found the record final and its
	// prior value was not, the plural noun of the record in plain words
	// ("verifications") and its outcome ("completed", "failed"); ok false
	// otherwise.
	Finished(typ string, prior, refreshed cty.Value) (noun, outcome string, ok bool)
}

// Balance is what a Spender has left.
type Balance struct {
	Unit string
	Left int64
}

// Digester makes keyed digests of values that must not be stored in clear
// (passwords, access tokens, NIKs, file contents). The key lives outside the
// state, so a digest in the state cannot be brute-forced from the state alone.
type Digester interface {
	// Digest returns a printable keyed digest of value, prefixed with the
	// scheme ("hmac-sha256:..."). Purpose separates domains (the same
	// password digested for two purposes gives two digests).
	Digest(purpose string, value []byte) string
}

// ConfigureRequest carries the provider block and what the engine wires.
type ConfigureRequest struct {
	// Config is the provider block's value (Schema().Provider's type).
	Config cty.Value
	// Endpoint is the base URL to use: Config's endpoint, or the URL of
	// the embedded sandbox's mount for this API when it says "sandbox".
	Endpoint string
	// HTTPClient carries the transport layers (rate limit, retry of
	// idempotent requests, audit). Providers use it for every request.
	HTTPClient *http.Client
	// BaseDir is the configuration directory; relative file paths in
	// resource inputs are relative to it.
	BaseDir string
	// Digester makes the keyed digests stored for write-only inputs.
	Digester Digester
	// Evidence archives documents (reports, analyses) for the audit; nil
	// when the engine offers no archive (a provider then reports an
	// error if asked to archive).
	Evidence EvidenceStore
}

// ValidateRequest is one resource or data source configuration.
type ValidateRequest struct {
	Type string
	// Addr is the instance's address, for diagnostics.
	Addr   string
	Config cty.Value
}

// PlanRequest asks for the planned state of one resource instance.
type PlanRequest struct {
	Type string
	Addr string
	// Config may contain unknown values (known only after apply). The
	// engine has already replaced the attributes of ignore_changes with
	// their prior values.
	Config cty.Value
	// Prior is the state value, or a null value of the type when the
	// resource is new.
	Prior cty.Value
	// Forced is set when the create is the user's own word: it replaces a
	// record of the state (the old record is forgotten), or the user named
	// the instance with -replace. A provider then does not look for an
	// existing record to refuse it (see Existing).
	Forced bool
	// Replacing, for a create that replaces a record (Prior null), is the
	// state value of the record replaced, which stays at the remote (no
	// API deletes): a provider whose API holds some inputs unique reports
	// the create as impossible when it reuses one. cty.NilVal otherwise.
	Replacing cty.Value
	// Ignored are the inputs whose prior values stand (the
	// configuration's ignore_changes): Config already holds their prior
	// values, and the provider keeps their stored form (a write-only
	// input's digest, a file's digest) as it is rather than derive it
	// again from them.
	Ignored []cty.Path
}

// PlanResponse is the provider's proposal.
type PlanResponse struct {
	// Planned is the expected state after the change: inputs from Config
	// (write-only ones as digests), computed values unknown where the
	// change will set them, prior values where it will not.
	Planned cty.Value
	// RequiresReplace lists the changed inputs that need a new remote
	// record. Empty means the change, if any, is made in place.
	RequiresReplace []cty.Path
	// Spends is how many paid units (Proofylink tokens) a create or a
	// replace of this instance spends.
	Spends int
	// Diagnostics include errors for changes the API cannot make at all,
	// explaining why (an account's username cannot change).
	Diagnostics Diagnostics
	// Reason, when set, explains the planned change in plain words where
	// the action alone does not say what will happen (what the API does
	// with a record it already holds); the engine shows it with the
	// change.
	Reason string
	// Existing, on a create (null Prior, not Replacing), names a record
	// the remote already holds that the create would make again at a cost
	// (a verification of the same person and type): the engine then plans
	// no create but a no-op with a warning, until the user adopts the
	// record (import) or says, in the provider's own terms, that the
	// repeat is meant. Nil when there is none or the provider does not
	// look.
	Existing *Existing
}

// Existing is a remote record that a planned create would duplicate.
type Existing struct {
	// ID is what daftar import takes to adopt it (a reference_code).
	ID string
	// IDAttribute is the attribute of the type's state value that holds
	// ID, so that the engine can tell a record another address of the
	// state already holds (the same record declared twice) from one the
	// state does not know.
	IDAttribute string
	// Message says in plain words what was found, for the plan's list
	// ("already verified as EMP-260211-7874 on 2026-02-11").
	Message string
	// Why explains, in full sentences, why the create is not planned.
	Why string
	// Repeat says how to create it all the same, in the provider's own
	// terms ("set allow_repeat = true in this resource"). The engine adds
	// the import command where it applies.
	Repeat string
}

// Operation is what ApplyResource is asked to do.
type Operation int

const (
	// Create makes a new remote record (also for a replace).
	Create Operation = iota
	// Update changes an existing record in place.
	Update
)

// ApplyRequest carries out one planned change.
type ApplyRequest struct {
	Type      string
	Addr      string
	Operation Operation
	// Config is wholly known: the engine re-evaluated it with the results
	// of the changes it depends on.
	Config  cty.Value
	Prior   cty.Value
	Planned cty.Value
}

// ApplyResponse is the outcome of ApplyResource.
type ApplyResponse struct {
	// NewState is the state after the call, even when Diagnostics has
	// errors: a create that made the record but failed a later step (an
	// account registered whose profile update failed) returns the record,
	// so that it is never forgotten. Null means no record was made.
	NewState cty.Value
	// Uncertain is set when a create request may have been carried out
	// although no answer says so (the connection was cut, the request timed
	// out, or the server failed after receiving it). The engine then keeps
	// the intent and resolves it with ResolveResource before creating again;
	// a provider never retries such a request itself.
	Uncertain bool
	// Acknowledged is set with Uncertain when the API answered the create
	// with a success (201 Created) whose record cannot be read (a body cut
	// short, not JSON, too large, or without the record's id): the record
	// exists, but which one it is the answer does not say. Resolution may
	// adopt it; a search that finds nothing leaves the intent undecided,
	// never "not created", so that the create is not sent again.
	Acknowledged bool
	Diagnostics  Diagnostics
}

// ReadRequest refreshes one resource instance.
type ReadRequest struct {
	Type  string
	Addr  string
	Prior cty.Value
	// Full asks for the record as the remote has it now even where Prior
	// says it can no longer change in normal operation (a confirmed
	// account): set by -refresh-only, whose purpose is to look. Without
	// it, a provider may answer such records from Prior with no request,
	// so that a plan's reads follow what can still change, not the size
	// of the state.
	Full bool
}

// ReadResponse is the refreshed state; a null NewState means the record no
// longer exists remotely.
type ReadResponse struct {
	NewState    cty.Value
	Diagnostics Diagnostics
}

// ResolveRequest asks what became of an interrupted create.
type ResolveRequest struct {
	Type string
	Addr string
	// Config is the configuration the create was sent with, wholly known.
	Config cty.Value
	// Started is when the intent was recorded, before the request was
	// sent; a matching record was created at or after it.
	Started time.Time
	// Replacing is the record this create replaces, as the state holds
	// it, when the create is a replace's (a replace keeps the old record
	// in the state until the new one exists); null or cty.NilVal for a
	// plain create. The record being replaced is never what the create
	// made: it is never adopted.
	Replacing cty.Value
	// HeldBy names the other address of the state that already holds the
	// remote record with this id (the id ImportResource takes, the
	// schema's RecordID attribute), or "" when none does. A record
	// another address holds belongs to someone else and is never adopted.
	// Nil means no other address holds anything.
	HeldBy func(id string) string
}

// Resolution is the outcome of ResolveResource.
type Resolution int

const (
	// NotCreated: the remote holds no record the request made; creating
	// again is safe.
	NotCreated Resolution = iota
	// Adopted: the record was found; NewState describes it.
	Adopted
	// Undecided: the remote cannot tell (the API offers no way to find
	// the record, or the search was ambiguous). The engine does not create
	// again unless the user asks with -replace.
	Undecided
)

// ResolveResponse is what ResolveResource found.
type ResolveResponse struct {
	Resolution Resolution
	NewState   cty.Value
	// Message says in plain words what was found ("adopted reference_code
	// EMP-260211-7874 created by an interrupted apply").
	Message     string
	Diagnostics Diagnostics
}

// ImportRequest adopts an existing record.
type ImportRequest struct {
	Type string
	Addr string
	ID   string
	// Config is the resource's configuration, when the configuration has
	// one (an account's password is needed to check it by logging in).
	Config cty.Value
}

// ImportResponse describes the adopted record.
type ImportResponse struct {
	NewState    cty.Value
	Diagnostics Diagnostics
}

// ReadDataRequest reads a data source.
type ReadDataRequest struct {
	Type   string
	Addr   string
	Config cty.Value
}

// ReadDataResponse is the data source's value (its Schema type).
type ReadDataResponse struct {
	State       cty.Value
	Diagnostics Diagnostics
}
