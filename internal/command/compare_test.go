package command

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
)

// TestComparePlansChecksDependencies: a saved plan whose change waited for
// one instance does not run as a re-plan where it waits for the whole
// resource.
func TestComparePlansChecksDependencies(t *testing.T) {
	v, _ := addrs.ParseInstance(`proofylink_verification.v["ani"]`)
	one, _ := addrs.ParseInstance(`usapi_account.p["ani"]`)
	whole, _ := addrs.ParseInstance(`usapi_account.p`)
	plan := func(dep addrs.Instance) *plans.Plan {
		return &plans.Plan{InputDigest: "d", Changes: []*plans.Change{{Addr: v, Action: plans.Create, DependsOn: []addrs.Instance{dep}}}}
	}
	if err := comparePlans(plan(one), plan(one)); err != nil {
		t.Fatalf("same plans: %v", err)
	}
	err := comparePlans(plan(one), plan(whole))
	if err == nil || !strings.Contains(err.Error(), `now waits for usapi_account.p, and the plan said usapi_account.p["ani"]`) {
		t.Fatalf("got %v", err)
	}
}
