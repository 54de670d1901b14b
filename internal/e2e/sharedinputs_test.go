package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestBatchSharedInputsChangedArePlanned: what every row of a batch
// shares, which a plan now reads once per run (the consent form's stamp,
// the encoding of a literal attribute), still decides each row's plan:
// after an apply of examples/batch, a consent form that grew, then a
// literal verification_type_id changed, are planned for every
// verification, one row's KTP image named otherwise for that row only, and
// with each put back, in the next run, for none.
func TestBatchSharedInputsChangedArePlanned(t *testing.T) {
	dir := example(t, "batch")
	must(t, 0, dir, "apply", "-auto-approve")
	rows := []string{}
	for _, line := range strings.Split(readFile(t, filepath.Join(dir, "people.csv")), "\n")[1:] {
		if name, _, ok := strings.Cut(line, ","); ok {
			rows = append(rows, name)
		}
	}
	if len(rows) < 3 {
		t.Fatalf("examples/batch has %d rows", len(rows))
	}
	verifications := func(want ...string) {
		t.Helper()
		r := daftar(t, dir, "plan", "-detailed-exitcode")
		got := plannedVerifications(r.stdout)
		slices.Sort(want)
		none := lastLine(r) == "Plan: 0 to add, 0 to change, 0 to replace, 0 to forget." || strings.HasPrefix(lastLine(r), "No changes.")
		if !slices.Equal(got, want) || (len(want) == 0) != none || (r.code != 0 && r.code != 2) {
			t.Fatalf("plan planned the verifications %v (exit %d), want %v:\n%s", got, r.code, want, r)
		}
	}
	verifications()

	form := filepath.Join(dir, "consent", "form.pdf")
	original := readFile(t, form)
	info, err := os.Stat(form)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, form, original+" signed again")
	verifications(rows...)
	writeFile(t, form, original)
	if err := os.Chtimes(form, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	verifications()

	mainHCL := filepath.Join(dir, "main.hcl")
	editFile(t, mainHCL, "verification_type_id = 1\n", "verification_type_id = 2\n")
	verifications(rows...)
	editFile(t, mainHCL, "verification_type_id = 2\n", "verification_type_id = 1\n")
	verifications()

	people := filepath.Join(dir, "people.csv")
	csv := readFile(t, people)
	row := regexp.MustCompile(`(?m)^` + rows[1] + `,.*,(ktp/p\d\.jpg)$`).FindStringSubmatch(csv)
	if row == nil || row[1] == "ktp/p5.jpg" {
		t.Fatalf("%s's row in people.csv: %q", rows[1], row)
	}
	writeFile(t, people, strings.Replace(csv, row[0], strings.TrimSuffix(row[0], row[1])+"ktp/p5.jpg", 1))
	verifications(rows[1])
	writeFile(t, people, csv)
	verifications()
}

// writeFile writes data at path, as the test means it to be.
func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// plannedVerifications are the verifications a printed plan shows a
// change for, sorted by their keys.
func plannedVerifications(plan string) []string {
	var keys []string
	for _, m := range regexp.MustCompile(`(?m)^  # proofylink_verification\.person\["([^"]+)"\]`).FindAllStringSubmatch(plan, -1) {
		keys = append(keys, m[1])
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
