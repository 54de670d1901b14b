package secrets

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestMaskNIKs(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"16 digits":              {`"id_number":"3171015504960001"`, `"id_number":"3171********0001"`},
		"17 digits":              {"NIK 31710155049600012 refused", "NIK 3171*********0012 refused"},
		"spaces":                 {"nik 3171 0155 0496 0001.", "nik 3171********0001."},
		"dashes":                 {"3171-0155-0496-0001", "3171********0001"},
		"glued to a year":        {"3171 0155 0496 0001 2026", "3171********0001 2026"},
		"after letters":          {"NIK3171015504960001", "NIK3171********0001"},
		"a phone number":         {"6281234567801", "6281234567801"},
		"a date":                 {"2026-11-01 09:00", "2026-11-01 09:00"},
		"15 digits":              {"317101550496001", "317101550496001"},
		"18 digits":              {"317101550496000123", "317101550496000123"},
		"inside a sha256":        {"ab3171015504960001cd" + strings.Repeat("e", 40), "ab3171015504960001cd" + strings.Repeat("e", 40)},
		"two NIKs":               {"3171015504960001, 3171011208900000", "3171********0001, 3171********0000"},
		"already masked":         {"3171********0001", "3171********0001"},
		"a digit run of 16 in a": {"x 1234567890123456", "x 1234********3456"},
		// A float printed in full is valid JSON only as it is: masking its
		// fraction broke apply -json lines.
		"a float's fraction":    {`"elapsed_seconds":1.9114000000000001}`, `"elapsed_seconds":1.9114000000000001}`},
		"after an abbreviation": {"No.3171015504960001", "No.3171********0001"},
		// An identifier's digits are not a NIK: masked, the lock ID could
		// not be typed back, and the digest could not be looked up.
		"a UUID's last groups":            {`ID "96708b32-6afb-465a-9163-000000001173"`, `ID "96708b32-6afb-465a-9163-000000001173"`},
		"an all-digit UUID":               {"12345678-1234-1234-1234-123456789012", "12345678-1234-1234-1234-123456789012"},
		"after a UUID":                    {"96708b32-6afb-465a-9163-0000a0001173 3171015504960001", "96708b32-6afb-465a-9163-0000a0001173 3171********0001"},
		"a digest after sha256":           {"the sha256 8851620716625" + strings.Repeat("e", 51), "the sha256 8851620716625" + strings.Repeat("e", 51)},
		"a NIK before a digest":           {"3171 0155 0496 0001 ab" + strings.Repeat("0", 62), "3171********0001 ab" + strings.Repeat("0", 62)},
		"a NIK's groups, one in a digest": {"0155 0496 0001 3171" + strings.Repeat("e", 40), "0155 0496 0001 3171" + strings.Repeat("e", 40)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := MaskNIKs(tc.in); got != tc.want {
				t.Errorf("MaskNIKs(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRedactorMasksKnownValuesInEverySpelling(t *testing.T) {
	r := NewRedactor()
	r.Add("Rahasia-Sekali-2026!", `pa"ss<word>`, "abc")
	tests := map[string]struct{ in, want string }{
		"as is":        {"password Rahasia-Sekali-2026! refused", "password " + Shown + " refused"},
		"json":         {`{"password":"pa\"ss\u003cword\u003e"}`, `{"password":"` + Shown + `"}`},
		"json no html": {`{"password":"pa\"ss<word>"}`, `{"password":"` + Shown + `"}`},
		"url":          {"password=Rahasia-Sekali-2026%21&x=1", "password=" + Shown + "&x=1"},
		"base64":       {"pw=" + base64.StdEncoding.EncodeToString([]byte("Rahasia-Sekali-2026!")), "pw=" + Shown + "="},
		"too short":    {"abc is fine", "abc is fine"},
		"and a NIK":    {"Rahasia-Sekali-2026! 3171015504960001", Shown + " 3171********0001"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := r.Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestChildMasksUploadedContentAndForgetsIt(t *testing.T) {
	root := NewRedactor()
	root.Add("sandbox-proofylink-token")
	child := root.Child()
	content := []byte("\xff\xd8\xff\xe0KTP-PHOTO-BYTES-OF-ANI-5c2f91" + strings.Repeat("\x00\x01binary", 40))
	child.AddContent(content)
	b64 := base64.StdEncoding.EncodeToString(content)
	for _, text := range []string{
		"echo: KTP-PHOTO-BYTES-OF-ANI-5c2f91 and sandbox-proofylink-token",
		`{"ktp_image":"` + b64 + `"}`,
		`{"ktp_image":"` + b64[:40] + `"}`,      // an echo cut short
		`{"ktp_image":"` + b64[23:90] + `..."}`, // a middle part
		"ktp " + base64.URLEncoding.EncodeToString(content),
	} {
		got := child.Redact(text)
		if strings.Contains(got, "KTP-PHOTO") || strings.Contains(got, "proofylink-token") || strings.Contains(got, b64[23:55]) || strings.Contains(got, b64[:30]) {
			t.Errorf("Redact(%.60q...) = %q", text, got)
		}
	}
	if got := root.Redact("KTP-PHOTO-BYTES-OF-ANI-5c2f91"); got != "KTP-PHOTO-BYTES-OF-ANI-5c2f91" {
		t.Errorf("the parent learned the child's content: %q", got)
	}
}

func TestBody(t *testing.T) {
	long := strings.Repeat("Invalid phone number format. ", 30)
	tests := map[string]struct{ in, want string }{
		"plain":   {"Invalid phone number format", "Invalid phone number format"},
		"binary":  {"bad \xff\xd8 body", "(11 bytes of binary content, not shown)"},
		"control": {"bad \x00 body", "(10 bytes of binary content, not shown)"},
		"encoded": {"ktp=" + strings.Repeat("QUJD", 20) + " end", "ktp=(80 characters of encoded content, not shown) end"},
		"digest":  {"sha " + strings.Repeat("ab12", 16), "sha " + strings.Repeat("ab12", 16)},
		"long":    {long, long[:MaxBodyShown-2] + "… (572 more bytes not shown)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Body(tc.in); got != tc.want {
				t.Errorf("Body(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// A message cut inside a secret leaves none of it: Body cuts after a word,
// and the Redactor masks the start of a value left before the cut.
func TestCutInsideASecret(t *testing.T) {
	r := NewRedactor()
	r.Add("TolakechoLiteralPass7f3aXYZ")
	for pad := 250; pad < 300; pad++ {
		msg := strings.Repeat(".", pad) + "TolakechoLiteralPass7f3aXYZ" + strings.Repeat(" y", 100)
		got := r.Redact(Body(msg))
		if strings.Contains(got, "TolakechoLit") || !strings.Contains(got, "more bytes not shown") {
			t.Fatalf("pad %d: %q", pad, got)
		}
	}
}

// BenchmarkRedactOutput redacts a rendered plan's worth of lines with a
// few secrets known: the cost every printed line pays.
func BenchmarkRedactOutput(b *testing.B) {
	r := NewRedactor()
	r.Add("Rahasia-Sekali-2026!", "sandbox-usapi-key", "sandbox-proofylink-token")
	line := `      + phone_number     = "6281234567801"   # usapi_account.hire["ani"] will be created, 3171********0001` + "\n"
	text := strings.Repeat(line, 1000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		r.Redact(text)
	}
}

// A secret shorter than MinLen (a PIN, a short password) is masked where
// it stands whole as a value, and nowhere else: in a word or a sentence it
// would mask ordinary text.
func TestRedactorMasksShortSecretsAsWholeValues(t *testing.T) {
	r := NewRedactor()
	r.Add("k9Qz", "4821", "a b")
	tests := map[string]struct{ in, want string }{
		"a JSON value":             {`{"password":"k9Qz","username":"ani"}`, `{"password":"(sensitive value)","username":"ani"}`},
		"spaced JSON":              {`"pin": "4821" }`, `"pin": "(sensitive value)" }`},
		"in an array":              {`["x", "4821"]`, `["x", "(sensitive value)"]`},
		"JSON quoted in a string":  {`"detail":"echo {\"password\":\"k9Qz\"}"`, `"detail":"echo {\"password\":\"(sensitive value)\"}"`},
		"an HCL line":              {`  password = "k9Qz"`, `  password = "(sensitive value)"`},
		"a function argument":      {`tonumber("4821")`, `tonumber("(sensitive value)")`},
		"a query value":            {`GET /x?pin=4821&user=ani`, `GET /x?pin=(sensitive value)&user=ani`},
		"a form value at the end":  {`pin=4821`, `pin=(sensitive value)`},
		"escaped spelling":         {`{"v":"a b"}`, `{"v":"(sensitive value)"}`},
		"URL spelling":             {`q=a+b&`, `q=(sensitive value)&`},
		"a JSON key":               {`{"k9Qz": 1}`, `{"k9Qz": 1}`},
		"inside a word":            {"the k9Qzx record 48211", "the k9Qzx record 48211"},
		"a sentence":               {"PIN 4821 was refused", "PIN 4821 was refused"},
		"a longer quoted value":    {`"name":"4821a"`, `"name":"4821a"`},
		"a quoted word in a prose": {`the word "4821" here`, `the word "4821" here`},
		"a comparison":             {`pin == 4821`, `pin == 4821`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := r.Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if got := r.Child().Redact(`"pin":"4821"`); got != `"pin":"(sensitive value)"` {
		t.Errorf("a child does not mask its parent's short secret: %q", got)
	}
}

// TestMaskNIKsLeavesIdentifiersAlone prints UUIDs and digests the way
// daftar's messages do, with groups often all digits: the shapes that once
// made a lock ID or a digest look like a NIK in one run out of hundreds.
func TestMaskNIKsLeavesIdentifiersAlone(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	hex := func(n int) string {
		const digits, all = "0123456789", "0123456789abcdef"
		set := all
		if rng.IntN(2) == 0 {
			set = digits
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = set[rng.IntN(len(set))]
		}
		return string(b)
	}
	for range 20000 {
		uuid := hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12)
		digest := hex(13) + "a" + hex(50)
		for _, s := range []string{
			`the lock has ID "` + uuid + `", not "` + uuid + `"`,
			"force-unlock " + uuid,
			"no line of the log has the sha256 " + digest,
			"sha256:" + digest,
		} {
			if got := MaskNIKs(s); got != s {
				t.Fatalf("MaskNIKs(%q) = %q, want it unchanged", s, got)
			}
		}
	}
}
