package planner_test

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
)

// TestBatchPackedConfigsChecked: a batch's creates keep their
// configurations encoded in the plan (plans.Change.Pack); a provider's
// check across instances that only the walk can make (the names read
// another resource's planned value, unknown to the pre-pass) still sees
// every configuration.
func TestBatchPackedConfigsChecked(t *testing.T) {
	const src = `
resource "fake_account" "base" {
  name = "b"
}
resource "fake_account" "p" {
  count = 150
  name  = "${fake_account.base.name}-${count.index % 149}"
}
`
	_, diags := run(t, src, nil, plans.Options{}, nil)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Duplicate account name") || !strings.Contains(diags.Error(), "fake_account.p[149]") {
		t.Fatalf("want the duplicate name of fake_account.p[149] reported, got: %v", diags)
	}
	res, diags := run(t, strings.Replace(src, "% 149", "% 150", 1), nil, plans.Options{}, nil)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	packed := 0
	for _, c := range res.Plan.Changes {
		if c.Deferred() {
			packed++
		}
	}
	if packed != 150 {
		t.Errorf("%d creates of fake_account.p kept encoded, want 150", packed)
	}
}
