package planner

import (
	"encoding/json"
	"testing"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/proofylink"
	"github.com/daftar-dev/daftar/providers/usapi"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

func holderRecord(addr, typ, attrs string) *state.Resource {
	return (&state.Resource{Address: addr}).WithKind(state.Kind{Type: typ}).WithAttributes(json.RawMessage(attrs))
}

func TestHolders(t *testing.T) {
	st := state.New()
	for _, r := range []*state.Resource{
		holderRecord(`proofylink_verification.p["a"]`, "proofylink_verification", `{"reference_code":"EMP-261205-0001","status":"completed"}`),
		holderRecord(`usapi_account.hire["a"]`, "usapi_account", `{"id":"ani","username":"ani"}`),
		holderRecord(`proofylink_verification.p["b"]`, "", `{"reference_code":"EMP-261205-0002"}`), // a record without its type
		(&state.Resource{Address: `proofylink_verification.p["c"]`}).WithKind(state.Kind{Type: "proofylink_verification"}).WithPending(&state.Intent{ID: "i"}),
	} {
		st.Resources[r.Address] = r
	}
	h := newHolders(map[string]providers.Provider{"proofylink": proofylink.New(), "usapi": usapi.New()}, st)
	const pv = "proofylink_verification"
	heldByB := h.HeldBy(pv, `proofylink_verification.p["b"]`)
	if got := heldByB("EMP-261205-0001"); got != `proofylink_verification.p["a"]` {
		t.Errorf("EMP-261205-0001 held by %q", got)
	}
	if got := heldByB("EMP-261205-0002"); got != "" {
		t.Errorf("an address's own record is not another's: held by %q", got)
	}
	if got := h.HeldBy("usapi_account", "usapi_account.hire[\"b\"]")("ani"); got != `usapi_account.hire["a"]` {
		t.Errorf("account ani held by %q", got)
	}
	if got := h.HeldBy("usapi_account", "x")("EMP-261205-0001"); got != "" {
		t.Errorf("ids are per type: held by %q", got)
	}

	found := cty.ObjectVal(map[string]cty.Value{"reference_code": cty.StringVal("EMP-261205-0001")})
	if other := h.Claim(pv, `proofylink_verification.p["c"]`, found); other != `proofylink_verification.p["a"]` {
		t.Errorf("claiming a held record: other %q", other)
	}
	fresh := cty.ObjectVal(map[string]cty.Value{"reference_code": cty.StringVal("EMP-261205-0003")})
	if other := h.Claim(pv, `proofylink_verification.p["c"]`, fresh); other != "" {
		t.Fatalf("claiming a free record: other %q", other)
	}
	if other := h.Claim(pv, `proofylink_verification.p["d"]`, fresh); other != `proofylink_verification.p["c"]` {
		t.Errorf("one record claimed twice: other %q", other)
	}

	h.Update(state.Update{Remove: []string{`proofylink_verification.p["a"]`},
		Set: []*state.Resource{holderRecord(`proofylink_verification.p["e"]`, pv, `{"reference_code":"EMP-261205-0004"}`)}})
	if got := heldByB("EMP-261205-0001"); got != "" {
		t.Errorf("a forgotten address still holds its record: %q", got)
	}
	if got := heldByB("EMP-261205-0004"); got != `proofylink_verification.p["e"]` {
		t.Errorf("a record set after the index was built: held by %q", got)
	}
}
