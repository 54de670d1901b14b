package proofylink

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

func TestRefreshStopsAtFinalStatus(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{VerifyDelay: time.Minute})
	st := e.mustCreate(configFor(consentOwn, nil))

	e.clock.Advance(30 * time.Second)
	res := e.read(st)
	mustNoErrors(t, res.Diagnostics)
	if s := str(res.NewState, "status"); finalStatus(s) || s == "ocr_verification" {
		t.Errorf("status halfway = %q, want a step of the manual consent flow", s)
	}

	e.clock.Advance(time.Minute)
	res = e.read(res.NewState)
	mustNoErrors(t, res.Diagnostics)
	if str(res.NewState, "status") != "completed" || str(res.NewState, "credibility_level") != "D" {
		t.Fatalf("after the delay: status %q level %q", str(res.NewState, "status"), str(res.NewState, "credibility_level"))
	}

	before := e.requestsTotal()
	again := e.read(res.NewState)
	if after := e.requestsTotal(); after != before {
		t.Errorf("a completed verification was read again: %v requests before, %v after", before, after)
	}
	if !again.NewState.RawEquals(res.NewState) {
		t.Errorf("state changed without a read")
	}
}

func TestReadNotFoundKeepsState(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	st := e.mustCreate(config(nil))
	m := newStateMap(st)
	m["reference_code"] = cty.StringVal("EMP-000000-0000")
	prior := m.value()
	res := e.read(prior)
	if !res.NewState.RawEquals(prior) {
		t.Errorf("a 404 changed the state: %#v", res.NewState)
	}
	if !res.Diagnostics.HasErrors() || !strings.Contains(res.Diagnostics[0].Detail, "404") ||
		!strings.Contains(res.Diagnostics[0].Detail, "Data not found") {
		t.Errorf("diagnostics: %s", describe(res.Diagnostics))
	}
}

func TestListDataPagesThroughEverything(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	const n = 2*perPage + 5
	for i := range n {
		e.mustCreate(config(map[string]cty.Value{"full_name": cty.StringVal(fmt.Sprintf("Budi %03d", i))}))
	}
	e.mustCreate(config(nil)) // Ani, not matched by "budi"
	res := e.p.ReadData(t.Context(), providers.ReadDataRequest{Type: listDataType, Config: cty.ObjectVal(map[string]cty.Value{
		"q": cty.StringVal("budi"), "verifications": cty.NullVal(cty.List(listItemType)),
	})})
	mustNoErrors(t, res.Diagnostics)
	list := res.State.GetAttr("verifications")
	if list.LengthInt() != n {
		t.Fatalf("got %d verifications, want %d", list.LengthInt(), n)
	}
	seen := map[string]bool{}
	for it := list.ElementIterator(); it.Next(); {
		_, v := it.Element()
		seen[str(v, "reference_code")] = true
		if str(v, "customer_id_number") != "3171********0053" || !strings.HasPrefix(str(v, "customer_name"), "Budi") {
			t.Fatalf("entry %#v", v)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct reference codes, want %d", len(seen), n)
	}
}

func TestListDataNothingFound(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	res := e.p.ReadData(t.Context(), providers.ReadDataRequest{Type: listDataType, Config: cty.ObjectVal(map[string]cty.Value{
		"q": cty.StringVal("nobody"), "verifications": cty.NullVal(cty.List(listItemType)),
	})})
	mustNoErrors(t, res.Diagnostics)
	if res.State.GetAttr("verifications").LengthInt() != 0 {
		t.Errorf("verifications = %#v", res.State.GetAttr("verifications"))
	}
}

func TestBalance(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{Tokens: 5})
	e.mustCreate(config(nil))
	bal, diags := e.p.Balance(t.Context())
	mustNoErrors(t, diags)
	if bal != (providers.Balance{Unit: "Proofylink tokens", Left: 4}) {
		t.Errorf("Balance = %+v", bal)
	}
	res := e.p.ReadData(t.Context(), providers.ReadDataRequest{Type: balanceDataType, Config: cty.ObjectVal(map[string]cty.Value{"token": cty.NullVal(cty.Number)})})
	mustNoErrors(t, res.Diagnostics)
	if !res.State.GetAttr("token").RawEquals(cty.NumberIntVal(4)) {
		t.Errorf("token = %#v", res.State.GetAttr("token"))
	}
}

func TestImport(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	created := e.mustCreate(configFor(consentUpload, nil))
	code := str(created, "reference_code")

	imp := e.p.ImportResource(t.Context(), providers.ImportRequest{Type: verificationType, ID: code, Config: configFor(consentUpload, nil)})
	mustNoErrors(t, imp.Diagnostics)
	for _, name := range append(append([]string{}, verification.inputs...), verification.digests...) {
		if !sameValue(imp.NewState.GetAttr(name), created.GetAttr(name)) {
			t.Errorf("imported %s = %#v, created %#v", name, imp.NewState.GetAttr(name), created.GetAttr(name))
		}
	}
	if pr := e.plan(configFor(consentUpload, nil), imp.NewState); len(pr.RequiresReplace) != 0 || pr.Spends != 0 {
		t.Errorf("plan after import: replace %v, spends %d", pr.RequiresReplace, pr.Spends)
	}

	other := configFor(consentUpload, map[string]cty.Value{"id_number": cty.StringVal(testNIK2)})
	imp = e.p.ImportResource(t.Context(), providers.ImportRequest{Type: verificationType, ID: code, Config: other})
	if !imp.Diagnostics.HasErrors() || !imp.NewState.IsNull() || pathString(imp.Diagnostics[0].Path) != "id_number" {
		t.Errorf("import with another NIK: state %#v, diags %s", imp.NewState, describe(imp.Diagnostics))
	}

	imp = e.p.ImportResource(t.Context(), providers.ImportRequest{Type: verificationType, ID: "EMP-000000-0000"})
	if !imp.Diagnostics.HasErrors() || !imp.NewState.IsNull() {
		t.Errorf("import of an unknown code: %s", describe(imp.Diagnostics))
	}

	imp = e.p.ImportResource(t.Context(), providers.ImportRequest{Type: verificationType, ID: code, Config: cty.NullVal(verification.ty)})
	if imp.Diagnostics.HasErrors() || str(imp.NewState, "id_number") != "3171********0053" || str(imp.NewState, "full_name") != testName {
		t.Errorf("import without configuration: %#v %s", imp.NewState, describe(imp.Diagnostics))
	}
}
