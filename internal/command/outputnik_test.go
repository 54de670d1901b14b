package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputNIKNotKeptInClear checks that an output whose value holds a
// NIK (a map of the batch's NIKs, say) is kept in the state with the NIK
// masked, as it is shown, and that the next plan sees no change. Found in
// review: output -json showed 3171********0123 while daftar.state.json held
// 3171234567890123 in clear.
func TestOutputNIKNotKeptInClear(t *testing.T) {
	const nik = "3171234567890123"
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), `output "niks" {
  value = { ani = "`+nik+`", budi = "NIK 3171-2345-6789-0124" }
}
output "plain" {
  value = "3171"
}
`)
	mustRun(t, 0, dir, "apply", "-auto-approve")
	data, err := os.ReadFile(filepath.Join(dir, "daftar.state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), nik) || strings.Contains(string(data), "6789") || !strings.Contains(string(data), "3171********0123") {
		t.Errorf("the state keeps the NIKs of an output in clear:\n%s", data)
	}
	if out, _, code := runIn(t, dir, "plan", "-detailed-exitcode"); code != 0 {
		t.Errorf("plan after apply: exit %d:\n%s", code, out)
	}
}
