package state

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// referenceEncoding is r as json.Encoder writes it without HTML escaping,
// what resourceEncoder must write byte for byte.
func referenceEncoding(r *Resource) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// sameAsEncoder fails unless resourceEncoder writes r as json.Encoder
// does, and fails when it does.
func sameAsEncoder(t *testing.T, r *Resource) {
	t.Helper()
	want, wantErr := referenceEncoding(r)
	prefix := []byte("[prefix]")
	got, err := newResourceEncoder().append(prefix, r)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("resourceEncoder: error %v; json.Encoder: error %v", err, wantErr)
	}
	if err == nil && string(got) != "[prefix]"+string(want) {
		t.Fatalf("resourceEncoder wrote\n%s\njson.Encoder writes\n%s", got, want)
	}
}

func TestEncodeResourceAsEncoder(t *testing.T) {
	when := time.Date(2026, 11, 22, 10, 0, 0, 123, time.FixedZone("WIB", 7*3600))
	base := func() *Resource {
		return &Resource{Address: `a.b["x"]`, Mode: "managed", Type: "a", Name: "b", Provider: "p", UpdatedAt: when}
	}
	tests := map[string]func(r *Resource){
		"bare": func(r *Resource) {},
		"zero": func(r *Resource) { *r = Resource{} },
		"every field": func(r *Resource) {
			r.IndexKey, r.Attributes, r.ConfigDigest, r.Dependencies = json.RawMessage(`"x"`), json.RawMessage(`{"k":[1,{"l":null}]}`), "hmac-sha256:1", []string{"a.c", `a.d["y"]`}
			r.Settled = true
		},
		"pending": func(r *Resource) {
			r.Pending = &Intent{ID: "i", Operation: "create", Started: when, RunID: "<r>", RequestDigest: "d"}
		},
		"sensitive": func(r *Resource) {
			r.SensitivePaths = [][]any{{"password"}, {"list", 0.0}, {"map", map[string]any{"key": "<&>"}}}
		},
		"raw spaces":     func(r *Resource) { r.Attributes = json.RawMessage(" {\n  \"k\" : [ 1 , \"a b\" ]\n}\n") },
		"raw null":       func(r *Resource) { r.Attributes = json.RawMessage(`null`) },
		"raw invalid":    func(r *Resource) { r.Attributes = json.RawMessage(`{"k":}`) },
		"raw two values": func(r *Resource) { r.Attributes = json.RawMessage(`{} {}`) },
		"raw deep": func(r *Resource) {
			r.Attributes = json.RawMessage(bytes.Repeat([]byte("["), 1200))
			r.Attributes = append(r.Attributes, bytes.Repeat([]byte("]"), 1200)...)
		},
		"raw html":       func(r *Resource) { r.Attributes = json.RawMessage(`{"h":"<a href='x'>&amp;</a>","u":"\u2028 \u2029"}`) },
		"html":           func(r *Resource) { r.Name = "<b>&</b>" },
		"escapes":        func(r *Resource) { r.Name = "\"\\/\b\f\n\r\t\x00\x1f\x7f" },
		"unicode":        func(r *Resource) { r.Address = `a.b["café 😀"]` },
		"line separator": func(r *Resource) { r.Name = "a\u2028b\u2029" },
		"invalid utf-8":  func(r *Resource) { r.Name = "a\xffb\xc3" },
		"empty slices": func(r *Resource) {
			r.Dependencies, r.SensitivePaths, r.IndexKey = []string{}, [][]any{}, json.RawMessage{}
		},
		"year 10000": func(r *Resource) { r.UpdatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"zero time":  func(r *Resource) { r.UpdatedAt = time.Time{} },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			r := base()
			change(r)
			sameAsEncoder(t, r)
		})
	}
}

// The hand-written encoder must write what daftar keeps by itself, or
// writing is slow.
func TestEncodeResourceWritesDaftarResources(t *testing.T) {
	r := &Resource{Address: `usapi_account.hire["ani"]`, Mode: "managed", Type: "usapi_account", Name: "hire",
		IndexKey: json.RawMessage(`"ani"`), Provider: "usapi", Attributes: json.RawMessage(`{"username":"ani","n":[1.5e3]}`),
		ConfigDigest: "hmac-sha256:1", Settled: true, Dependencies: []string{"usapi_account.admin"}, UpdatedAt: time.Now().UTC()}
	if _, ok := newResourceEncoder().appendResource(nil, r); !ok {
		t.Fatal("appendResource declined a resource daftar writes")
	}
}

func FuzzEncodeResource(f *testing.F) {
	f.Add(`a.b["x"]`, "managed", "hire", `"x"`, `{"k":[1,"v"]}`, "a.c", true, int64(0))
	f.Add("a\u2028", "\x00", "é", `1`, " { } ", `\"`, false, int64(-1))
	f.Add("\xff", "<>", "&", `null`, `{"a":}`, "", false, int64(1<<62))
	f.Fuzz(func(t *testing.T, addr, mode, name, key, attrs, dep string, settled bool, nanos int64) {
		r := &Resource{Address: addr, Mode: mode, Name: name, IndexKey: json.RawMessage(key),
			Attributes: json.RawMessage(attrs), Settled: settled, Dependencies: []string{dep}, UpdatedAt: time.Unix(0, nanos).UTC()}
		sameAsEncoder(t, r)
	})
}

// TestResourceFieldsHandled fails when Resource has changed and the
// hand-written decoder and encoder were not brought up to date: until
// they are, encoding/json does their work, slowly.
func TestResourceFieldsHandled(t *testing.T) {
	if !handCodecCurrent {
		t.Errorf("Resource's fields are now\n%s\nUpdate decodeResource (decoderesource.go), appendResource (encoderesource.go), their tests, then resourceFieldsHandled (resourcefields.go)",
			strings.Join(resourceFields(), "\n"))
	}
}
