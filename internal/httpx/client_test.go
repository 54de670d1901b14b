package httpx

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/audit"
)

// TestEveryAttemptAudited: the retry layer sits outside the audit layer,
// so each attempt is one line, naming the resource; a request that is
// not safe to repeat has a "sent" line before it leaves, and its outcome
// line after.
func TestEveryAttemptAudited(t *testing.T) {
	s := &script{steps: []string{"500", "ok", "cut"}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), audit.FileName)
	log, err := audit.Open(path, audit.Options{RunID: "r1", Command: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	c := testClient(ClientConfig{Audit: log, Provider: "usapi", RatePerSecond: 1000})
	ctx := WithResource(context.Background(), `usapi_account.hire["ani"]`)
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/profile?token=abc", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	req, _ = http.NewRequestWithContext(ctx, "POST", srv.URL+"/signup", strings.NewReader(`{}`))
	if _, err := c.Do(req); !IsUncertain(err, nil) {
		t.Errorf("POST cut: %v, want uncertain", err)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}

	f, _ := os.Open(path)
	defer f.Close()
	if n, err := audit.Verify(f); err != nil || n != 4 {
		t.Fatalf("Verify = %d, %v; want 4 lines", n, err)
	}
	b, _ := os.ReadFile(path)
	want := []struct{ event, method, path, outcome string }{
		{"request", "GET", "/profile?token", "http_error"}, {"request", "GET", "/profile?token", "ok"},
		{"sent", "POST", "/signup", ""}, {"request", "POST", "/signup", "dropped"},
	}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		json.Unmarshal([]byte(line), &m)
		outcome, _ := m["outcome"].(string)
		if m["event"] != want[i].event || m["method"] != want[i].method || m["path"] != want[i].path || outcome != want[i].outcome ||
			m["resource"] != `usapi_account.hire["ani"]` {
			t.Errorf("line %d = %s, want %+v", i+1, line, want[i])
		}
	}
}
