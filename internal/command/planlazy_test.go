package command

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/sandbox"
)

// TestPlanKeepsABatchsCreatesLazily: plan, printed alone, keeps a batch's
// creates and its refreshed outcomes as apply's plan does
// (planner.Request.LazyCreates), and prints byte for byte what the same
// plan made whole prints (plan -out, whose file lists every change): the
// lean batch's accounts, then a verification per account, then their
// outcomes. plan -out and plan -json keep none lazily.
func TestPlanKeepsABatchsCreatesLazily(t *testing.T) {
	srv, err := sandbox.New(sandbox.Options{DataDir: t.TempDir(), VerifyDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("username,first_name,last_name,email,phone_number,nik\n")
	const n = 150 // more than a batch's 100 instances
	for i := range n {
		fmt.Fprintf(&csv, "user%03d,Ani%d,Lestari,user%03d@example.co.id,62812%08d,317101010190%04d\n", i, i, i, i, i)
	}
	writeFile(t, filepath.Join(dir, "people.csv"), csv.String())
	writeFile(t, filepath.Join(dir, "ktp.jpg"), "\xff\xd8\xff\xe0 a KTP photo\xff\xd9")
	accounts := fmt.Sprintf(`
provider "usapi" {
  endpoint   = "%[1]s/usapi"
  basic_auth = "sandbox-usapi-key"
  rate_limit = 0
}

provider "proofylink" {
  endpoint   = "%[1]s/proofylink"
  token      = "sandbox-proofylink-token"
  rate_limit = 0
}

locals {
  people = { for row in csvdecode(file("people.csv")) : row.username => row }
}

resource "usapi_account" "person" {
  for_each     = local.people
  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = each.value.email
  phone_number = each.value.phone_number
  registration = "internal"
}
`, url)
	verifications := `resource "proofylink_verification" "person" {
  for_each             = local.people
  consent              = "upload"
  verification_type_id = 1
  id_number            = each.value.nik
  full_name            = "${each.value.first_name} ${each.value.last_name}"
  email                = usapi_account.person[each.key].email
  phone_number         = each.value.phone_number
  ktp_image            = "ktp.jpg"
  form_consent         = "ktp.jpg"
}

output "verifications" {
  value = length(proofylink_verification.person)
}
`

	var lazy int
	planHook = func(res *planner.Result) { lazy = len(res.Plan.Lazy) }
	t.Cleanup(func() { planHook = nil })
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr strings.Builder
		code := Run(append([]string{"-chdir=" + dir}, args...), IO{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Environ: testEnviron()})
		if code != 0 && code != exitChanges {
			t.Fatalf("daftar %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	// The lean batch's creates, then the verifications' creates (their
	// accounts' e-mails known), then the verifications' outcomes.
	for _, stage := range []struct{ name, config, want string }{
		{"the accounts", accounts, "Plan: 150 to add, 0 to change"},
		{"the verifications", accounts + verifications, "Plan: 150 to add, 0 to change"},
		{"their outcomes", accounts + verifications, "150 verifications finished since the last run"},
	} {
		writeFile(t, filepath.Join(dir, "main.hcl"), stage.config)
		printed := run("plan", "-detailed-exitcode")
		if !strings.Contains(printed, stage.want) {
			t.Errorf("%s: plan printed\n%s\nwant %q", stage.name, printed, stage.want)
		}
		if lazy == 0 {
			t.Errorf("%s: plan kept no lazy block", stage.name)
		}
		saved := run("plan", "-detailed-exitcode", "-out=saved.plan")
		if lazy != 0 {
			t.Errorf("%s: plan -out kept %d lazy blocks, want none", stage.name, lazy)
		}
		saved, _, _ = strings.Cut(saved, "\nSaved the plan to: ")
		if printed != saved {
			t.Errorf("%s: plan printed\n%s\nplan -out printed\n%s", stage.name, printed, saved)
		}
		run("plan", "-json")
		if lazy != 0 {
			t.Errorf("%s: plan -json kept %d lazy blocks, want none", stage.name, lazy)
		}
		run("apply", "-auto-approve")
	}
}

// testEnviron is the test process's environment without DAFTAR_
// variables, as internal/clitest gives commands.
func testEnviron() []string {
	var out []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DAFTAR_") {
			out = append(out, e)
		}
	}
	return out
}
