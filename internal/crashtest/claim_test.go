package crashtest

import (
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state/backendtest"
)

// Two addresses screen the same subject on purpose (one name, NIK, phone
// and type), both creates were interrupted, and the remote holds one
// verification: one address adopts it; the other never holds it too. It
// is "not created" when its search saw the record claimed (one record for
// two creates: one did not happen), undecided when the two searches ran
// at once and it lost the claim.
func TestOneRecordNeverAdoptedTwice(t *testing.T) {
	twice := verificationConfig + strings.ReplaceAll(verificationConfig[strings.Index(verificationConfig, `resource "proofylink_verification"`):],
		`"ani"`, `"ani_again"`)
	e := newEngine(t, twice)
	e.pending(verificationAddr, time.Now().Add(-30*time.Second))
	e.pending("proofylink_verification.ani_again", time.Now().Add(-30*time.Second))
	e.verifyAni()
	code := e.records().Verifications[0].ReferenceCode
	_, plan := e.apply(plans.Options{})
	var adopter, other string
	for _, r := range plan.Resolutions {
		switch {
		case r.Outcome == "adopted" && adopter == "":
			adopter = r.Addr.String()
		case r.Outcome == "not-created" && strings.Contains(r.Message, code+" belongs to "+adopter),
			r.Outcome == "undecided" && strings.Contains(r.Message, "is held by"):
			other = r.Addr.String()
		}
	}
	if len(plan.Resolutions) != 2 || adopter == "" || other == "" {
		t.Fatalf("resolutions %+v, want one adopted and the other not created or undecided, naming the holder", plan.Resolutions)
	}
	if rec := e.stored(adopter); rec == nil || rec.Pending() != nil || !strings.Contains(string(backendtest.AttrsOf(rec)), code) {
		t.Errorf("%s must hold %s: %+v", adopter, code, rec)
	}
	if rec := e.stored(other); rec != nil && strings.Contains(string(backendtest.AttrsOf(rec)), code) {
		t.Errorf("%s holds %s too: %+v", other, code, rec)
	}
}
