package proofylink

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

// TestPlanInputs: what a verification's plan reads besides its
// configuration is its files' paths, sizes and modification times; a
// file touched or resized changes it, a file gone or archive_reports (whose
// plan depends on the prior value) declines, as does an unconfigured
// provider. Each file is looked at once per run: the same run keeps its
// first answer, the next run (Configure again) sees the change.
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

	// Within a run each file is looked at once: a file touched, resized
	// or removed later keeps its first answer; the next run (a new
	// Configure) sees the change.
	ktp := filepath.Join(e.baseDir, ktpPath)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(ktp, later, later); err != nil {
		t.Fatal(err)
	}
	if same, ok := e.p.PlanInputs(verificationType, cfg); !ok || !bytes.Equal(first, same) {
		t.Errorf("PlanInputs in the same run after the KTP image was touched: %q (ok %v), want the run's first answer %q", same, ok, first)
	}
	nextRun(t, e)
	touched, ok := e.p.PlanInputs(verificationType, cfg)
	if !ok || bytes.Equal(first, touched) {
		t.Errorf("PlanInputs of the next run after the KTP image was touched: %q (ok %v), want another answer", touched, ok)
	}
	writeFile(t, filepath.Join(e.baseDir, consentPath), []byte("%PDF-1.4 another consent, longer"))
	nextRun(t, e)
	if resized, ok := e.p.PlanInputs(verificationType, cfg); !ok || bytes.Equal(touched, resized) {
		t.Errorf("PlanInputs after the consent form changed: %q (ok %v), want another answer", resized, ok)
	}
	if err := os.Remove(ktp); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.p.PlanInputs(verificationType, cfg); !ok {
		t.Error("PlanInputs of the same run declined a KTP image it had seen")
	}
	nextRun(t, e)
	if _, ok := e.p.PlanInputs(verificationType, cfg); ok {
		t.Error("PlanInputs accepted a KTP image that is gone")
	}
	// A file missing when first asked about stays declined for the run.
	writeFile(t, ktp, []byte("\xff\xd8\xff\xe0 back"))
	if _, ok := e.p.PlanInputs(verificationType, cfg); ok {
		t.Error("PlanInputs of the same run accepted a KTP image it had found missing")
	}
	nextRun(t, e)
	if _, ok := e.p.PlanInputs(verificationType, cfg); !ok {
		t.Error("PlanInputs of the next run declined the KTP image written back")
	}
}

// nextRun configures e's provider again, as the next run of daftar does
// (a provider instance lives for one run).
func nextRun(t *testing.T, e *env) {
	t.Helper()
	mustNoErrors(t, e.p.Configure(context.Background(), providers.ConfigureRequest{
		Config: cty.ObjectVal(map[string]cty.Value{
			"endpoint":        cty.StringVal("http://127.0.0.1:1"),
			"token":           cty.StringVal(sandbox.ProofylinkToken),
			"rate_limit":      cty.NullVal(cty.Number),
			"duplicate_check": cty.False,
		}),
		Endpoint: "http://127.0.0.1:1",
		BaseDir:  e.baseDir,
		Digester: secrets.NewDigester([]byte("0123456789abcdef0123456789abcdef")),
	}))
}

// TestPlanInputsBeforeConfigure: told the configuration directory before
// Configure (SetBaseDir, as the engine does before a plan's pre-pass),
// PlanInputs answers what a configured provider answers, resolving the
// files against that directory; Configure with the same directory keeps
// each file's first stamp, so that the walk computes exactly the pre-pass's
// digest even for a file touched in between, and the next run (a new
// provider) sees the change. Configure with another directory starts
// afresh.
func TestPlanInputsBeforeConfigure(t *testing.T) {
	e := newEnv(t, "http://127.0.0.1:1")
	cfg := configFor(consentUpload, nil)
	configured, ok := e.p.PlanInputs(verificationType, cfg)
	if !ok {
		t.Fatal("PlanInputs of a configured provider declined")
	}

	p := New()
	if _, ok := p.PlanInputs(verificationType, cfg); ok {
		t.Fatal("PlanInputs accepted before the configuration directory was told")
	}
	p.SetBaseDir(e.baseDir)
	before, ok := p.PlanInputs(verificationType, cfg)
	if !ok || !bytes.Equal(before, configured) {
		t.Fatalf("PlanInputs before Configure: %q (ok %v), want the configured provider's %q", before, ok, configured)
	}
	ktp := filepath.Join(e.baseDir, ktpPath)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(ktp, later, later); err != nil {
		t.Fatal(err)
	}
	configureAt(t, p, e.baseDir)
	if after, ok := p.PlanInputs(verificationType, cfg); !ok || !bytes.Equal(after, before) {
		t.Errorf("PlanInputs after Configure, the KTP image touched in between: %q (ok %v), want the pre-Configure answer %q", after, ok, before)
	}
	next := New()
	next.SetBaseDir(e.baseDir)
	if touched, ok := next.PlanInputs(verificationType, cfg); !ok || bytes.Equal(touched, before) {
		t.Errorf("PlanInputs of the next run after the KTP image was touched: %q (ok %v), want another answer", touched, ok)
	}

	// Another directory at Configure: its own files, its own stamps.
	other := newEnv(t, "http://127.0.0.1:1")
	moved := New()
	moved.SetBaseDir(e.baseDir)
	if _, ok := moved.PlanInputs(verificationType, cfg); !ok {
		t.Fatal("PlanInputs declined before Configure")
	}
	configureAt(t, moved, other.baseDir)
	want, _ := other.p.PlanInputs(verificationType, cfg)
	if got, ok := moved.PlanInputs(verificationType, cfg); !ok || !bytes.Equal(got, want) {
		t.Errorf("PlanInputs configured at another directory: %q (ok %v), want that directory's %q", got, ok, want)
	}
}

