package proofylink

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

// sameMaskNIK is another person's NIK that the list masks as testNIK's
// (3171********0053).
const sameMaskNIK = "3171021204900053"

func (e *sandboxEnv) resolveReq(req providers.ResolveRequest) providers.ResolveResponse {
	req.Type, req.Addr = verificationType, testUserAddr
	return e.p.ResolveResource(e.t.Context(), req)
}

// Two people with the same full name and the same masked NIK: the list
// cannot tell them apart, the detail's full NIK and phone can. B's
// interrupted create never adopts A's verification.
func TestResolveNeverAdoptsAnotherPersonWithTheSameMaskedNIK(t *testing.T) {
	tests := map[string]map[string]cty.Value{
		"other NIK, same phone": {"id_number": cty.StringVal(sameMaskNIK)},
		"other NIK and phone":   {"id_number": cty.StringVal(sameMaskNIK), "phone_number": cty.StringVal("6281299990000")},
		"same NIK, other phone": {"phone_number": cty.StringVal("6281299990000")},
	}
	for name, personA := range tests {
		t.Run(name, func(t *testing.T) {
			e := newSandboxEnv(t, sandbox.Options{})
			started := e.clock.Now()
			a := e.mustCreate(config(personA)) // A, after B's intent: only the detail tells them apart
			res := e.resolve(config(nil), started)
			mustNoErrors(t, res.Diagnostics)
			if res.Resolution != providers.NotCreated || !res.NewState.IsNull() {
				t.Fatalf("B resolved %v with A's verification on the remote: %q", res.Resolution, res.Message)
			}
			if want := str(a, "reference_code") + " is another person"; !strings.Contains(res.Message, want) {
				t.Errorf("message %q lacks %q", res.Message, want)
			}
			b := e.mustCreate(config(nil))
			res = e.resolve(config(nil), started)
			if res.Resolution != providers.Adopted || str(res.NewState, "reference_code") != str(b, "reference_code") {
				t.Fatalf("with B's verification on the remote too: %v %q", res.Resolution, res.Message)
			}
		})
	}
}

// A replace's create never adopts the verification it replaces, however
// recent; the replacing verification, once made, is adopted.
func TestResolveNeverAdoptsTheVerificationReplaced(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	started := e.clock.Now()
	old := e.mustCreate(config(nil))
	res := e.resolveReq(providers.ResolveRequest{Config: config(nil), Started: started, Replacing: old})
	mustNoErrors(t, res.Diagnostics)
	if res.Resolution != providers.NotCreated {
		t.Fatalf("resolved %v, want not created: %q", res.Resolution, res.Message)
	}
	if want := str(old, "reference_code") + " is the verification being replaced"; !strings.Contains(res.Message, want) {
		t.Errorf("message %q lacks %q", res.Message, want)
	}
	// Without Replacing, the same search adopts it: the rule is what decides.
	if res := e.resolve(config(nil), started); res.Resolution != providers.Adopted {
		t.Fatalf("as a plain create: %v %q", res.Resolution, res.Message)
	}
	made := e.mustCreate(config(nil))
	res = e.resolveReq(providers.ResolveRequest{Config: config(nil), Started: started, Replacing: old})
	if res.Resolution != providers.Adopted || str(res.NewState, "reference_code") != str(made, "reference_code") {
		t.Fatalf("with the replacing verification made: %v %q", res.Resolution, res.Message)
	}
}

// A verification another address of the state holds is never adopted,
// even when it screens the same subject (a subject screened twice on
// purpose).
func TestResolveNeverAdoptsAnotherAddressRecord(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	started := e.clock.Now()
	held := str(e.mustCreate(config(nil)), "reference_code")
	heldBy := func(id string) string {
		if id == held {
			return "proofylink_verification.first"
		}
		return ""
	}
	res := e.resolveReq(providers.ResolveRequest{Config: config(nil), Started: started, HeldBy: heldBy})
	if res.Resolution != providers.NotCreated || !strings.Contains(res.Message, held+" belongs to proofylink_verification.first") {
		t.Fatalf("resolved %v: %q", res.Resolution, res.Message)
	}
	mine := str(e.mustCreate(config(nil)), "reference_code")
	res = e.resolveReq(providers.ResolveRequest{Config: config(nil), Started: started, HeldBy: heldBy})
	if res.Resolution != providers.Adopted || str(res.NewState, "reference_code") != mine {
		t.Fatalf("with its own verification made: %v %q", res.Resolution, res.Message)
	}
}

