package sandbox

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

var bearer = []string{"Authorization", "Bearer " + ProofylinkToken}

const plBase = "/proofylink/api/v1/external/verifications"

// verificationFields is the documents' example body; consent adds what its
// endpoint needs.
func verificationFields(consent string) map[string]any {
	m := map[string]any{
		"verification_type_id": 1,
		"id_number":            "1234567890123456",
		"full_name":            "John Doe",
		"email":                "john.doe@gmail.com",
		"phone_number":         "6289123456789",
		"ktp_image":            ktpImage,
	}
	switch consent {
	case "own":
		m["consent_metadata"] = map[string]any{
			"user_agent": "Mozilla/5.0", "ip_address": "192.168.1.1", "device_type": "desktop",
			"browser_info": "Chrome 145.0.0.0", "os": "Windows", "timestamp": "2026-03-06T16:00:00+08:00",
		}
	case "upload":
		m["form_consent"] = base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 consent"))
	}
	return m
}

func (h *harness) createVerification(consent string, fields map[string]any) response {
	h.t.Helper()
	return h.do("POST", plBase+"/"+consent+"-consent", jsonBody(h.t, fields), bearer...)
}

// mustCreate creates a verification and answers its reference code.
func (h *harness) mustCreate(consent string, fields map[string]any) string {
	h.t.Helper()
	r := h.createVerification(consent, fields)
	if r.status != 201 {
		h.t.Fatalf("create %s: %d %s", consent, r.status, r.body)
	}
	return r.json(h.t)["data"].(map[string]any)["reference_code"].(string)
}

func TestProofylinkCreateExamples(t *testing.T) {
	h := newHarness(t, Options{})
	cases := map[string]struct{ method, code string }{
		"email":  {"email", "EMP-260211-0001"},
		"own":    {"email", "EMP-260211-0002"}, // the own-consent example says "email"
		"upload": {"signed_document", "EMP-260211-0003"},
	}
	for _, consent := range []string{"email", "own", "upload"} {
		c := cases[consent]
		h.createVerification(consent, verificationFields(consent)).expect(t, 201, fmt.Sprintf(`{
			"status": "success",
			"message": "Verification created successfully.",
			"data": {"reference_code": %q, "status": "ocr_verification", "consent_method": %q, "created_at": "2026-02-11T10:27:41.000000Z"}
		}`, c.code, c.method))
	}
	if left := h.state().TokensLeft; left != DefaultTokens-3 {
		t.Errorf("tokens left %d", left)
	}
}

func TestProofylinkReferenceCodes(t *testing.T) {
	h := newHarness(t, Options{})
	for id, prefix := range map[int]string{1: "EMP", 2: "RNT", 3: "CST", 4: "TNT"} {
		for _, consent := range []string{"email", "own", "upload"} {
			f := verificationFields(consent)
			f["verification_type_id"] = id
			code := h.mustCreate(consent, f)
			if !regexp.MustCompile(`^` + prefix + `-260211-000[123]$`).MatchString(code) {
				t.Errorf("type %d: code %s", id, code)
			}
		}
	}
	h.clock.Advance(24 * time.Hour)
	if code := h.mustCreate("email", verificationFields("email")); code != "EMP-260212-0001" {
		t.Errorf("next day: %s", code)
	}
}

// The 422 example of the document, reproduced byte for byte (compacted).
func TestProofylinkValidationExample(t *testing.T) {
	h := newHarness(t, Options{})
	f := verificationFields("email")
	f["id_number"], f["email"] = "123", "john.doe"
	h.createVerification("email", f).expect(t, 422, `{
		"status": "fail",
		"message": "id number harus berisi 16 karakter.",
		"errors": {
			"id_number": ["id number harus berisi 16 karakter."],
			"email": ["Format email tidak valid."]
		}
	}`)
}

