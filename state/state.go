package state

import (
	"encoding/json"
	"sort"
	"time"
)

// Version is the state format version this build writes and reads. A
// reader refuses a newer version in plain words.
const Version = 1

// State is everything daftar remembers.
type State struct {
	Version int    `json:"version"`
	Serial  uint64 `json:"serial"`
	Lineage string `json:"lineage"`
	// DigestKeyID is the fingerprint of the digest key the state's keyed
	// digests were made with (secrets.Digester.KeyID), never the key
	// itself. A command that finds another key's fingerprint refuses to
	// plan: every digest would differ, and every verification be replaced.
	// Empty in a state written before it was recorded.
	DigestKeyID string `json:"-"`
	// Resources are keyed by instance address (usapi_account.hire["ani"]).
	Resources map[string]*Resource `json:"-"`
	// Outputs are the output values of the last apply.
	Outputs map[string]*Output `json:"-"`
}

// Resource is one managed resource instance.
type Resource struct {
	// Address is the instance address, the key in State.Resources.
	Address string `json:"address"`
	// The module instance that holds the resource is Module() (in the
	// JSON, "module" comes here).
	// Mode() ("mode"), Type() ("type") and Name() ("name") come here,
	// and Provider() ("provider") after IndexKey(): the record's Kind,
	// which every record of a resource repeats, held once (kind). The
	// four fields take no space.
	mode struct{}
	typ  struct{}
	name struct{}
	// IndexKey() ("index_key") comes here: the count index (a JSON number)
	// or for_each key (a JSON string), empty for a resource with neither.
	// indexKey takes no space; keyLen holds it.
	indexKey struct{}
	provider struct{}
	// attrs is the provider's state object as cty JSON, empty while only
	// a pending intent exists: Attributes reads it, SetAttributes sets it.
	// It may be left in the snapshot file the record was read from
	// (attrRef): a settled record's attributes are seldom read, and at a
	// million records they are 380 MB.
	attrs attrRef // "attributes", omitempty: resourceJSON
	// SensitivePaths() ("sensitive_paths") come here.
	// digest is ConfigDigest() ("config_digest") as its 32 bytes, when
	// digestForm is digestSum (configdigest.go).
	digest [32]byte
	// Settled is set when the record's provider said a refresh would not
	// read it again (a USAPI account seen registered): a plan of an
	// unchanged instance then needs neither its provider nor its decoded
	// attributes. -refresh-only reads it anyway.
	Settled bool `json:"settled,omitempty"`
	// digestForm says how the record holds its digest: none, its bytes
	// (digest), or its text (more); beside Settled, in bytes that would be
	// padding, as are keyLen and timeForm.
	digestForm uint8
	// keyLen, when not 0, says that IndexKey() is the address's last
	// keyLen bytes before its closing bracket (usapi_account.person["p0"]
	// holds "p0", a count's address [3] holds 3): the record holds no
	// copy of it, nor a slice header. Any other key is more's.
	keyLen uint16
	// timeForm says where UpdatedAt() is: nowhere (the zero time), in
	// updated, or in more (a time not in UTC).
	timeForm uint8
	// Dependencies() ("dependencies") and Pending() ("pending") come here.
	// updated is UpdatedAt() ("updated_at") in nanoseconds since 1970, in
	// UTC (timeForm timeUnix): 8 bytes, where a time.Time takes 24.
	updated int64
	// kind is the record's Kind interned: 8 bytes, shared with every
	// record of the resource.
	kind kindHandle
	// more holds the fields seldom set (resourceMore); nil while all are
	// empty, as a batch's records are: 56 bytes less a record.
	more *resourceMore
}

// Intent records a non-idempotent request about to be sent.
type Intent struct {
	// ID is unique per intent.
	ID string `json:"id"`
	// Operation is "create" (a replace is a create too).
	Operation string `json:"operation"`
	// Started is when the intent was written, before the request.
	Started time.Time `json:"started"`
	// RunID identifies the apply run that wrote it.
	RunID string `json:"run_id"`
	// RequestDigest is a keyed digest of the configuration sent, never
	// the configuration itself.
	RequestDigest string `json:"request_digest"`
	// Acknowledged is set when the API answered the request with a
	// success whose record could not be read (see
	// providers.ApplyResponse.Acknowledged): the record exists, so a
	// search that does not find it cannot mean "not created".
	Acknowledged bool `json:"acknowledged,omitempty"`
}

// Output is an output value.
type Output struct {
	Value     json.RawMessage `json:"value"`
	Type      json.RawMessage `json:"type"`
	Sensitive bool            `json:"sensitive,omitempty"`
}

// New returns an empty state with a fresh lineage.
func New() *State {
	return &State{Version: Version, Lineage: NewLineage(), Resources: map[string]*Resource{}, Outputs: map[string]*Output{}}
}

// Addresses lists the resource addresses in sorted order.
func (s *State) Addresses() []string {
	addrs := make([]string, 0, len(s.Resources))
	for a := range s.Resources {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	return addrs
}
