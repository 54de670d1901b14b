package executor_test

import (
	"fmt"
	"testing"
)

// TestBatchVerificationsPackedValuesSentOwnRow: an apply that plans its
// own batch of verifications (planner.Request.ApplyOnly) keeps each
// create packed as its attribute values alone (plans.Change.PackValues)
// until the executor reaches it; each is then sent with its own row's
// values and secret: the record of every verification holds what the
// sandbox answered for it, its own row's name, e-mail and NIK (masked by
// the API: the NIKs differ in their last four digits), and the second
// resource's the e-mail of the first's instance of its own key. It fails
// if a packed create is read back with another row's values, without its
// NIK, or in another attribute's place.
func TestBatchVerificationsPackedValuesSentOwnRow(t *testing.T) {
	const n = 120
	b := newOutcomeBatch(t, n)
	res, st, p := b.run(t)
	packed := 0
	for _, c := range res.Plan.Changes {
		if c.Deferred() {
			packed++
		}
	}
	if packed != 2*n {
		t.Fatalf("%d of %d creates packed", packed, 2*n)
	}
	if rep := b.apply(t, res, st, p); rep.Added != 2*n {
		t.Fatalf("added %d of %d", rep.Added, 2*n)
	}
	recs := b.records(t)
	digests := map[string]string{} // a NIK's digest: the key of its row
	for i := 0; i < n && !t.Failed(); i++ {
		key := fmt.Sprintf("p%03d", i)
		nik := fmt.Sprintf("327301010190%04d", i+1)
		for _, r := range []string{"p", "q"} {
			addr := fmt.Sprintf("proofylink_verification.%s[%q]", r, key)
			rec := recs[addr]
			if rec == nil {
				t.Fatalf("%s not recorded", addr)
			}
			raw, err := rec.Attributes()
			if err != nil {
				t.Fatal(err)
			}
			a := outcomeAttrs(t, raw)
			want := map[string]any{
				"full_name": "Nama " + key, "email": key + "@example.id", "id_number": nik[:4] + "********" + nik[len(nik)-4:],
				"phone_number": map[string]string{"p": "6281234567801", "q": "6281234567802"}[r],
				"ktp_image":    "ktp.jpg", "form_consent": "consent.pdf",
			}
			for name, w := range want {
				if a[name] != w {
					t.Errorf("%s: %s is %v, want %v", addr, name, a[name], w)
				}
			}
			if d, _ := a["id_number_digest"].(string); d == "" || digests[d] != "" && digests[d] != key {
				t.Errorf("%s: NIK digest %q, also %s's", addr, d, digests[d])
			} else {
				digests[d] = key
			}
			if a["reference_code"] == nil || a["reference_code"] == "" {
				t.Errorf("%s: no reference code", addr)
			}
		}
	}
}
