package providers

import (
	"slices"

	"github.com/zclconf/go-cty/cty"
)

// Schema describes what a provider accepts: its own configuration block and
// each resource type and data source it serves, keyed by type name
// (usapi_account, prakerja_profile).
type Schema struct {
	Provider    *Block
	Resources   map[string]*Block
	DataSources map[string]*Block
}

// Block describes the body of a block: its attributes and nested blocks.
// The value of a block is a cty object with one attribute per entry of
// Attributes and of Blocks.
type Block struct {
	Attributes  map[string]*Attribute
	Blocks      map[string]*NestedBlock
	Description string
}

// Attribute describes one attribute of a block.
type Attribute struct {
	Type cty.Type
	// Required, Optional and Computed say who sets the value: the user
	// must, the user may, or the provider does. Optional and Computed
	// together mean the provider fills what the user leaves out.
	Required bool
	Optional bool
	Computed bool
	// Sensitive values are rendered as (sensitive value) or, where the
	// provider stores a masked form, as that form. They are never printed
	// in clear by plan, show, output, logs or errors.
	Sensitive bool
	// WriteOnly inputs are sent to the API but never stored: the provider
	// puts a keyed digest of the value in its planned and new state
	// (see Digester), and compares digests to detect a change.
	WriteOnly bool
	// Upload marks a path of a file whose content the provider sends (a KTP
	// photo, a consent form): the path may be shown, the content never.
	// The engine masks the content in the provider's errors about the
	// request.
	Upload bool
	// RequiresReplace marks an attribute whose change needs a new remote
	// record: an input, or a Digest of one (a file's content changed). The
	// provider's PlanResponse.RequiresReplace is what decides; providers
	// derive it from this flag (Block.ReplaceNames), so that the schema is
	// the one place that says it.
	RequiresReplace bool
	// Digest marks a computed attribute that holds a keyed digest of an
	// input, which the plan sets (a NIK's, a file's content), as opposed
	// to a value the remote API sets (Block.RemoteNames).
	Digest bool
	// RecordID marks the top-level computed attribute of a resource that
	// holds the remote record's id: the id ImportResource takes (an
	// account's username, a verification's reference_code). The engine
	// reads it from the state to tell which address holds which record
	// (ResolveRequest.HeldBy). At most one per resource type.
	RecordID bool
	// Transport marks a provider setting that says how to reach the API
	// (where, with which credentials, how fast), not what the provider
	// plans: the digest that lets the engine plan an unchanged instance
	// without its provider leaves it out, so that a rotated token or a
	// new rate_limit does not make the next plan of a batch plan every
	// instance again.
	Transport   bool
	Description string
}

// NestedBlock describes a nested block that appears at most once, such as
// basic_profile or consent_metadata. Its value is an object, or null when
// the block is absent.
type NestedBlock struct {
	Block
	Required bool
}

// ImpliedType is the cty type of a value of the block.
func (b *Block) ImpliedType() cty.Type {
	attrs := make(map[string]cty.Type, len(b.Attributes)+len(b.Blocks))
	for name, a := range b.Attributes {
		attrs[name] = a.Type
	}
	for name, nb := range b.Blocks {
		attrs[name] = nb.ImpliedType()
	}
	return cty.Object(attrs)
}

// SensitivePaths lists the paths of the block's sensitive attributes,
// nested blocks included, in no particular order.
func (b *Block) SensitivePaths() []cty.Path {
	var paths []cty.Path
	for name, a := range b.Attributes {
		if a.Sensitive || a.WriteOnly {
			paths = append(paths, cty.GetAttrPath(name))
		}
	}
	for name, nb := range b.Blocks {
		for _, p := range nb.SensitivePaths() {
			paths = append(paths, append(cty.GetAttrPath(name), p...))
		}
	}
	return paths
}

// RecordIDAttribute is the name of the block's RecordID attribute, or ""
// when it has none.
func (b *Block) RecordIDAttribute() string {
	for name, a := range b.Attributes {
		if a.RecordID {
			return name
		}
	}
	return ""
}

// InputNames lists, sorted, the attributes the user sets (Required or
// Optional, Optional and Computed included) and the nested blocks.
func (b *Block) InputNames() []string {
	var names []string
	for name, a := range b.Attributes {
		if a.Required || a.Optional {
			names = append(names, name)
		}
	}
	for name := range b.Blocks {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// DigestNames lists, sorted, the Digest attributes.
func (b *Block) DigestNames() []string {
	return b.attributeNames(func(a *Attribute) bool { return a.Digest })
}

// RemoteNames lists, sorted, the attributes only the remote API sets:
// computed, not optional, not a Digest.
func (b *Block) RemoteNames() []string {
	return b.attributeNames(func(a *Attribute) bool { return a.Computed && !a.Optional && !a.Digest })
}

// ReplaceNames lists, sorted, the attributes marked RequiresReplace and
// the nested blocks holding one.
func (b *Block) ReplaceNames() []string {
	names := b.attributeNames(func(a *Attribute) bool { return a.RequiresReplace })
	for name, nb := range b.Blocks {
		if len(nb.ReplaceNames()) > 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func (b *Block) attributeNames(keep func(*Attribute) bool) []string {
	var names []string
	for name, a := range b.Attributes {
		if keep(a) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}
