package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/codec"
)

// Attributes returns the record's attributes: the provider's state object
// as cty JSON, or nil while only a pending intent exists. Those of a record
// read from a snapshot file in plain text may have been left in the file
// (attrSpan), and are read back from it here: the error says why they
// could not be, and the caller must not take the record for one without
// attributes. The bytes are the caller's to read, not to change.
func (r *Resource) Attributes() (json.RawMessage, error) {
	if !r.attrs.inFile() {
		return r.attrs.bytes(), nil
	}
	a, err := r.attrs.span().read()
	if err != nil {
		return nil, fmt.Errorf("could not read the attributes of %s back from the state file: %w", r.Address, err)
	}
	return a, nil
}

// SetAttributes sets the record's attributes (nil for none: a pending
// intent). The record keeps a, which the caller must not change after.
func (r *Resource) SetAttributes(a json.RawMessage) {
	r.attrs = memAttrs(a)
}

// HasAttributes reports whether the record holds a value (attributes
// neither empty nor null), not only an intent, without reading them back
// (those left in a file are an object).
func (r *Resource) HasAttributes() bool {
	if r.attrs.inFile() {
		return true
	}
	raw := bytes.TrimSpace(r.attrs.bytes())
	return len(raw) > 0 && string(raw) != "null"
}

// SameAttributes reports whether r and o have the same attributes, byte
// for byte; records whose attributes are the same span of the same file
// are compared without reading them.
func (r *Resource) SameAttributes(o *Resource) (bool, error) {
	if r.attrs.inFile() && r.attrs == o.attrs {
		return true, nil
	}
	a, err := r.Attributes()
	if err != nil {
		return false, err
	}
	b, err := o.Attributes()
	if err != nil {
		return false, err
	}
	return string(a) == string(b), nil
}

// CopyAttributes gives r the attributes of o, without reading them back
// when they are left in a file.
func (r *Resource) CopyAttributes(o *Resource) {
	r.attrs = o.attrs
}

// HoldAttributes reads back every record's attributes left in the snapshot
// file, and keeps them in memory: for a command that reads them all, and
// has no way to stop on an error while it does.
func (s *State) HoldAttributes() error {
	for _, r := range s.Resources {
		if !r.attrs.inFile() {
			continue
		}
		a, err := r.Attributes()
		if err != nil {
			return err
		}
		r.SetAttributes(bytes.Clone(a)) // not the window of the file it was read from
	}
	return nil
}

// resourceJSON is Resource as encoding/json reads and writes it: the same
// fields, names and tags, its attributes exported. TestResourceJSONCurrent
// checks that it follows Resource.
type resourceJSON struct {
	Address        string          `json:"address"`
	Module         string          `json:"module,omitempty"`
	Mode           string          `json:"mode"`
	Type           string          `json:"type"`
	Name           string          `json:"name"`
	IndexKey       json.RawMessage `json:"index_key,omitempty"`
	Provider       string          `json:"provider"`
	Attributes     json.RawMessage `json:"attributes,omitempty"`
	SensitivePaths [][]any         `json:"sensitive_paths,omitempty"`
	ConfigDigest   string          `json:"config_digest,omitempty"`
	Settled        bool            `json:"settled,omitempty"`
	Dependencies   []string        `json:"dependencies,omitempty"`
	Pending        *Intent         `json:"pending,omitempty"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// MarshalJSON writes r as encoding/json writes a struct of its fields,
// its attributes read back if need be. HTML characters are left as they
// are: the encoder that called it escapes them, or not, as it would have
// escaped the fields'.
func (r Resource) MarshalJSON() ([]byte, error) {
	attrs, err := r.Attributes()
	if err != nil {
		return nil, err
	}
	w := resourceJSON{Address: r.Address, Module: r.Module(), Mode: r.Mode(), Type: r.Type(), Name: r.Name(), IndexKey: r.IndexKey(),
		Provider: r.Provider(), Attributes: attrs, SensitivePaths: r.SensitivePaths(), ConfigDigest: r.ConfigDigest(),
		Settled: r.Settled, Dependencies: r.Dependencies(), Pending: r.Pending(), UpdatedAt: r.UpdatedAt()}
	return codec.NewJSON("", "").Append(nil, &w)
}

// UnmarshalJSON reads r as encoding/json reads a struct of its fields.
func (r *Resource) UnmarshalJSON(data []byte) error {
	w := resourceJSON{Address: r.Address, Module: r.Module(), Mode: r.Mode(), Type: r.Type(), Name: r.Name(), IndexKey: r.IndexKey(),
		Provider: r.Provider(), Attributes: r.attrs.bytes(), SensitivePaths: r.SensitivePaths(), ConfigDigest: r.ConfigDigest(),
		Settled: r.Settled, Dependencies: r.Dependencies(), Pending: r.Pending(), UpdatedAt: r.UpdatedAt()}
	at := r.attrs
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = Resource{Address: w.Address, attrs: memAttrs(w.Attributes), Settled: w.Settled}
	r.SetKind(Kind{Mode: w.Mode, Type: w.Type, Name: w.Name, Provider: w.Provider})
	if more := (resourceMore{Module: w.Module, SensitivePaths: w.SensitivePaths, Dependencies: w.Dependencies, Pending: w.Pending}); !more.empty() {
		r.more = &more
	}
	r.SetIndexKey(w.IndexKey)
	r.SetUpdatedAt(w.UpdatedAt)
	r.SetConfigDigest(w.ConfigDigest)
	if w.Attributes == nil && at.inFile() {
		r.attrs = at // none read: those it had stay
	}
	return nil
}

// WithAttributes sets the record's attributes (SetAttributes) and returns
// it: &state.Resource{...}).WithAttributes(a) builds a record.
func (r *Resource) WithAttributes(a json.RawMessage) *Resource {
	r.SetAttributes(a)
	return r
}