func TestProofylinkValidationRules(t *testing.T) {
	h := newHarness(t, Options{Tokens: 5})
	big := func(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }
	cases := map[string]struct {
		consent, field string
		value          any
		errors         string
	}{
		"type missing":      {"email", "verification_type_id", nil, `{"verification_type_id":["verification type id wajib diisi."]}`},
		"type 5":            {"email", "verification_type_id", 5, `{"verification_type_id":["verification type id yang dipilih tidak valid."]}`},
		"type 0 on upload":  {"upload", "verification_type_id", 0, `{"verification_type_id":["verification type id yang dipilih tidak valid."]}`},
		"type text":         {"own", "verification_type_id", "one", `{"verification_type_id":["verification type id harus berupa bilangan bulat."]}`},
		"nik missing":       {"email", "id_number", nil, `{"id_number":["id number wajib diisi."]}`},
		"nik empty":         {"email", "id_number", "", `{"id_number":["id number wajib diisi."]}`},
		"nik letters":       {"email", "id_number", "12345678901234AB", `{"id_number":["id number harus berupa angka."]}`},
		"nik short letters": {"email", "id_number", "12AB", `{"id_number":["id number harus berisi 16 karakter.","id number harus berupa angka."]}`},
		"nik number":        {"email", "id_number", 1234567890123456, `{"id_number":["id number harus berupa string."]}`},
		"name missing":      {"email", "full_name", nil, `{"full_name":["full name wajib diisi."]}`},
		"name long":         {"email", "full_name", strings.Repeat("a", 256), `{"full_name":["full name maksimal berisi 255 karakter."]}`},
		"email missing":     {"email", "email", nil, `{"email":["email wajib diisi."]}`},
		"email bad":         {"own", "email", "a@", `{"email":["Format email tidak valid."]}`},
		"phone missing":     {"email", "phone_number", nil, `{"phone_number":["phone number wajib diisi."]}`},
		"phone 08":          {"email", "phone_number", "089123456789", `{"phone_number":["phone number harus diawali dengan 62."]}`},
		"phone letters":     {"email", "phone_number", "62812abcd", `{"phone_number":["phone number harus berupa angka."]}`},
		"phone short":       {"email", "phone_number", "6281234", `{"phone_number":["phone number harus antara 9 dan 17 karakter."]}`},
		"ktp missing":       {"email", "ktp_image", nil, `{"ktp_image":["ktp image wajib diisi."]}`},
		"ktp not base64":    {"email", "ktp_image", "%%%", `{"ktp_image":["ktp image harus berupa berkas atau base64 yang valid."]}`},
		"ktp over 4 MB":     {"email", "ktp_image", big(4<<20 + 1), `{"ktp_image":["ktp image maksimal berukuran 4096 kilobita."]}`},
		"form missing":      {"upload", "form_consent", nil, `{"form_consent":["form consent wajib diisi."]}`},
		"form over 10 MB":   {"upload", "form_consent", big(10<<20 + 1), `{"form_consent":["form consent maksimal berukuran 10240 kilobita."]}`},
		"metadata missing":  {"own", "consent_metadata", nil, `{"consent_metadata":["consent metadata wajib diisi."]}`},
		"metadata string":   {"own", "consent_metadata", "desktop", `{"consent_metadata":["consent metadata harus berupa array."]}`},
		"metadata partial": {"own", "consent_metadata", map[string]any{"user_agent": "UA", "ip_address": "1.2.3.4", "device_type": "desktop", "os": 7, "timestamp": "t"},
			`{"consent_metadata.browser_info":["consent metadata.browser info wajib diisi."],"consent_metadata.os":["consent metadata.os harus berupa string."]}`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := verificationFields(c.consent)
			if c.value == nil {
				delete(f, c.field)
			} else {
				f[c.field] = c.value
			}
			r := h.createVerification(c.consent, f)
			first := regexp.MustCompile(`^\{"[^"]+":\["([^"]+)"`).FindStringSubmatch(c.errors)[1]
			r.expect(t, 422, fmt.Sprintf(`{"status":"fail","message":%q,"errors":%s}`, first, c.errors))
		})
	}
	t.Run("accepted edges", func(t *testing.T) {
		for _, f := range []map[string]any{
			withField(verificationFields("email"), "ktp_image", big(4<<20)),
			withField(verificationFields("email"), "ktp_image", "data:image/jpeg;base64,"+ktpImage),
			withField(verificationFields("email"), "verification_type_id", "4"),
		} {
			h.mustCreate("email", f)
		}
		h.mustCreate("upload", withField(verificationFields("upload"), "form_consent", big(10<<20)))
	})
	if left := h.state().TokensLeft; left != 1 {
		t.Errorf("validation errors spent tokens: %d left, want 1", left)
	}
}

