package state

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// testDigest is a digest as daftar writes one: held as its bytes.
const testDigest = "hmac-sha256:0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978"

// digests are digests of every form a state may hold.
var digests = []string{
	"",
	testDigest,
	"hmac-sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"hmac-sha256:0000000000000000000000000000000000000000000000000000000000000000",
	strings.ToUpper(testDigest), // capitals: held as text
	"hmac-sha256:0123456789ABCDEF00112233445566778899aabbccddeeff0f1e2d3c4b5a6978", // some capitals
	testDigest[:len(testDigest)-1],       // a digit short
	testDigest + "0",                     // a digit more
	testDigest[:len(testDigest)-1] + "g", // not hexadecimal
	"hmac-sha512:0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978", // another scheme of the same length
	"sha256:" + testDigest[len("hmac-sha256:"):],                                   // an older daftar's
	"hmac-sha256:0123456789abcdef",                                                 // a test's
	"hmac-sha256:",
	`a"b\c <&> ` + "\u2028\x01 é", // escaped when written
}

// TestConfigDigestForms checks each form of digest: given back as set,
// compared with HasConfigDigest and HasConfigDigestBytes (equal to itself
// only), written by resourceCodec as encoding/json writes its text, read
// back by resourceCodec's decoder and by json.Unmarshal as it was, and
// written again byte for byte; a digest as daftar writes one held as its
// bytes, with no seldom set block.
func TestConfigDigestForms(t *testing.T) {
	when := time.Date(2026, 12, 6, 10, 0, 0, 123, time.UTC)
	for _, d := range digests {
		t.Run(d, func(t *testing.T) {
			r := (&Resource{Address: `a.b["x"]`}).WithKind(Kind{Mode: "managed", Type: "a", Name: "b", Provider: "p"}).WithUpdatedAt(when).WithConfigDigest(d)
			if got := r.ConfigDigest(); got != d {
				t.Fatalf("ConfigDigest() = %q", got)
			}
			if sum := d == testDigest || len(d) == digestLen && strings.HasPrefix(d, "hmac-sha256:") && strings.Trim(d[12:], "0123456789abcdef") == ""; sum != (r.digestForm == digestSum) || sum && r.more != nil {
				t.Errorf("held as form %d with the block %v", r.digestForm, r.more)
			}
			for _, other := range digests {
				if r.HasConfigDigest(other) != (other == d) || r.HasConfigDigestBytes([]byte(other)) != (other == d) {
					t.Errorf("HasConfigDigest(%q) = %v, HasConfigDigestBytes = %v", other, r.HasConfigDigest(other), r.HasConfigDigestBytes([]byte(other)))
				}
			}
			sameAsEncoder(t, r)
			data, err := resourceCodec.NewEncoder().Append(nil, r)
			if err != nil {
				t.Fatal(err)
			}
			if d != "" && !strings.Contains(string(data), `"config_digest":`) || d == "" && strings.Contains(string(data), "config_digest") {
				t.Fatalf("written as %s", data)
			}
			var fast, slow Resource
			if err := resourceCodec.NewDecoder().Decode(data, &fast); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &slow); err != nil {
				t.Fatal(err)
			}
			for _, back := range []*Resource{&fast, &slow} {
				again, err := resourceCodec.NewEncoder().Append(nil, back)
				if back.ConfigDigest() != d || err != nil || string(again) != string(data) {
					t.Errorf("read back as %q, written again as\n%s\nwant\n%s", back.ConfigDigest(), again, data)
				}
			}
		})
	}
}

// TestSetConfigDigestKeepsTheBlock checks that a digest set over another
// of the other form, and cleared, leaves the record's other seldom set
// fields as they were and no block of its own: a record whose one seldom
// field was its digest's text holds none once the digest is daftar's.
func TestSetConfigDigestKeepsTheBlock(t *testing.T) {
	r := &Resource{Address: "a.b"}
	for _, d := range []string{"hmac-sha256:1", testDigest, "sha256:2", "", "hmac-sha256:3"} {
		r.SetConfigDigest(d)
		if r.ConfigDigest() != d || r.Module() != "" {
			t.Fatalf("set %q: %q, module %q", d, r.ConfigDigest(), r.Module())
		}
	}
	r.SetConfigDigest(testDigest)
	if r.more != nil {
		t.Fatalf("a digest held as its bytes left the block %+v", r.more)
	}
	r.SetModule(`module.m["k"]`)
	for _, d := range []string{"hmac-sha256:1", testDigest, "sha256:2", ""} {
		r.SetConfigDigest(d)
		if r.ConfigDigest() != d || r.Module() != `module.m["k"]` {
			t.Fatalf("set %q over a module: %q, module %q", d, r.ConfigDigest(), r.Module())
		}
	}
	shared := *r // a copy shares the block: setting one's digest leaves the other's
	r.SetConfigDigest("hmac-sha256:4")
	if shared.ConfigDigest() != "" || r.ConfigDigest() != "hmac-sha256:4" {
		t.Fatalf("the copy's digest is %q, the record's %q", shared.ConfigDigest(), r.ConfigDigest())
	}
}

