package usapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A request the audit layer refused to send (its log cannot be written: a
// full disk) is reported as that, not as "USAPI unreachable".
func TestAuditLogNotWritableIsNotUnreachable(t *testing.T) {
	p := New()
	p.now = func() time.Time { return testNow }
	full := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("%w: the audit log cannot record it: write daftar.audit.jsonl: %w", audit.ErrNotSent, syscall.ENOSPC)
	})
	diags := p.Configure(context.Background(), providers.ConfigureRequest{
		Config:     cty.ObjectVal(map[string]cty.Value{"endpoint": cty.StringVal("http://127.0.0.1:1"), "basic_auth": cty.StringVal("k"), "rate_limit": cty.NullVal(cty.Number)}),
		Endpoint:   "http://127.0.0.1:1",
		HTTPClient: &http.Client{Transport: full},
		BaseDir:    t.TempDir(),
		Digester:   secrets.NewDigester([]byte("test digest key")),
	})
	if len(diags) > 0 {
		t.Fatalf("Configure: %v", diags)
	}
	_, resp := planApply(t, p, "usapi_account.ani", account(with(ani(), map[string]cty.Value{"basic_profile": cty.NullVal(profileVal(nil).Type())})))
	text := diagText(resp.Diagnostics)
	if strings.Contains(text, "unreachable") || !strings.Contains(text, "audit log cannot be written") || !strings.Contains(text, "no space left") {
		t.Fatalf("diagnostics:\n%s", text)
	}
}
