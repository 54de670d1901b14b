package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const verificationsHCL = `
provider "proofylink" {
  endpoint   = "sandbox"
  token      = "sandbox-proofylink-token"
  rate_limit = 50
}

locals {
  people = {
    ani  = { name = "Ani Lestari", nik = "3171015504960001", phone = "6281234567801" }
    budi = { name = "Budi Santoso", nik = "3171011208900002", phone = "6281234567802" }
  }
}

resource "proofylink_verification" "check" {
  for_each = local.people

  consent              = "own"
  verification_type_id = 1
  id_number            = each.value.nik
  full_name            = each.value.name
  email                = "${each.key}@example.id"
  phone_number         = each.value.phone
  ktp_image            = "ktp/${each.key}.jpg"

  consent_metadata {
    user_agent   = "Mozilla/5.0"
    ip_address   = "203.0.113.10"
    device_type  = "desktop"
    browser_info = "Firefox 133"
    os           = "Linux"
    timestamp    = "2026-11-01T09:00:00+07:00"
  }
}

output "codes" {
  value = { for k, v in proofylink_verification.check : k => v.reference_code }
}
`

// auditLine is what the test reads of an audit log line.
type auditLine struct {
	Event    string `json:"event"`
	Command  string `json:"command"`
	Provider string `json:"provider"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	Resource string `json:"resource"`
}

// proofylinkRequests counts the Proofylink requests of the audit log
// from line from on: list pages, detail reads and creates.
func proofylinkRequests(t *testing.T, dir string, from int) (lists, details, creates, lines int) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "daftar.audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines++
		if lines <= from {
			continue
		}
		var l auditLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		path := strings.TrimPrefix(l.Path, "/proofylink")
		switch {
		case l.Event != "request": // a "sent" line before a create, evidence lines
		case l.Provider != "proofylink":
		case l.Method == "POST":
			creates++
		case strings.HasPrefix(path, "/api/v1/external/verifications?"):
			lists++
		case strings.HasPrefix(path, "/api/v1/external/verifications/"):
			details++
		}
	}
	return lists, details, creates, lines
}

func codesOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	r := must(t, 0, dir, "output", "-json", "codes")
	var codes map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &codes); err != nil {
		t.Fatalf("output codes: %v\n%s", err, r)
	}
	return codes
}

// A lost state does not pay twice: the next plan finds both verifications
// at Proofylink (one list pass, a detail for each match), creates nothing
// and names the reference codes; import settles one, allow_repeat spends
// a token for the other on purpose.
func TestLostStateDoesNotPayTwice(t *testing.T) {
	dir := example(t, "quickstart")
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(verificationsHCL), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, 0, dir, "apply", "-auto-approve")
	first := codesOf(t, dir)
	_, _, _, seen := proofylinkRequests(t, dir, 0)

	// A plan without a create reads no list.
	must(t, 0, dir, "plan", "-detailed-exitcode")
	lists, _, creates, seen := proofylinkRequests(t, dir, seen)
	if lists != 0 || creates != 0 {
		t.Errorf("a plan without creates made %d list requests and %d creates", lists, creates)
	}

	// The state is lost (a new machine, a deleted file).
	for _, p := range []string{"daftar.state.json", "daftar.state.json.backup", ".daftar/journal"} {
		os.RemoveAll(filepath.Join(dir, p))
	}
	// Exit 2: no resource changes, but the outputs the lost state held
	// are new (known after apply), an output-only change.
	r := must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r,
		"Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.",
		"Already at the remote, not created",
		`proofylink_verification.check["ani"]: already verified as `+first["ani"]+" on ",
		`daftar import 'proofylink_verification.check["budi"]' `+first["budi"],
		"allow_repeat = true")
	if !regexp.MustCompile(`main\.hcl:\d+`).MatchString(r.stderr + r.stdout) {
		t.Errorf("the warning names no file:line:\n%s", r)
	}
	if strings.Contains(r.stdout, "spends") || strings.Contains(r.stdout+r.stderr, "3171015504960001") {
		t.Errorf("the plan spends, or shows a NIK in clear:\n%s", r)
	}
	lists, details, creates, seen := proofylinkRequests(t, dir, seen)
	if lists != 1 || details != 2 || creates != 0 {
		t.Errorf("the guard made %d list requests, %d detail reads and %d creates; want 1, 2 and 0", lists, details, creates)
	}

	// An apply creates nothing either, and succeeds: outputs that read
	// the verifications are not known until they are settled.
	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 0 added, 0 changed, 0 replaced, 0 forgotten.", "already verified as "+first["ani"])
	if _, _, creates, _ := proofylinkRequests(t, dir, seen); creates != 0 {
		t.Errorf("the apply sent %d creates", creates)
	}

	// Import settles one; the other is still not created.
	must(t, 0, dir, "import", `proofylink_verification.check["ani"]`, first["ani"])
	r = must(t, 0, dir, "plan")
	contains(t, r, `proofylink_verification.check["budi"]: already verified as `+first["budi"])
	if strings.Contains(r.stdout, `check["ani"]: already`) {
		t.Errorf("the imported verification is still reported:\n%s", r)
	}

	// allow_repeat screens Budi again, on purpose: one token.
	editFile(t, filepath.Join(dir, "main.hcl"), "  consent              = \"own\"\n", "  consent              = \"own\"\n  allow_repeat         = each.key == \"budi\"\n")
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, "Plan: 1 to add, 1 to change, 0 to replace, 0 to forget.", "This plan spends 1 Proofylink tokens")
	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 1 added, 1 changed")
	_, _, creates, _ = proofylinkRequests(t, dir, seen)
	if creates != 1 {
		t.Errorf("%d creates after the state was lost, want 1 (Budi's repeat)", creates)
	}
	again := codesOf(t, dir)
	if again["ani"] != first["ani"] || again["budi"] == first["budi"] || again["budi"] == "" {
		t.Errorf("codes %v after the repeat, first %v", again, first)
	}
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	if got := lastLine(r); got != "No changes. The remote records match the configuration." {
		t.Errorf("last plan: %q\n%s", got, r)
	}
}
