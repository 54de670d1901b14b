package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSavedBatchPlanHoldsNoSecret: a batch of more than a hundred rows is
// planned with its creates packed, and a saved plan copies each packed
// create into the file with its sensitive attributes written unknown as
// it goes (no decoding). Neither the file nor what show prints of it
// holds an account's password or a verification's NIK, from a schema's
// sensitive attributes (no sensitive variable marks them).
func TestSavedBatchPlanHoldsNoSecret(t *testing.T) {
	const password = "Batch-Onboarding-2026"
	dir := example(t, "batch")
	editFile(t, filepath.Join(dir, "main.hcl"), "  password     = var.initial_password\n", "  password     = \""+password+"\"\n")
	var csv strings.Builder
	csv.WriteString("username,first_name,last_name,email,phone_number,nik,ktp\n")
	var niks []string
	for i := range 150 {
		nik := fmt.Sprintf("327301%02d%02d90%04d", i%28+1, i%12+1, i+1)
		niks = append(niks, nik)
		fmt.Fprintf(&csv, "p%04d,Nama%d,Keluarga%d,p%04d@example.id,62813%08d,%s,ktp/p1.jpg\n", i, i, i, i, i, nik)
	}
	if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, 0, dir, "plan", "-out=batch.plan")
	file, err := os.ReadFile(filepath.Join(dir, "batch.plan"))
	if err != nil {
		t.Fatal(err)
	}
	show := must(t, 0, dir, "show", "batch.plan")
	showJSON := must(t, 0, dir, "show", "-json", "batch.plan")
	contains(t, showJSON, `"p0149"`) // the last row is in the plan
	// The file's values are msgpack in Base64: read them decoded too.
	var decoded strings.Builder
	for _, view := range newLeakScan(t, "").views(file, 0) {
		decoded.Write(view)
		decoded.WriteByte('\n')
	}
	for name, text := range map[string]string{"the plan file": decoded.String(), "show": show.stdout + show.stderr, "show -json": showJSON.stdout + showJSON.stderr} {
		if strings.Contains(text, password) {
			t.Errorf("%s holds the accounts' password", name)
		}
		for _, nik := range niks {
			if strings.Contains(text, nik) {
				t.Errorf("%s holds the NIK %s", name, nik)
				break
			}
		}
	}
}