// TestConfigDigestNotAString checks that a config_digest that is not a
// string is refused as json.Unmarshal refuses it for a string field, and
// that a null is no digest, by the codec's decoder and json.Unmarshal.
func TestConfigDigestNotAString(t *testing.T) {
	for value, wantErr := range map[string]bool{`5`: true, `{}`: true, `[]`: true, `true`: true, `null`: false, `"\u0068mac-sha256:0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978"`: false} {
		data := []byte(`{"address":"a.b","mode":"managed","type":"a","name":"b","provider":"p","config_digest":` + value + `,"updated_at":"2026-12-06T10:00:00Z"}`)
		var ref struct {
			ConfigDigest string `json:"config_digest"`
		}
		refErr := json.Unmarshal(data, &ref)
		var fast, slow Resource
		fastErr := resourceCodec.NewDecoder().Decode(data, &fast)
		slowErr := json.Unmarshal(data, &slow)
		if (refErr != nil) != wantErr || (fastErr != nil) != wantErr || (slowErr != nil) != wantErr {
			t.Errorf("%s: errors %v, %v, %v", value, refErr, fastErr, slowErr)
			continue
		}
		if !wantErr && (fast.ConfigDigest() != ref.ConfigDigest || slow.ConfigDigest() != ref.ConfigDigest) {
			t.Errorf("%s: read as %q and %q, want %q", value, fast.ConfigDigest(), slow.ConfigDigest(), ref.ConfigDigest)
		}
	}
}

// BenchmarkDecodeResource decodes a settled verification as daftar writes
// it (the shape of scripts/bench.sh's batch with dependents), its digest
// held as its bytes, as a load's workers do.
func BenchmarkDecodeResource(b *testing.B) {
	data := []byte(`{"address":"proofylink_verification.person[\"p0000000\"]","mode":"managed","type":"proofylink_verification","name":"person","index_key":"p0000000","provider":"proofylink","attributes":{"consent":"upload","email":"p0000000@example.id","id_number":"3273********0001","id_number_digest":"hmac-sha256:5f962660a977dcbb4db080f46f33b902f389370789999ccee445777889f60307","status":"completed"},"config_digest":"hmac-sha256:ec43fab15fe154e6a12878e2f91f355f0decf67bdd860e4da226674e3a50d15a","settled":true,"dependencies":["usapi_account.person"],"updated_at":"2026-12-06T18:07:27.867628598Z"}`)
	d := resourceCodec.NewDecoder()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var r Resource
		if !d.DecodeFast(data, &r) {
			b.Fatal("declined")
		}
	}
}

// FuzzConfigDigest checks any text as a record's digest: given back as
// set, written by the codec as encoding/json writes it, read back by the
// codec's decoder and by json.Unmarshal as encoding/json reads a string
// field, and equal by HasConfigDigest to that alone.
func FuzzConfigDigest(f *testing.F) {
	for _, d := range digests {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, d string) {
		r := (&Resource{Address: "a.b"}).WithKind(Kind{Mode: "managed", Type: "a", Name: "b", Provider: "p"}).WithConfigDigest(d)
		if r.ConfigDigest() != d || !r.HasConfigDigest(d) || !r.HasConfigDigestBytes([]byte(d)) || r.HasConfigDigest(d+"0") {
			t.Fatalf("set %q: %q", d, r.ConfigDigest())
		}
		sameAsEncoder(t, r)
		data, err := resourceCodec.NewEncoder().Append(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		var ref struct {
			ConfigDigest string `json:"config_digest"`
		}
		if err := json.Unmarshal(data, &ref); err != nil {
			t.Fatal(err)
		}
		var fast, slow Resource
		if err := resourceCodec.NewDecoder().Decode(data, &fast); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &slow); err != nil {
			t.Fatal(err)
		}
		if fast.ConfigDigest() != ref.ConfigDigest || slow.ConfigDigest() != ref.ConfigDigest {
			t.Fatalf("%s read back as %q and %q, want %q", data, fast.ConfigDigest(), slow.ConfigDigest(), ref.ConfigDigest)
		}
	})
}
