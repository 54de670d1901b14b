// Package codec holds daftar's fast codecs: the hand-written JSON readers
// and writers that make a large state cheap to load, save and plan, and the
// lazy values that let a plan leave what it does not look at encoded.
//
//   - Object[T] reads and writes the state's records (state.Resource) several
//     times faster than encoding/json; FindArray and Object.DecodeArray split
//     a snapshot's "resources" array and decode it on every core.
//   - DecodeJSON reads a record's attributes (cty JSON) into a cty value of
//     the schema's type in one pass.
//   - AppendCanonical and CanonicalEncoder encode a configuration for the
//     planner's fingerprints (an unchanged instance is planned without its
//     provider).
//   - Lazy is a value left encoded until something decodes it.
//
// The equivalence promise: each codec gives exactly what the reference it
// replaces gives, or declines and lets the reference do the work.
// Object's Decoder gives what json.Unmarshal gives into a zero T (its
// error included), with json.RawMessage fields compacted and repeated
// strings shared; its Encoder writes what a json.Encoder with
// SetEscapeHTML(false) writes, byte for byte, or fails as it does;
// FindArray and DecodeArray accept a document only when json.Unmarshal
// reads it to the same value. DecodeJSON reads valid JSON as
// ctyjson.Unmarshal does, and never accepts what ctyjson refuses. A
// CanonicalEncoder writes AppendCanonical's bytes, which differ between
// any two different values. fuzz_test.go checks all of it against
// encoding/json and ctyjson; a change here keeps those fuzzers quiet.
//
// The package knows nothing of the state, plans, HCL or HTTP: state and
// planner describe their types to it (state/resourcecodec.go), not the
// reverse. Objects are immutable and safe for concurrent use; Decoders,
// Encoders and JSON appenders are one per goroutine; a Lazy is immutable
// and its Decode safe for concurrent use.
package codec
