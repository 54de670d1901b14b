package proofylink

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

// seen gathers everything the provider hands the engine.
type seen struct {
	values []cty.Value
	diags  providers.Diagnostics
	texts  []string
}

func (s *seen) add(v cty.Value, diags providers.Diagnostics, texts ...string) {
	s.values = append(s.values, v)
	s.diags = append(s.diags, diags...)
	s.texts = append(s.texts, texts...)
}

// check fails when a NIK of niks appears anywhere in clear.
func (s *seen) check(t *testing.T, niks ...string) {
	t.Helper()
	var all []string
	for _, v := range s.values {
		all = append(all, fmt.Sprintf("%#v", v))
	}
	for _, d := range s.diags {
		all = append(all, d.Summary, d.Detail, d.Resource)
	}
	all = append(all, s.texts...)
	for _, text := range all {
		for _, nik := range niks {
			if strings.Contains(text, nik) {
				t.Errorf("NIK %s in clear in %q", maskNIK(nik), text)
			}
		}
	}
}

func TestNIKNeverInClear(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{VerifyDelay: 30 * ms, Now: realNow, Tokens: 4})
	var s seen
	invalid := "3171011813960053" // month 13
	niks := []string{testNIK, testNIK2, failingNIK, invalid}

	for _, nik := range niks {
		cfg := configFor(consentOwn, map[string]cty.Value{"id_number": cty.StringVal(nik), "wait_for_result": cty.True})
		s.add(cty.NilVal, e.p.ValidateResource(providers.ValidateRequest{Type: verificationType, Config: cfg}))
		pr := e.plan(cfg, nullState())
		s.add(pr.Planned, pr.Diagnostics)
		res := e.p.ApplyResource(t.Context(), providers.ApplyRequest{Type: verificationType, Addr: testUserAddr, Config: cfg, Planned: pr.Planned})
		s.add(res.NewState, res.Diagnostics)
		if !res.NewState.IsNull() {
			rr := e.read(res.NewState)
			s.add(rr.NewState, rr.Diagnostics)
			imp := e.p.ImportResource(t.Context(), providers.ImportRequest{Type: verificationType, ID: str(res.NewState, "reference_code")})
			s.add(imp.NewState, imp.Diagnostics)
			wrong := e.p.ImportResource(t.Context(), providers.ImportRequest{Type: verificationType, ID: str(res.NewState, "reference_code"),
				Config: configFor(consentOwn, map[string]cty.Value{"id_number": cty.StringVal(testNIK2)})})
			s.add(wrong.NewState, wrong.Diagnostics)
		}
		rs := e.p.ResolveResource(t.Context(), providers.ResolveRequest{Type: verificationType, Addr: testUserAddr, Config: cfg})
		s.add(rs.NewState, rs.Diagnostics, rs.Message)
	}
	s.add(cty.NilVal, providers.ValidateConfigs(e.p, []providers.ValidateRequest{
		{Type: verificationType, Addr: "a", Config: config(nil)}, {Type: verificationType, Addr: "b", Config: config(nil)},
	}))
	list := e.p.ReadData(t.Context(), providers.ReadDataRequest{Type: listDataType, Config: cty.ObjectVal(map[string]cty.Value{
		"q": cty.NullVal(cty.String), "verifications": cty.NullVal(cty.List(listItemType)),
	})})
	s.add(list.State, list.Diagnostics)
	s.check(t, niks...)
}

func TestNIKEchoedByTheAPIIsMasked(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(422)
			fmt.Fprintf(w, `{"status":"fail","message":"NIK %[1]s ditolak","errors":{"id_number":["NIK %[1]s sudah terdaftar."]}}`, testNIK)
			return
		}
		w.WriteHeader(200)
		fmt.Fprintf(w, `{"status":"success","data":{"verification":{"reference_code":"EMP-260211-7874","status":"failed","failed_message":"NIK %s tidak cocok"}}}`, testNIK)
	}
	e := handlerEnv(t, echo)
	var s seen
	res := e.create(config(nil))
	s.add(res.NewState, res.Diagnostics)
	rr := e.read(priorState(e))
	s.add(rr.NewState, rr.Diagnostics)
	s.check(t, testNIK)
	if !strings.Contains(str(rr.NewState, "failed_message"), "3171********0053") {
		t.Errorf("failed_message = %q", str(rr.NewState, "failed_message"))
	}
}
