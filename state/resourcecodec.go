package state

import "github.com/daftar-dev/daftar/internal/codec"

// resourceCodec reads and writes a Resource exactly as encoding/json does,
// several times faster (internal/codec), for the snapshot's resources. It
// lists Resource's fields in order: a field added to Resource must be added
// here too. Until it is, TestResourceCodecCurrent fails and encoding/json
// reads and writes every resource: slower, but nothing is lost or misread.
var resourceCodec = codec.NewObject(
	codec.F("Address", func(r *Resource) any { return &r.Address }),
	codec.ViaFrom(moreOf, newMore, codec.F("Module", func(m *resourceMore) any { return &m.Module }).Shared()),
	// The record's Kind, held once for the records of a resource.
	codec.F("mode", func(r *Resource) any { return &r.mode }).Tag("mode").
		Load((*Resource).modeJSON).Emit((*Resource).appendMode).Parse((*Resource).parseMode),
	codec.F("typ", func(r *Resource) any { return &r.typ }).Tag("type").
		Load((*Resource).typeJSON).Emit((*Resource).appendType).Parse((*Resource).parseType),
	codec.F("name", func(r *Resource) any { return &r.name }).Tag("name").
		Load((*Resource).nameJSON).Emit((*Resource).appendName).Parse((*Resource).parseName),
	// A key is in the address (usapi_account.person["p0000000"]): the
	// record holds its length.
	codec.F("indexKey", func(r *Resource) any { return &r.indexKey }).Tag("index_key,omitempty").
		Load((*Resource).indexKeyJSON).Parse((*Resource).parseIndexKey),
	codec.F("provider", func(r *Resource) any { return &r.provider }).Tag("provider").
		Load((*Resource).providerJSON).Emit((*Resource).appendProvider).Parse((*Resource).parseProvider),
	codec.F("attrs", func(r *Resource) any { return &r.attrs }).Tag("attributes,omitempty").
		Load((*Resource).Attributes).Store((*Resource).SetAttributes).Place(placeAttributes),
	codec.ViaFrom(moreOf, newMore, codec.F("SensitivePaths", func(m *resourceMore) any { return &m.SensitivePaths })),
	codec.F("digest", func(r *Resource) any { return &r.digest }).Tag("config_digest,omitempty").
		Load((*Resource).digestJSON).Emit((*Resource).appendDigestJSON).Parse((*Resource).parseDigestJSON),
	codec.F("Settled", func(r *Resource) any { return &r.Settled }),
	codec.Skip[Resource]("digestForm"),
	codec.Skip[Resource]("keyLen"),
	codec.Skip[Resource]("timeForm"),
	codec.ViaFrom(moreOf, newMore, codec.F("Dependencies", func(m *resourceMore) any { return &m.Dependencies }).Shared()),
	codec.ViaFrom(moreOf, newMore, codec.F("Pending", func(m *resourceMore) any { return &m.Pending })),
	codec.F("updated", func(r *Resource) any { return &r.updated }).Tag("updated_at").
		Load((*Resource).updatedAtJSON).Emit((*Resource).appendUpdatedAt).Parse((*Resource).parseUpdatedAt),
	codec.Skip[Resource]("kind"),
	codec.Skip[Resource]("more"),
)
