package proofylink

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

func TestBalanceAnswers(t *testing.T) {
	tests := map[string]struct {
		handler http.HandlerFunc
		left    int64
		summary string // "" means success
	}{
		"documented 200":    {answer(200, "application/json", `{"status":"success","message":"Token retrieved successfully.","data":{"token":10}}`), 10, ""},
		"token as a string": {answer(200, "application/json", `{"status":"success","data":{"token":"7"}}`), 7, ""},
		"tenant not found":  {answer(400, "application/json", `{"status":"fail","message":"Tenant not found."}`), 0, "Proofylink tenant not found"},
		"documented 500":    {answer(500, "application/json", `{"status":"fail","message":"An error occurred while retrieving token."}`), 0, "Cannot read the Proofylink token balance"},
		"no token":          {answer(200, "application/json", `{"status":"success","data":{}}`), 0, "Cannot read the Proofylink token balance"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := handlerEnv(t, tt.handler)
			bal, diags := e.p.Balance(t.Context())
			if tt.summary == "" {
				mustNoErrors(t, diags)
				if bal.Left != tt.left {
					t.Errorf("left %d, want %d", bal.Left, tt.left)
				}
				return
			}
			if len(diags) != 1 || diags[0].Summary != tt.summary {
				t.Errorf("diags %s, want %q", describe(diags), tt.summary)
			}
		})
	}
}

// pagedList serves the list in pages of two entries, with links but no
// meta (the other way to know a page follows).
func pagedList(total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page := 1
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		var items []string
		for i := (page - 1) * 2; i < min(page*2, total); i++ {
			items = append(items, fmt.Sprintf(`{"reference_code":"EMP-260212-%04d","customer_name":"ANI","customer_id_number":"3171********0053","credibility_score":null}`, i))
		}
		next := "null"
		if page*2 < total {
			next = fmt.Sprintf(`"http://x/api/v1/external/verifications?page=%d"`, page+1)
		}
		fmt.Fprintf(w, `{"status":"success","data":[%s],"links":{"next":%s}}`, strings.Join(items, ","), next)
	}
}

func TestListFollowsLinksWithoutMeta(t *testing.T) {
	e := handlerEnv(t, pagedList(5))
	items, err := e.p.conf().client.list(t.Context(), "ani")
	if err != nil || len(items) != 5 {
		t.Fatalf("got %d items, %v", len(items), err)
	}
}

func TestListErrors(t *testing.T) {
	e := handlerEnv(t, answer(502, "text/html", htmlPage))
	res := e.p.ReadData(t.Context(), providers.ReadDataRequest{Type: listDataType, Config: cty.ObjectVal(map[string]cty.Value{
		"q": cty.StringVal("ani"), "verifications": cty.NullVal(cty.List(listItemType)),
	})})
	if !res.Diagnostics.HasErrors() || !strings.Contains(res.Diagnostics[0].Detail, "HTML page") {
		t.Errorf("diags %s", describe(res.Diagnostics))
	}
	rs := e.p.ResolveResource(t.Context(), providers.ResolveRequest{Type: verificationType, Addr: testUserAddr, Config: config(nil), Started: time.Now()})
	if rs.Resolution != providers.Undecided || !rs.Diagnostics.HasErrors() || !strings.Contains(rs.Message, "search for it failed") {
		t.Errorf("resolution %v, message %q, diags %s", rs.Resolution, rs.Message, describe(rs.Diagnostics))
	}
}

func TestReadRateLimited(t *testing.T) {
	e := handlerEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		answer(429, "application/json", `{"status":"fail","message":"Too Many Attempts."}`)(w, r)
	})
	prior := priorState(e)
	res := e.read(prior)
	if !res.NewState.RawEquals(prior) || !strings.Contains(describe(res.Diagnostics), "rate_limit") {
		t.Errorf("diags %s", describe(res.Diagnostics))
	}
}

func TestNotConfigured(t *testing.T) {
	p := New()
	if _, diags := p.Balance(t.Context()); !diags.HasErrors() {
		t.Error("Balance before Configure succeeded")
	}
	pr := p.PlanResource(t.Context(), providers.PlanRequest{Type: verificationType, Config: config(nil), Prior: nullState()})
	if !pr.Diagnostics.HasErrors() {
		t.Error("plan without a Digester succeeded")
	}
}

func TestCreateWithEndedContextIsCertain(t *testing.T) {
	e := handlerEnv(t, answer(201, "application/json", createdBody))
	cfg := config(nil)
	pr := e.plan(cfg, nullState())
	ctx, cancel := contextWithTimeout(t, 0)
	defer cancel()
	res := e.p.ApplyResource(ctx, providers.ApplyRequest{Type: verificationType, Operation: providers.Create, Config: cfg, Planned: pr.Planned})
	if res.Uncertain || !res.Diagnostics.HasErrors() {
		t.Errorf("uncertain %v, diags %s", res.Uncertain, describe(res.Diagnostics))
	}
}
