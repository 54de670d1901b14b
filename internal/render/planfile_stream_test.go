package render

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/google/go-cmp/cmp"
)

type testDigester string

func (k testDigester) Digest(purpose string, value []byte) string {
	mac := hmac.New(sha256.New, []byte(k))
	mac.Write([]byte(purpose))
	mac.Write(value)
	return "hmac-sha256:" + hex.EncodeToString(mac.Sum(nil))
}

// TestPlanFileStreamsTheSameBytes: show -json PLANFILE and show PLANFILE,
// which render a plan file's changes as a Reader hands them out, write
// the bytes of rendering the whole plan loaded from the same file (what
// they did before they streamed).
func TestPlanFileStreamsTheSameBytes(t *testing.T) {
	for name, mk := range map[string]func(*testing.T) *plans.Plan{
		"empty":  func(*testing.T) *plans.Plan { return &plans.Plan{} },
		"sample": samplePlan,
		"rich":   richPlan,
	} {
		t.Run(name, func(t *testing.T) {
			var file bytes.Buffer
			if err := plans.SaveSealed(&file, mk(t), testDigester("k")); err != nil {
				t.Fatal(err)
			}
			whole, err := plans.Load(bytes.NewReader(file.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			for format, render := range map[string]struct {
				whole  func(*bytes.Buffer, *plans.Plan) error
				stream func(*bytes.Buffer, *plans.Plan, plans.ChangeSource) error
			}{
				"json": {
					func(b *bytes.Buffer, p *plans.Plan) error { return PlanJSON(b, p) },
					func(b *bytes.Buffer, p *plans.Plan, src plans.ChangeSource) error { return PlanJSONFrom(b, p, src) },
				},
				"human": {
					func(b *bytes.Buffer, p *plans.Plan) error { Plan(b, p); return nil },
					func(b *bytes.Buffer, p *plans.Plan, src plans.ChangeSource) error { return PlanFrom(b, p, src) },
				},
			} {
				var want, got bytes.Buffer
				if err := render.whole(&want, whole); err != nil {
					t.Fatal(err)
				}
				rd, err := plans.NewReader(bytes.NewReader(file.Bytes()), testDigester("k"))
				if err != nil {
					t.Fatal(err)
				}
				if err := render.stream(&got, rd.Plan(), rd); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want.String(), got.String()); diff != "" {
					t.Errorf("%s: streamed differs from the whole plan (-whole +streamed):\n%s", format, diff)
				}
			}
		})
	}
}

// TestPlanFileStreamSealBroken: a plan file changed after it was sealed
// fails at the end of the streamed rendering, with ErrSealBroken.
func TestPlanFileStreamSealBroken(t *testing.T) {
	var file bytes.Buffer
	if err := plans.SaveSealed(&file, richPlan(t), testDigester("k")); err != nil {
		t.Fatal(err)
	}
	data := bytes.Replace(file.Bytes(), []byte(`"serial":42`), []byte(`"serial":43`), 1)
	rd, err := plans.NewReader(bytes.NewReader(data), testDigester("k"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := PlanJSONFrom(&out, rd.Plan(), rd); err != plans.ErrSealBroken {
		t.Fatalf("got %v, want ErrSealBroken", err)
	}
}
