package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// reopen closes h's sandbox and opens a new one on the same directory and
// clock.
func reopen(t *testing.T, h *harness, opts Options) *harness {
	t.Helper()
	h.ts.Close()
	if err := h.srv.Close(); err != nil {
		t.Fatal(err)
	}
	opts.Now = h.clock.Now
	next := newHarness(t, opts)
	next.clock = h.clock
	return next
}

func TestPersistenceAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, Options{DataDir: dir, Tokens: 10})
	register(h, accountFields("ani", "ani@example.com", "6281234567"))
	token := login(h, "ani", "pw-ani")
	body, ct := multipartBody(t, map[string]string{"basic_profile": docBasicProfile}, nil)
	h.postMultipart("/usapi/update-basic-profile", body, ct, "Authorization", "Bearer "+token)
	code := h.mustCreate("own", verificationFields("own"))
	before := h.state()

	h = reopen(t, h, Options{DataDir: dir, Tokens: 500}) // a persisted balance wins
	after := h.state()
	if jsonBody(t, before.Accounts) != jsonBody(t, after.Accounts) ||
		jsonBody(t, before.Verifications) != jsonBody(t, after.Verifications) || after.TokensLeft != 9 {
		t.Errorf("state changed across restart:\n%+v\n%+v", before, after)
	}
	login(h, "ani", "pw-ani") // the password digest survived
	register(h, accountFields("ani", "x@example.com", "6289999999")).expect(t, 400, `{"message":"Username already exist"}`)
	if r := h.do("GET", plBase+"/"+code, "", bearer...); r.status != 200 {
		t.Errorf("detail after restart: %d", r.status)
	}
	if next := h.mustCreate("email", verificationFields("email")); next != "EMP-260211-0002" {
		t.Errorf("sequence after restart: %s", next)
	}
	data, _ := os.ReadFile(filepath.Join(dir, recordsFile))
	if strings.Contains(string(data), "pw-ani") {
		t.Error("records.jsonl holds a password in clear")
	}
}

func TestTornLastLine(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, Options{DataDir: dir})
	register(h, accountFields("ani", "ani@example.com", "6281234567"))
	h.ts.Close()
	h.srv.Close()
	path := filepath.Join(dir, recordsFile)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"op":"account","account":{"username":"half`) // a write cut by kill -9
	f.Close()

	h2 := newHarness(t, Options{DataDir: dir, Now: h.clock.Now})
	if n := len(h2.state().Accounts); n != 1 {
		t.Fatalf("accounts after torn line: %d", n)
	}
	register(h2, accountFields("budi", "budi@example.com", "6289876543")).expect(t, 200, `{"status":true,"message":"Account has been created"}`)
	h2.ts.Close()
	h2.srv.Close()

	h3 := newHarness(t, Options{DataDir: dir, Now: h.clock.Now})
	if n := len(h3.state().Accounts); n != 2 {
		t.Errorf("accounts after appending past a torn line: %d", n)
	}
}

func TestStoreRefusesDamage(t *testing.T) {
	cases := map[string]string{
		"corrupt middle line": "{\"op\":\"init\",\"version\":1,\"tokens\":5}\nnot json\n{\"op\":\"init\",\"version\":1}\n",
		"newer format":        "{\"op\":\"init\",\"version\":99,\"tokens\":5}\n",
		"unknown record":      "{\"op\":\"init\",\"version\":1}\n{\"op\":\"delete\"}\n",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, recordsFile), []byte(content), 0o600)
			if s, err := New(Options{DataDir: dir}); err == nil {
				s.Close()
				t.Fatal("opened a damaged store")
			} else if !strings.Contains(err.Error(), recordsFile) {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

func TestDataDirLock(t *testing.T) {
	dir := t.TempDir()
	first, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if second, err := New(Options{DataDir: dir}); err == nil {
		second.Close()
		t.Fatal("two sandboxes share a data directory")
	} else if !strings.Contains(err.Error(), "in use") {
		t.Errorf("error %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatalf("lock not released by Close: %v", err)
	}
	again.Close()
}

func TestClosedServerCommitsNothing(t *testing.T) {
	h := newHarness(t, Options{DataDir: t.TempDir()})
	h.srv.Close()
	r := register(h, accountFields("ani", "ani@example.com", "6281234567"))
	if r.status != 500 {
		t.Errorf("register after Close: %d %s", r.status, r.body)
	}
}

func TestStartAndClose(t *testing.T) {
	s, err := New(Options{VerifyDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Start("127.0.0.1:0")
	if err != nil || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("Start: %q %v", base, err)
	}
	res, err := httpGet(base + "/_sandbox/state")
	if err != nil || res != 200 {
		t.Fatalf("state: %d %v", res, err)
	}
	if _, err := s.Start("127.0.0.1:0"); err == nil {
		t.Error("Start twice succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := httpGet(base + "/_sandbox/state"); err == nil {
		t.Error("still serving after Close")
	}
}
