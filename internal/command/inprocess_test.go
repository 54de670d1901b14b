package command_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/clitest"
	"github.com/daftar-dev/daftar/internal/command"
	"github.com/daftar-dev/daftar/sandbox"
)

// The commands run in process (internal/clitest) against a sandbox served
// by the test process: a plan, an apply, the records at the sandbox, and
// a second plan with nothing to do.
func TestInProcessApplyAgainstSandbox(t *testing.T) {
	sb := clitest.StartSandbox(t, sandbox.Options{})
	dir := accountDir(t, sb.URL()+"/usapi")
	if r := clitest.Run(t, dir, nil, "plan"); r.Code != 0 || !strings.Contains(r.Stdout, "1 to add") {
		t.Fatalf("plan:\n%s", r)
	}
	if r := clitest.Run(t, dir, nil, "apply", "-auto-approve"); r.Code != 0 {
		t.Fatalf("apply:\n%s", r)
	}
	var records struct {
		Accounts []struct {
			Username string `json:"username"`
		} `json:"usapi_accounts"`
	}
	sb.State(&records)
	if len(records.Accounts) != 1 || records.Accounts[0].Username != "ani" {
		t.Fatalf("the sandbox holds %+v, want the account ani", records.Accounts)
	}
	if r := clitest.Run(t, dir, nil, "plan", "-detailed-exitcode"); r.Code != 0 || !strings.Contains(r.Stdout, "No changes.") {
		t.Fatalf("second plan:\n%s", r)
	}
}

// -chdir changes the process's working directory while the command runs
// (relative paths are the configuration directory's); Run returns to
// where it started, so that the next command in process, and the test,
// find their own. (command.Run is called directly: clitest would return
// on its own.)
func TestRunReturnsFromChdir(t *testing.T) {
	sb := clitest.StartSandbox(t, sandbox.Options{})
	dir := accountDir(t, sb.URL()+"/usapi")
	outside := t.TempDir()
	t.Chdir(outside)
	for _, args := range [][]string{{"-chdir=" + dir, "plan", "-out=saved.plan"}, {"-chdir", dir, "validate"}, {"__complete", "-chdir=" + dir, "state", "list", ""}} {
		var stdout, stderr strings.Builder
		code := command.Run(args, command.IO{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Environ: clitest.Env()})
		if code != 0 {
			t.Fatalf("daftar %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
		}
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		if same(t, wd, outside) == false {
			t.Errorf("after daftar %s the working directory is %s, want %s", strings.Join(args, " "), wd, outside)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "saved.plan")); err != nil {
		t.Errorf("the plan file was not written in the -chdir directory: %v", err)
	}
}

func same(t *testing.T, a, b string) bool {
	t.Helper()
	ia, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	ib, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(ia, ib)
}

// The digest key is read from the environment the command was given
// (IO.Environ), not from the process's: a key there means no key file is
// made, and without one the key file is created.
func TestDigestKeyFromTheCommandsEnvironment(t *testing.T) {
	sb := clitest.StartSandbox(t, sandbox.Options{})
	keyFile := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, ".daftar", "digest.key"))
		return err == nil
	}
	withKey := accountDir(t, sb.URL()+"/usapi")
	key := "DAFTAR_DIGEST_KEY=" + hex.EncodeToString([]byte(strings.Repeat("k", 32)))
	if r := clitest.Run(t, withKey, []string{key}, "plan"); r.Code != 0 {
		t.Fatalf("plan:\n%s", r)
	}
	if keyFile(withKey) {
		t.Error("a digest key file was made although the command's environment holds DAFTAR_DIGEST_KEY")
	}
	without := accountDir(t, sb.URL()+"/usapi")
	if r := clitest.Run(t, without, nil, "plan"); r.Code != 0 {
		t.Fatalf("plan:\n%s", r)
	}
	if !keyFile(without) {
		t.Error("no digest key file was made without DAFTAR_DIGEST_KEY")
	}
}

// accountDir writes a configuration of one USAPI account at endpoint.
func accountDir(t *testing.T, endpoint string) string {
	t.Helper()
	dir := t.TempDir()
	src := `provider "usapi" {
  endpoint   = "` + endpoint + `"
  basic_auth = "sandbox-usapi-key"
  rate_limit = 0
}

resource "usapi_account" "ani" {
  username     = "ani"
  password     = "Selamat-Datang-2026"
  first_name   = "Ani"
  last_name    = "Lestari"
  email        = "ani@example.id"
  phone_number = "6281234567801"
  registration = "signup"
  mode         = "OTP"
  platform     = "ONMART"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
