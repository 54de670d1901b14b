package proofylink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

// dirStore is a plain EvidenceStore: it writes each document under its
// directory, as the engine's does without encryption or audit log.
type dirStore struct {
	mu    sync.Mutex
	names []string
}

func (s *dirStore) Store(_ context.Context, req providers.EvidenceRequest) (providers.EvidenceFile, error) {
	if err := os.MkdirAll(req.Dir, 0o700); err != nil {
		return providers.EvidenceFile{}, err
	}
	full := filepath.Join(req.Dir, req.Name)
	if err := os.WriteFile(full, req.Data, 0o600); err != nil {
		return providers.EvidenceFile{}, err
	}
	s.mu.Lock()
	s.names = append(s.names, req.Name)
	s.mu.Unlock()
	sum := sha256.Sum256(req.Data)
	return providers.EvidenceFile{Path: full, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(req.Data)), Time: time.Now()}, nil
}

const completedDetail = `{"status":"success","data":{"verification":{"reference_code":"EMP-260211-7874","status":"completed","credibility_score":80,"credibility_level":"B"},
"customer":{"name":"Ani","id_number":"3171011805960053"},"analysis":{"credit_summary":{"collectibility":1},"credibility":null,"use_case_analysis":null}}}`

// configureEvidence configures e's provider with an evidence store.
func configureEvidence(t *testing.T, e *env, endpoint string, store providers.EvidenceStore) {
	t.Helper()
	mustNoErrors(t, e.p.Configure(context.Background(), providers.ConfigureRequest{
		Config: cty.ObjectVal(map[string]cty.Value{
			"endpoint": cty.StringVal(endpoint), "token": cty.StringVal(sandbox.ProofylinkToken),
			"rate_limit": cty.NullVal(cty.Number), "wait_timeout": cty.StringVal("1s"), "evidence_dir": cty.StringVal("proofs"),
			"duplicate_check": cty.False, // the test servers list nothing
		}),
		Endpoint: endpoint, HTTPClient: &http.Client{}, BaseDir: e.baseDir,
		Digester: secrets.NewDigester([]byte("0123456789abcdef0123456789abcdef")), Evidence: store,
	}))
}

// A report that never leaves "processing" ends the archive at wait_timeout
// with a warning; the state keeps what was archived (the analysis), and
// the next plan offers the rest as an in-place update.
func TestArchiveReportNeverReady(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			answer(201, "application/json", createdBody)(w, r)
		case strings.Contains(r.URL.Path, "/reports/"):
			answer(200, "application/json", `{"status":"success","data":{"status":"processing"}}`)(w, r)
		default:
			answer(200, "application/json", completedDetail)(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	e := newEnv(t, ts.URL)
	store := &dirStore{}
	configureEvidence(t, e, ts.URL, store)
	cfg := config(map[string]cty.Value{"wait_for_result": cty.True, "archive_reports": cty.True})
	res := e.create(cfg)
	mustNoErrors(t, res.Diagnostics)
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Summary != "Evidence not archived yet" || !strings.Contains(res.Diagnostics[0].Detail, "not ready within 1s") {
		t.Fatalf("diagnostics %s", describe(res.Diagnostics))
	}
	ev := res.NewState.GetAttr("evidence")
	if ev.IsNull() || ev.LengthInt() != 1 || !ev.HasIndex(cty.StringVal(kindAnalysis)).True() {
		t.Fatalf("evidence %#v: want the analysis only", ev)
	}
	if len(store.names) != 1 || store.names[0] != "EMP-260211-7874.analysis.json" {
		t.Fatalf("stored %v", store.names)
	}
	data, err := os.ReadFile(filepath.Join(e.baseDir, "proofs", "EMP-260211-7874.analysis.json"))
	if err != nil || !strings.Contains(string(data), `"collectibility":1`) || strings.Contains(string(data), "3171011805960053") {
		t.Fatalf("the analysis file: %s (%v)", data, err)
	}
	pr := e.plan(cfg, res.NewState)
	mustNoErrors(t, pr.Diagnostics)
	if len(pr.RequiresReplace) != 0 || pr.Spends != 0 || pr.Planned.GetAttr("evidence").IsKnown() {
		t.Fatalf("plan after a partial archive: replace %v, spends %d, evidence %#v", pr.RequiresReplace, pr.Spends, pr.Planned.GetAttr("evidence"))
	}
}

// A ready report is downloaded from its URL; the token goes only to the
// API's own host, never to the URL's foreign host.
func TestArchiveDownloadsWithoutTheTokenElsewhere(t *testing.T) {
	var mu sync.Mutex
	var auth []string
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		answer(200, "application/pdf", "%PDF-1.4 "+r.URL.Path)(w, r)
	}))
	t.Cleanup(files.Close)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "/reports/"):
			kind := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
			answer(200, "application/json", `{"status":"success","data":{"status":"ready","download_url":"`+files.URL+`/`+kind+`.pdf?sig=secret"}}`)(w, r)
		default:
			answer(200, "application/json", completedDetail)(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	e := newEnv(t, ts.URL)
	configureEvidence(t, e, ts.URL, &dirStore{})
	prior := cty.ObjectVal(map[string]cty.Value{})
	m := newStateMap(prior)
	m["reference_code"], m["status"], m["archive_reports"] = cty.StringVal("EMP-260211-7874"), cty.StringVal("completed"), cty.True
	diags := e.p.archive(context.Background(), testUserAddr, m)
	mustNoErrors(t, diags)
	if len(diags) != 0 || m["evidence"].LengthInt() != 3 {
		t.Fatalf("archive: %s, evidence %#v", describe(diags), m["evidence"])
	}
	if len(auth) != 2 || auth[0] != "" || auth[1] != "" {
		t.Fatalf("the download host got Authorization %q", auth)
	}
	data, err := os.ReadFile(filepath.Join(e.baseDir, "proofs", "EMP-260211-7874.proofylink.pdf"))
	if err != nil || string(data) != "%PDF-1.4 /proofylink.pdf" {
		t.Fatalf("the Proofylink report: %q (%v)", data, err)
	}
	if wantsEvidence(m) {
		t.Error("a complete archive still wants evidence")
	}
}