// configureAt configures p with baseDir.
func configureAt(t *testing.T, p *Provider, baseDir string) {
	t.Helper()
	mustNoErrors(t, p.Configure(context.Background(), providers.ConfigureRequest{
		Config: cty.ObjectVal(map[string]cty.Value{
			"endpoint":        cty.StringVal("http://127.0.0.1:1"),
			"token":           cty.StringVal(sandbox.ProofylinkToken),
			"rate_limit":      cty.NullVal(cty.Number),
			"duplicate_check": cty.False,
		}),
		Endpoint: "http://127.0.0.1:1",
		BaseDir:  baseDir,
		Digester: secrets.NewDigester([]byte("0123456789abcdef0123456789abcdef")),
	}))
}

// TestPlanInputsAttrsAsObject: PlanInputsAttrs answers from a
// configuration's attributes what PlanInputs answers from its object,
// before and after Configure, for files present, missing, null, unknown
// or of another type, archive_reports set, unset or unknown, attributes
// the object lacks, and another resource type.
func TestPlanInputsAttrsAsObject(t *testing.T) {
	s := cty.StringVal
	without := func(cfg cty.Value, name string) cty.Value {
		m := cfg.AsValueMap()
		delete(m, name)
		return cty.ObjectVal(m)
	}
	configs := map[string]cty.Value{
		"email":              config(nil),
		"upload":             configFor(consentUpload, nil),
		"archive":            configFor(consentUpload, map[string]cty.Value{"archive_reports": cty.True}),
		"archive false":      configFor(consentUpload, map[string]cty.Value{"archive_reports": cty.False}),
		"archive unknown":    configFor(consentUpload, map[string]cty.Value{"archive_reports": cty.UnknownVal(cty.Bool)}),
		"no archive attr":    without(configFor(consentUpload, nil), "archive_reports"),
		"KTP missing":        config(map[string]cty.Value{"ktp_image": s("ktp/none.jpg")}),
		"KTP unknown":        config(map[string]cty.Value{"ktp_image": cty.UnknownVal(cty.String)}),
		"KTP null":           config(map[string]cty.Value{"ktp_image": cty.NullVal(cty.String)}),
		"KTP a number":       config(map[string]cty.Value{"ktp_image": cty.NumberIntVal(1)}),
		"no KTP attr":        without(config(nil), "ktp_image"),
		"form unknown":       configFor(consentUpload, map[string]cty.Value{"form_consent": cty.UnknownVal(cty.String)}),
		"form a folder":      configFor(consentUpload, map[string]cty.Value{"form_consent": s("ktp")}),
		"no form attr":       without(config(nil), "form_consent"),
		"other NIK and name": config(map[string]cty.Value{"id_number": s(testNIK2), "full_name": s("Budi")}),
	}
	unconfigured := New()
	e := newEnv(t, "http://127.0.0.1:1")
	var answered int
	for name, cfg := range configs {
		for _, typ := range []string{verificationType, "proofylink_other"} {
			for pname, p := range map[string]*Provider{"unconfigured": unconfigured, "configured": e.p} {
				want, wantOK := p.PlanInputs(typ, cfg)
				got, gotOK := p.PlanInputsAttrs(typ, attrsOf{cfg})
				if gotOK != wantOK || !bytes.Equal(got, want) {
					t.Errorf("%s, %s, %s: PlanInputsAttrs %q, %v; PlanInputs %q, %v", name, typ, pname, got, gotOK, want, wantOK)
				}
				if wantOK {
					answered++
				}
			}
		}
	}
	if answered < 5 {
		t.Errorf("PlanInputs answered %d configurations: the comparison is mostly of declines", answered)
	}
	if _, ok := any(e.p).(providers.PlanInputsAttrs); !ok {
		t.Error("the provider is not a providers.PlanInputsAttrs: the engine builds each verification's object for its fingerprint")
	}
}

