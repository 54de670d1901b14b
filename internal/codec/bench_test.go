package codec

import (
	"bytes"
	"encoding/json"
	"testing"
	"unsafe"
)

// A settled verification as daftar writes it in the state (the shape of
// scripts/bench.sh's batch with dependents): the records a load decodes
// most, their attributes checked as they are read.
const benchRecord = `{"address":"proofylink_verification.person[\"p0000000\"]","mode":"managed","type":"proofylink_verification","name":"person","index_key":"p0000000","provider":"proofylink","attributes":{"allow_repeat":null,"archive_reports":null,"consent":"upload","consent_metadata":null,"consent_method":"signed_document","created_at":"2026-12-06T18:06:11.000000Z","credibility_level":"E","credibility_score":1,"email":"p0000000@example.id","evidence":null,"failed_message":null,"final_decision":null,"form_consent":"consent/form.pdf","form_consent_sha256":"hmac-sha256:42696a942520c1de4f71b9a7dc376d5afb693255da1164eaea40004081831911","full_name":"Nama0 Keluarga0","id_number":"3273********0001","id_number_digest":"hmac-sha256:5f962660a977dcbb4db080f46f33b902f389370789999ccee445777889f60307","ktp_image":"ktp/p1.jpg","ktp_image_sha256":"hmac-sha256:c0692c9315ae96ee44eec3340dae7ee70d236681f332e58510a14e214ac216ff","phone_number":"6281000000000","reference_code":"EMP-261206-0001","status":"completed","updated_at":"2026-12-06T18:06:11.000000Z","verification_type_id":1,"wait_for_result":null},"config_digest":"hmac-sha256:ec43fab15fe154e6a12878e2f91f355f0decf67bdd860e4da226674e3a50d15a","settled":true,"dependencies":["usapi_account.person"],"updated_at":"2026-12-06T18:07:27.867628598Z"}`

// BenchmarkDecodeRecord decodes that record, as a load's workers do.
func BenchmarkDecodeRecord(b *testing.B) {
	d := recordCodec.NewDecoder()
	data := []byte(benchRecord)
	b.SetBytes(int64(len(data)))
	var r record
	for b.Loop() {
		if !d.DecodeFast(data, &r) {
			b.Fatal("declined")
		}
	}
}

// plainRun ends at the first quote, backslash or control character, at
// any place in or across its eight-byte words, and reads every other byte
// (UTF-8 included) as plain.
func TestPlainRun(t *testing.T) {
	plain := []byte("abcdefghijklmnopqrstuvwxyz0123")
	for c := range 256 {
		want := -1 // plain: the run goes on past it
		if c == '"' || c == '\\' || c < 0x20 {
			want = 0
		}
		for at := range len(plain) {
			b := append([]byte(nil), plain...)
			b[at] = byte(c)
			for from := range min(at+1, 9) {
				got := plainRun(b[from:])
				w := len(b) - from
				if want == 0 {
					w = at - from
				}
				if got != w {
					t.Fatalf("plainRun(%q) = %d, want %d", b[from:], got, w)
				}
			}
		}
	}
}

// A field Within a string is a json.RawMessage, neither stored nor
// placed; its value shares the string's bytes when found there, and is
// copied when not.
func TestFieldWithin(t *testing.T) {
	type keyed struct {
		Address string          `json:"address"`
		Key     json.RawMessage `json:"key"`
	}
	inAddress := func(k *keyed) string { return k.Address }
	bad := map[string]error{
		"not raw": NewObject(F("Address", func(k *keyed) any { return &k.Address }).Within(inAddress),
			F("Key", func(k *keyed) any { return &k.Key })).Check(),
		"placed": NewObject(F("Address", func(k *keyed) any { return &k.Address }),
			F("Key", func(k *keyed) any { return &k.Key }).Within(inAddress).Place(func(*keyed, []byte, int64) bool { return false })).Check(),
	}
	for name, err := range bad {
		if err == nil {
			t.Errorf("%s: NewObject accepted it", name)
		}
	}
	o := NewObject(F("Address", func(k *keyed) any { return &k.Address }),
		F("Key", func(k *keyed) any { return &k.Key }).Within(inAddress))
	d := o.NewDecoder()
	for doc, shared := range map[string]bool{
		`{"address":"a.b[\"x\"]","key":"x"}`:     true,
		`{"address":"a.b[\"x\"]","key":"y"}`:     false,
		`{"key":"x","address":"a.b[\"x\"]"}`:     false, // the address comes after
		`{"address":"a.b[7]","key":7}`:           true,
		`{"address":"a.b[7]","key": [ 7 , 8 ] }`: false,
	} {
		var k keyed
		if !d.DecodeFast([]byte(doc), &k) {
			t.Fatalf("%s: declined", doc)
		}
		var want keyed
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		var c bytes.Buffer
		_ = json.Compact(&c, want.Key)
		start := uintptr(unsafe.Pointer(unsafe.StringData(k.Address)))
		at := uintptr(unsafe.Pointer(unsafe.SliceData(k.Key)))
		in := at >= start && at < start+uintptr(len(k.Address))
		if k.Address != want.Address || string(k.Key) != c.String() || in != shared || cap(k.Key) != len(k.Key) {
			t.Fatalf("%s: read %q %s (in the address: %v, capacity %d)", doc, k.Address, k.Key, in, cap(k.Key))
		}
	}
}