// What a candidate cannot be confirmed on leaves the intent undecided,
// never adopted, never "not created".
func TestResolveUnconfirmableCandidateIsUndecided(t *testing.T) {
	const code = "EMP-261205-0001"
	listEntry := func(createdAt string) string {
		return fmt.Sprintf(`{"status":"success","message":"ok","data":[{"reference_code":%q,"verification_type_name":"Rekrutment/Screening Karyawan",
"status":"completed","customer_name":%q,"customer_id_number":"3171********0053","created_at":%q}],
"links":{"next":null},"meta":{"current_page":1,"last_page":1}}`, code, testName, createdAt)
	}
	detailBody := func(createdAt, nik, phone string) string {
		return fmt.Sprintf(`{"status":"success","message":"ok","data":{"verification":{"reference_code":%q,
"verification_type_name":"Rekrutment/Screening Karyawan","created_at":%q,"status":"completed"},
"customer":{"name":%q,"phone":%q,"id_number":%q}}}`, code, createdAt, testName, phone, nik)
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	tests := map[string]struct {
		list, detail string
		detailCode   int
		want         string
	}{
		"created_at unreadable":  {listEntry("kemarin"), detailBody("kemarin", testNIK, "81234567890"), 200, `created_at "kemarin" cannot be read`},
		"detail with masked NIK": {listEntry(now), detailBody(now, "3171********0053", "81234567890"), 200, "does not show the full NIK"},
		"detail without phone":   {listEntry(now), detailBody(now, testNIK, ""), 200, "does not show the full NIK and phone"},
		"detail answers 500":     {listEntry(now), `{"status":"error","message":"An error occurred while retrieving verification."}`, 500, "reading the candidate " + code + " failed"},
		"detail of another code": {listEntry(now), strings.Replace(detailBody(now, testNIK, "81234567890"), code, "EMP-261205-0002", 1), 200, "reading the candidate " + code + " failed"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var details int
			e := handlerEnv(t, func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				switch {
				case strings.HasSuffix(r.URL.Path, "/verifications"):
					io.WriteString(w, tt.list)
				case strings.HasSuffix(r.URL.Path, "/verifications/"+code):
					details++
					w.WriteHeader(tt.detailCode)
					io.WriteString(w, tt.detail)
				default:
					w.WriteHeader(404)
					io.WriteString(w, `{"status":"fail","message":"Data not found."}`)
				}
			})
			res := e.p.ResolveResource(t.Context(), providers.ResolveRequest{Type: verificationType, Addr: testUserAddr,
				Config: config(nil), Started: time.Now().Add(-time.Minute)})
			if res.Resolution != providers.Undecided || !res.NewState.IsNull() {
				t.Fatalf("resolved %v: %q", res.Resolution, res.Message)
			}
			for _, want := range []string{tt.want, "daftar import " + testUserAddr, "-replace=" + testUserAddr} {
				if !strings.Contains(res.Message, want) {
					t.Errorf("message %q lacks %q", res.Message, want)
				}
			}
			if strings.Contains(res.Message, testNIK) {
				t.Errorf("message shows the NIK in clear: %q", res.Message)
			}
		})
	}
}

func TestNationalNumber(t *testing.T) {
	for in, want := range map[string]string{"6281234567890": "81234567890", "81234567890": "81234567890", "081234567890": "81234567890", "+62 812-3456-7890": "81234567890", "": ""} {
		if got := nationalNumber(in); got != want {
			t.Errorf("nationalNumber(%q) = %q, want %q", in, got, want)
		}
	}
	if samePhone("", "") {
		t.Error("two empty phone numbers must not confirm a candidate")
	}
}