// TestPlanInputsStampPerFile: planInputs keeps the last stamp it appended
// for each file input, and its last answer; verifications naming
// different files, in turn (either file, or no consent form), each get
// their own files' stamps (what a provider that never saw the other files
// answers), a file missing is declined each time, and a provider
// configured at another directory resolves the same names there.
func TestPlanInputsStampPerFile(t *testing.T) {
	e := newEnv(t, "http://127.0.0.1:1")
	writeFile(t, filepath.Join(e.baseDir, "ktp/budi.jpg"), []byte("\xff\xd8\xff\xe0 budi's, longer than ani's"))
	for _, name := range []string{"ktp/budi.jpg", "ktp/missing.jpg"} {
		if err := os.Chtimes(filepath.Join(e.baseDir, name), time.Unix(1e9, 0), time.Unix(1e9, 0)); err != nil && name != "ktp/missing.jpg" {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(e.baseDir, "consent/budi.pdf"), []byte("%PDF-1.4 budi's consent"))
	// cfgOf names the KTP image ktp, and the consent form: the usual one,
	// budi's after "+budi", none after "+none".
	cfgOf := func(ktp string) cty.Value {
		over := map[string]cty.Value{}
		switch name, form, _ := strings.Cut(ktp, "+"); form {
		case "budi":
			over["form_consent"] = cty.StringVal("consent/budi.pdf")
			ktp = name
		case "none":
			over["form_consent"] = cty.NullVal(cty.String)
			ktp = name
		}
		over["ktp_image"] = cty.StringVal(ktp)
		return configFor(consentUpload, over)
	}
	fresh := func(ktp string) ([]byte, bool) {
		p := New()
		configureAt(t, p, e.baseDir)
		return p.PlanInputs(verificationType, cfgOf(ktp))
	}
	wantAni, _ := fresh(ktpPath)
	wantBudi, _ := fresh("ktp/budi.jpg")
	if bytes.Equal(wantAni, wantBudi) {
		t.Fatalf("the two files give the same inputs %q", wantAni)
	}
	answers := map[string]bool{}
	for i, ktp := range []string{ktpPath, "ktp/budi.jpg", ktpPath, ktpPath, "ktp/missing.jpg", "ktp/budi.jpg", "ktp/missing.jpg", ktpPath,
		ktpPath + "+budi", ktpPath + "+budi", ktpPath, ktpPath + "+none", ktpPath + "+none", ktpPath + "+budi", "ktp/budi.jpg+none", ktpPath} {
		got, ok := e.p.PlanInputs(verificationType, cfgOf(ktp))
		want, wantOK := fresh(ktp)
		if ok != wantOK || !bytes.Equal(got, want) {
			t.Errorf("call %d, %s: %q (ok %v), want %q (ok %v)", i, ktp, got, ok, want, wantOK)
		}
		if ok {
			answers[string(got)] = true
		}
	}
	if len(answers) != 5 { // ani's, budi's, and ani's with budi's form or none; budi's with none
		t.Errorf("%d different answers, want 5", len(answers))
	}
	if got, _ := e.p.PlanInputs(verificationType, cfgOf(ktpPath)); !bytes.Equal(got, wantAni) {
		t.Errorf("ani's inputs after the others: %q, want %q", got, wantAni)
	}

	// The same name in another directory: that directory's file.
	other := newEnv(t, "http://127.0.0.1:1")
	writeFile(t, filepath.Join(other.baseDir, ktpPath), []byte("\xff\xd8\xff\xe0 another ani, another size"))
	want, _ := other.p.PlanInputs(verificationType, cfgOf(ktpPath))
	configureAt(t, e.p, other.baseDir)
	if got, ok := e.p.PlanInputs(verificationType, cfgOf(ktpPath)); !ok || !bytes.Equal(got, want) || bytes.Equal(got, wantAni) {
		t.Errorf("configured at another directory: %q (ok %v), want %q", got, ok, want)
	}
}
