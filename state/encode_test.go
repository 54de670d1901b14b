package state

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// referenceEncoding is r as json.Encoder writes it without HTML escaping,
// what resourceCodec must write byte for byte.
func referenceEncoding(r *Resource) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// sameAsEncoder fails unless resourceCodec writes r as json.Encoder
// does, and fails when it does.
func sameAsEncoder(t *testing.T, r *Resource) {
	t.Helper()
	want, wantErr := referenceEncoding(r)
	prefix := []byte("[prefix]")
	got, err := resourceCodec.NewEncoder().Append(prefix, r)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("resourceCodec: error %v; json.Encoder: error %v", err, wantErr)
	}
	if err == nil && string(got) != "[prefix]"+string(want) {
		t.Fatalf("resourceCodec wrote\n%s\njson.Encoder writes\n%s", got, want)
	}
}

func TestEncodeResourceAsEncoder(t *testing.T) {
	when := time.Date(2026, 11, 22, 10, 0, 0, 123, time.FixedZone("WIB", 7*3600))
	base := func() *Resource {
		return (&Resource{Address: `a.b["x"]`}).WithKind(Kind{Mode: "managed", Type: "a", Name: "b", Provider: "p"}).WithUpdatedAt(when)
	}
	tests := map[string]func(r *Resource){
		"bare": func(r *Resource) {},
		"zero": func(r *Resource) { *r = Resource{} },
		"every field": func(r *Resource) {
			r.SetIndexKey(json.RawMessage(`"x"`))
			r.SetConfigDigest("hmac-sha256:1")
			r.SetDependencies([]string{"a.c", `a.d["y"]`})
			r.SetAttributes(json.RawMessage(`{"k":[1,{"l":null}]}`))
			r.Settled = true
		},
		"pending": func(r *Resource) {
			r.SetPending(&Intent{ID: "i", Operation: "create", Started: when, RunID: "<r>", RequestDigest: "d"})
		},
		"sensitive": func(r *Resource) {
			r.SetSensitivePaths([][]any{{"password"}, {"list", 0.0}, {"map", map[string]any{"key": "<&>"}}})
		},
		"raw spaces":     func(r *Resource) { r.SetAttributes(json.RawMessage(" {\n  \"k\" : [ 1 , \"a b\" ]\n}\n")) },
		"raw null":       func(r *Resource) { r.SetAttributes(json.RawMessage(`null`)) },
		"raw invalid":    func(r *Resource) { r.SetAttributes(json.RawMessage(`{"k":}`)) },
		"raw two values": func(r *Resource) { r.SetAttributes(json.RawMessage(`{} {}`)) },
		"raw deep": func(r *Resource) {
			r.SetAttributes(json.RawMessage(append(bytes.Repeat([]byte("["), 1200), bytes.Repeat([]byte("]"), 1200)...)))
		},
		"raw html": func(r *Resource) {
			r.SetAttributes(json.RawMessage(`{"h":"<a href='x'>&amp;</a>","u":"\u2028 \u2029"}`))
		},
		"html":           func(r *Resource) { k := r.Kind(); k.Name = "<b>&</b>"; r.SetKind(k) },
		"escapes":        func(r *Resource) { k := r.Kind(); k.Name = "\"\\/\b\f\n\r\t\x00\x1f\x7f"; r.SetKind(k) },
		"unicode":        func(r *Resource) { r.Address = `a.b["café 😀"]` },
		"line separator": func(r *Resource) { k := r.Kind(); k.Name = "a\u2028b\u2029"; r.SetKind(k) },
		"invalid utf-8":  func(r *Resource) { k := r.Kind(); k.Name = "a\xffb\xc3"; r.SetKind(k) },
		"empty slices": func(r *Resource) {
			r.SetIndexKey(json.RawMessage{})
			r.SetDependencies([]string{})
			r.SetSensitivePaths([][]any{})
		},
		"year 10000": func(r *Resource) { r.SetUpdatedAt(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)) },
		"zero time":  func(r *Resource) { r.SetUpdatedAt(time.Time{}) },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			r := base()
			change(r)
			sameAsEncoder(t, r)
		})
	}
}

// The codec's fast encoder must write what daftar keeps by itself, or
// writing is slow.
func TestEncodeResourceWritesDaftarResources(t *testing.T) {
	r := (&Resource{Address: `usapi_account.hire["ani"]`, Settled: true}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "hire", Provider: "usapi"}).WithIndexKey(json.RawMessage(`"ani"`)).WithUpdatedAt(time.Now().UTC()).WithConfigDigest(testDigest).WithDependencies([]string{"usapi_account.admin"}).WithAttributes(json.RawMessage(`{"username":"ani","n":[1.5e3]}`))
	if _, ok := resourceCodec.NewEncoder().AppendFast(nil, r); !ok {
		t.Fatal("the fast encoder declined a resource daftar writes")
	}
}

// TestResourceCodecCurrent fails when Resource has changed and
// resourceCodec's list of fields did not follow: until it does,
// encoding/json does the codec's work, slowly.
func TestResourceCodecCurrent(t *testing.T) {
	if err := resourceCodec.Check(); err != nil {
		t.Errorf("%v: update resourceCodec (resourcecodec.go)", err)
	}
}
