package state

import "github.com/daftar-dev/daftar/internal/codec"

// resourceCodec reads and writes a Resource exactly as encoding/json does,
// several times faster (internal/codec), for the snapshot's resources. It
// lists Resource's fields in order: a field added to Resource must be added
// here too. Until it is, TestResourceCodecCurrent fails and encoding/json
// reads and writes every resource: slower, but nothing is lost or misread.
var resourceCodec = codec.NewObject(
	codec.F("Address", func(r *Resource) any { return &r.Address }),
	codec.Via(moreOf, codec.F("Module", func(m *resourceMore) any { return &m.Module }).Shared()),
	codec.F("Mode", func(r *Resource) any { return &r.Mode }).Shared(),
	codec.F("Type", func(r *Resource) any { return &r.Type }).Shared(),
	codec.F("Name", func(r *Resource) any { return &r.Name }).Shared(),
	// A key is in the address (usapi_account.person["p0000000"]): the
	// record holds its length.
	codec.F("indexKey", func(r *Resource) any { return &r.indexKey }).Tag("index_key,omitempty").
		Load((*Resource).indexKeyJSON).Parse((*Resource).parseIndexKey),
	codec.F("Provider", func(r *Resource) any { return &r.Provider }).Shared(),
	codec.F("attrs", func(r *Resource) any { return &r.attrs }).Tag("attributes,omitempty").
		Load((*Resource).Attributes).Store((*Resource).SetAttributes).Place(placeAttributes),
	codec.Via(moreOf, codec.F("SensitivePaths", func(m *resourceMore) any { return &m.SensitivePaths })),
	codec.F("digest", func(r *Resource) any { return &r.digest }).Tag("config_digest,omitempty").
		Load((*Resource).digestJSON).Emit((*Resource).appendDigestJSON).Parse((*Resource).parseDigestJSON),
	codec.F("Settled", func(r *Resource) any { return &r.Settled }),
	codec.Skip[Resource]("digestForm"),
	codec.Skip[Resource]("keyLen"),
	codec.Skip[Resource]("timeForm"),
	codec.Via(moreOf, codec.F("Dependencies", func(m *resourceMore) any { return &m.Dependencies }).Shared()),
	codec.Via(moreOf, codec.F("Pending", func(m *resourceMore) any { return &m.Pending })),
	codec.F("updated", func(r *Resource) any { return &r.updated }).Tag("updated_at").
		Load((*Resource).updatedAtJSON).Emit((*Resource).appendUpdatedAt).Parse((*Resource).parseUpdatedAt),
	codec.Skip[Resource]("more"),
)
