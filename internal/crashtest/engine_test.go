package crashtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/proofylink"
	"github.com/daftar-dev/daftar/providers/usapi"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// engine runs the planner and the executor in this process, with the real
// providers and transport layers, against an in-process sandbox behind a
// fault injector that acts on chosen requests only: the resolution paths
// need "this create, and no other request" to fail.
type engine struct {
	t       *testing.T
	dir     string
	faults  *faultInjector
	srv     *httptest.Server
	backend *state.Local
	digest  *secrets.Digester
	// provs are the providers of the last plan, which it configured.
	provs map[string]providers.Provider
}

func newEngine(t *testing.T, config string) *engine {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{VerifyDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	e := &engine{t: t, dir: t.TempDir(), faults: &faultInjector{next: sb.Handler()}}
	e.srv = httptest.NewServer(e.faults)
	t.Cleanup(e.srv.Close)
	e.digest = secrets.NewDigester(bytes.Repeat([]byte{7}, 32))
	e.backend = state.NewLocal(filepath.Join(e.dir, "daftar.state.json"), state.LocalOptions{})
	t.Cleanup(func() { e.backend.Close() })
	// The KTP path is absolute: providers check files before they are
	// configured, relative to the working directory, which daftar sets
	// to the configuration's and parallel tests cannot.
	config = strings.ReplaceAll(config, "SANDBOX", e.srv.URL)
	write(t, e.dir, "main.hcl", strings.ReplaceAll(config, `"ktp.jpg"`, `"`+filepath.Join(e.dir, "ktp.jpg")+`"`))
	write(t, e.dir, "ktp.jpg", ktpImage)
	return e
}

const ktpImage = "\xff\xd8\xff\xe0 a KTP photo\xff\xd9"

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// plan loads the configuration and the state and plans, as daftar plan
// does.
func (e *engine) plan(opts plans.Options) (*planner.Result, *state.State, hcl.Diagnostics) {
	e.t.Helper()
	cfg, diags := schema.Load(e.dir)
	if diags.HasErrors() {
		e.t.Fatal(diags.Error())
	}
	vars, diags := cfg.ResolveVariables(nil, nil)
	if diags.HasErrors() {
		e.t.Fatal(diags.Error())
	}
	st, err := e.backend.Load(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	opts.Refresh = true
	e.provs = map[string]providers.Provider{"usapi": usapi.New(), "proofylink": proofylink.New()}
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, State: st, Options: opts, Digester: e.digest,
		Providers: e.provs,
		Configure: e.configure,
	})
	return res, st, diags
}

func (e *engine) configure(ctx context.Context, name string, p providers.Provider, config cty.Value) providers.Diagnostics {
	client := httpx.NewClient(httpx.ClientConfig{Provider: name,
		Retry: httpx.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}})
	return p.Configure(ctx, providers.ConfigureRequest{Config: config, Endpoint: config.GetAttr("endpoint").AsString(),
		HTTPClient: client, BaseDir: e.dir, Digester: e.digest})
}

// apply plans and applies, then compacts the state, as daftar apply does.
func (e *engine) apply(opts plans.Options) (*executor.Report, *plans.Plan) {
	e.t.Helper()
	res, st, diags := e.plan(opts)
	if diags.HasErrors() {
		e.t.Fatalf("plan: %s", diags.Error())
	}
	rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{Backend: e.backend, State: st, RunID: "run-test", Providers: e.provs, Digester: e.digest})
	if err := e.backend.Compact(context.Background(), st); err != nil {
		e.t.Fatal(err)
	}
	return rep, res.Plan
}

// stored is the state record at addr after replaying the journal.
func (e *engine) stored(addr string) *state.Resource {
	e.t.Helper()
	st, err := e.backend.Load(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return st.Resources[addr]
}

// pending stores an intent with no outcome at addr, as an apply killed
// after sending its create leaves it.
func (e *engine) pending(addr string, started time.Time) {
	e.t.Helper()
	typ, name, _ := strings.Cut(addr, ".")
	rec := (&state.Resource{Address: addr}).WithKind(state.Kind{Mode: "managed", Type: typ, Name: name, Provider: strings.Split(typ, "_")[0]}).WithPending(&state.Intent{ID: "intent-1", Operation: "create", Started: started.UTC(), RunID: "run-killed"})
	if err := e.backend.Apply(context.Background(), state.Update{Set: []*state.Resource{rec}}); err != nil {
		e.t.Fatal(err)
	}
	st, err := e.backend.Load(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.backend.Compact(context.Background(), st); err != nil {
		e.t.Fatal(err)
	}
}

// records reads the sandbox's records.
func (e *engine) records() *Records {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + "/_sandbox/state")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r Records
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		e.t.Fatal(err)
	}
	return &r
}