func withField(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

func TestProofylinkMultipart(t *testing.T) {
	h := newHarness(t, Options{})
	fields := map[string]string{
		"verification_type_id": "2", "id_number": "3171234567890123", "full_name": "Mira Setiawan",
		"email": "mira@example.com", "phone_number": "6282342342342",
		"consent_metadata[user_agent]": "UA", "consent_metadata[ip_address]": "10.0.0.1",
		"consent_metadata[device_type]": "mobile", "consent_metadata[browser_info]": "Safari",
		"consent_metadata[os]": "iOS", "consent_metadata[timestamp]": "2026-03-06T16:00:00+08:00",
	}
	body, ct := multipartBody(t, fields, map[string][]byte{"ktp_image": []byte("jpeg bytes")})
	r := h.postMultipart(plBase+"/own-consent", body, ct, bearer...)
	if r.status != 201 || !strings.Contains(r.body, `"reference_code":"RNT-260211-0001"`) {
		t.Fatalf("multipart own-consent: %d %s", r.status, r.body)
	}
	v := h.state().Verifications[0]
	if v.ConsentMetadata == nil || v.ConsentMetadata.OS != "iOS" || v.KTPImageSHA256 == "" {
		t.Errorf("stored %+v", v)
	}
	body, ct = multipartBody(t, fields, map[string][]byte{"ktp_image": make([]byte, 4<<20+1)})
	r = h.postMultipart(plBase+"/email-consent", body, ct, bearer...)
	if r.status != 422 || !strings.Contains(r.body, "ktp image maksimal berukuran 4096 kilobita.") {
		t.Errorf("oversized file part: %d %s", r.status, r.body)
	}
	body, ct = multipartBody(t, fields, map[string][]byte{"ktp_image": []byte("jpeg"), "form_consent": []byte("pdf")})
	if r := h.postMultipart(plBase+"/upload-consent", body, ct, bearer...); r.status != 201 {
		t.Errorf("multipart upload-consent: %d %s", r.status, r.body)
	}
}

func TestProofylinkUnauthenticated(t *testing.T) {
	h := newHarness(t, Options{})
	auths := map[string][]string{
		"none":   nil,
		"wrong":  {"Authorization", "Bearer nope"},
		"basic":  {"Authorization", "Basic " + ProofylinkToken},
		"no sch": {"Authorization", ProofylinkToken},
	}
	paths := map[string]string{
		"POST email":  plBase + "/email-consent",
		"POST own":    plBase + "/own-consent",
		"POST upload": plBase + "/upload-consent",
		"GET list":    plBase,
		"GET detail":  plBase + "/EMP-260211-0001",
		"GET balance": "/proofylink/api/v1/external/token/balance",
	}
	for pname, path := range paths {
		method, _, _ := strings.Cut(pname, " ")
		for aname, auth := range auths {
			t.Run(pname+" "+aname, func(t *testing.T) {
				h.do(method, path, jsonBody(t, verificationFields("upload")), auth...).
					expect(t, 401, `{"status":"fail","message":"Unauthenticated."}`)
			})
		}
	}
	if len(h.state().Verifications) != 0 {
		t.Error("an unauthenticated request created a verification")
	}
}

func TestProofylinkTokens(t *testing.T) {
	h := newHarness(t, Options{Tokens: 2})
	balance := func(want int) {
		t.Helper()
		h.do("GET", "/proofylink/api/v1/external/token/balance", "", bearer...).
			expect(t, 200, fmt.Sprintf(`{"status":"success","message":"Token retrieved successfully.","data":{"token":%d}}`, want))
	}
	balance(2)
	h.mustCreate("email", verificationFields("email"))
	h.createVerification("own", withField(verificationFields("own"), "id_number", "1")) // 422, free
	balance(1)
	h.mustCreate("upload", verificationFields("upload"))
	balance(0)
	h.createVerification("email", verificationFields("email")).
		expect(t, 400, `{"status":"fail","message":"Insufficient token balance"}`)
	balance(0)
	if st := h.state(); len(st.Verifications) != 2 || st.TokensLeft != 0 {
		t.Errorf("state: %d verifications, %d tokens", len(st.Verifications), st.TokensLeft)
	}
}

func TestProofylinkEmptyBalanceOption(t *testing.T) {
	h := newHarness(t, Options{Tokens: -1})
	h.createVerification("email", verificationFields("email")).
		expect(t, 400, `{"status":"fail","message":"Insufficient token balance"}`)
}
