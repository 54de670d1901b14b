package proofylink

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// TestPlanInputs: what a verification's plan reads besides its
// configuration is its files' paths, sizes and modification times; a
// file touched or resized changes it, a file gone or archive_reports (whose
// plan depends on the prior value) declines, as does an unconfigured
// provider.
func TestPlanInputs(t *testing.T) {
	if _, ok := New().PlanInputs(verificationType, config(nil)); ok {
		t.Fatal("PlanInputs accepted before Configure")
	}
	e := newEnv(t, "http://127.0.0.1:1")
	cfg := configFor(consentUpload, nil)
	first, ok := e.p.PlanInputs(verificationType, cfg)
	if !ok {
		t.Fatal("PlanInputs declined a valid configuration")
	}
	if again, _ := e.p.PlanInputs(verificationType, cfg); !bytes.Equal(first, again) {
		t.Fatalf("PlanInputs differs between two calls: %q, %q", first, again)
	}
	if other, ok := e.p.PlanInputs(verificationType, config(nil)); !ok || bytes.Equal(first, other) {
		t.Errorf("PlanInputs without the consent form: %q (ok %v), the same as with it", other, ok)
	}
	if _, ok := e.p.PlanInputs(verificationType, configFor(consentUpload, map[string]cty.Value{"archive_reports": cty.True})); ok {
		t.Error("PlanInputs accepted archive_reports")
	}
	if _, ok := e.p.PlanInputs(verificationType, configFor(consentUpload, map[string]cty.Value{"archive_reports": cty.False})); !ok {
		t.Error("PlanInputs declined archive_reports = false")
	}

	ktp := filepath.Join(e.baseDir, ktpPath)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(ktp, later, later); err != nil {
		t.Fatal(err)
	}
	touched, ok := e.p.PlanInputs(verificationType, cfg)
	if !ok || bytes.Equal(first, touched) {
		t.Errorf("PlanInputs after the KTP image was touched: %q (ok %v), want another answer", touched, ok)
	}
	writeFile(t, filepath.Join(e.baseDir, consentPath), []byte("%PDF-1.4 another consent, longer"))
	if resized, ok := e.p.PlanInputs(verificationType, cfg); !ok || bytes.Equal(touched, resized) {
		t.Errorf("PlanInputs after the consent form changed: %q (ok %v), want another answer", resized, ok)
	}
	if err := os.Remove(ktp); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.p.PlanInputs(verificationType, cfg); ok {
		t.Error("PlanInputs accepted a KTP image that is gone")
	}
}