// post sends a request straight to the sandbox, as another client (or the
// killed apply) would have.
func (e *engine) post(path, auth string, body any) {
	e.t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.srv.URL+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		e.t.Fatalf("POST %s: %s", path, resp.Status)
	}
}

// faultInjector passes requests to the sandbox, except the ones a rule
// picks: "drop" does the work and cuts the connection, "fail" answers 500
// and does nothing.
type faultInjector struct {
	next  http.Handler
	mu    sync.Mutex
	rules []*faultRule
	// creates counts the POSTs that reached it, by path.
	creates map[string]int
}

type faultRule struct {
	method, suffix, fault string
	left                  int
}

// inject makes the next n requests method ...suffix meet fault.
func (f *faultInjector) inject(method, suffix, fault string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &faultRule{method: method, suffix: suffix, fault: fault, left: n})
}

// posts is how many POSTs to a path ending in suffix reached the
// injector.
func (f *faultInjector) posts(suffix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for path, c := range f.creates {
		if strings.HasSuffix(path, suffix) {
			n += c
		}
	}
	return n
}

func (f *faultInjector) pick(r *http.Request) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == "POST" {
		if f.creates == nil {
			f.creates = map[string]int{}
		}
		f.creates[r.URL.Path]++
	}
	for _, rule := range f.rules {
		if rule.left > 0 && r.Method == rule.method && strings.HasSuffix(r.URL.Path, rule.suffix) {
			rule.left--
			return rule.fault
		}
	}
	return ""
}

func (f *faultInjector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch f.pick(r) {
	case "fail":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"status":"error","message":"Internal error"}`)
	case "drop":
		f.next.ServeHTTP(discard{header: http.Header{}}, r)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		conn.Close()
	default:
		f.next.ServeHTTP(w, r)
	}
}

type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) WriteHeader(int)             {}

// The two configurations the resolution tests apply: one account that
// signs up and sets its profile, one verification.
const (
	accountConfig = `
provider "usapi" {
  endpoint   = "SANDBOX/usapi"
  basic_auth = "sandbox-usapi-key"
}

resource "usapi_account" "ani" {
  username     = "ani"
  password     = "Rahasia-Ani-2026"
  first_name   = "Ani"
  last_name    = "Lestari"
  email        = "ani@example.id"
  phone_number = "6281234567801"
  registration = "signup"
  mode         = "OTP"
  platform     = "ONMART"

  basic_profile {
    date_of_birth = "1996-04-15"
    gender        = "Perempuan"
    phone_number  = "6281234567801"
  }
}
`
	verificationConfig = `
provider "proofylink" {
  endpoint = "SANDBOX/proofylink"
  token    = "sandbox-proofylink-token"
}

resource "proofylink_verification" "ani" {
  consent              = "upload"
  verification_type_id = 1
  id_number            = "3171015504960001"
  full_name            = "Ani Lestari"
  email                = "ani@example.id"
  phone_number         = "6281234567801"
  ktp_image            = "ktp.jpg"
  form_consent         = "ktp.jpg"
}
`
	accountAddr      = "usapi_account.ani"
	verificationAddr = "proofylink_verification.ani"
	signupPath       = "/usapi/signup"
	uploadPath       = "/proofylink/api/v1/external/verifications/upload-consent"
)

// signUpAni registers ani as the configuration says (without the
// profile), or, with another username and password, someone else with
// her e-mail.
func (e *engine) signUpAni(username, password string) {
	e.post(signupPath, "Basic sandbox-usapi-key", map[string]string{
		"username": username, "password": password, "email": "ani@example.id", "first_name": "Ani",
		"last_name": "Lestari", "phone_number": "6281234567801", "mode": "OTP", "platform": "ONMART",
	})
}

// verifyAni creates the configured verification of Ani at Proofylink.
func (e *engine) verifyAni() {
	img := base64.StdEncoding.EncodeToString([]byte(ktpImage))
	e.post(uploadPath, "Bearer sandbox-proofylink-token", map[string]any{
		"verification_type_id": 1, "id_number": "3171015504960001", "full_name": "Ani Lestari",
		"email": "ani@example.id", "phone_number": "6281234567801", "ktp_image": img, "form_consent": img,
	})
}
