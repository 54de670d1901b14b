package proofylink

import (
	"slices"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/internal/validate"
)

// planVersion changes whenever planVerification plans an unchanged
// configuration differently: the engine then plans every verification in
// full once more.
const planVersion = "proofylink-plan/1"

// PlanInputs implements providers.PlanInputs: a verification's plan reads
// its configuration, its prior value, the provider block, and the KTP
// image and consent form, known here by their paths, sizes and
// modification times (their content digests are planned from them).
// Declined before the engine tells the configuration directory
// (SetBaseDir, or Configure), for a file
// that is not a regular file, and with archive_reports: whether evidence
// is still to be archived depends on the prior value, not the
// configuration alone.
//
// Each file is looked at once per run (validate.FileStamps), with the
// same stamp before and after Configure: the pre-pass of a plan and its
// walk compute the same digest.
func (p *Provider) PlanInputs(typ string, config cty.Value) ([]byte, bool) {
	if typ != verificationType || config.IsNull() || !config.IsKnown() {
		return nil, false
	}
	return p.planInputs(objectAttrs{config})
}

// PlanInputsAttrs implements providers.PlanInputsAttrs: PlanInputs of
// a.Object(), without the object an unchanged verification of a batch
// would otherwise build only for its fingerprint.
func (p *Provider) PlanInputsAttrs(typ string, a providers.Attrs) ([]byte, bool) {
	if typ != verificationType {
		return nil, false
	}
	return p.planInputs(configAttrs{a})
}

// attrReader reads a configuration's attributes as attr reads its
// object's: null when it has no such attribute.
type attrReader interface {
	attr(name string) cty.Value
}

// objectAttrs reads an object's attributes.
type objectAttrs struct{ v cty.Value }

func (o objectAttrs) attr(name string) cty.Value { return attr(o.v, name) }

// configAttrs reads the attributes the engine gives (providers.Attrs).
type configAttrs struct{ a providers.Attrs }

func (c configAttrs) attr(name string) cty.Value {
	if v := c.a.Attr(name); v != cty.NilVal {
		return v
	}
	return cty.NullVal(cty.DynamicPseudoType)
}

func (p *Provider) planInputs(config attrReader) ([]byte, bool) {
	if boolValue(config.attr("archive_reports")) {
		return nil, false
	}
	baseDir, stamps, ok := p.inputsDir()
	if !ok {
		return nil, false
	}
	var files fileNames
	for i, f := range fileInputs {
		v := config.attr(f.name)
		if v.IsNull() {
			continue
		}
		if !known(v) || v.Type() != cty.String {
			return nil, false
		}
		files.name[i], files.named[i] = v.AsString(), true
	}
	if l := p.lastInputs.Load(); l != nil && l.stamps == stamps && l.baseDir == baseDir && l.files == files {
		return l.inputs, true
	}
	out := append(make([]byte, 0, 128), planVersion...)
	for i, f := range fileInputs {
		out = append(append(out, 0), f.name...)
		if !files.named[i] {
			out = append(out, 0, 'n')
			continue
		}
		name := files.name[i]
		out = append(append(out, 0, 'f'), name...)
		if l := p.lastStamp[i].Load(); l != nil && l.stamps == stamps && l.baseDir == baseDir && l.name == name {
			out = append(out, l.stamp...)
			continue
		}
		st := stamps.Get(validate.ResolvePath(baseDir, name))
		if !st.Regular {
			return nil, false
		}
		n := len(out)
		out = st.Append(out)
		p.lastStamp[i].Store(&fileStamp{stamps: stamps, baseDir: baseDir, name: name, stamp: append([]byte(nil), out[n:]...)})
	}
	out = slices.Clip(out) // the engine only reads it; an append copies it
	p.lastInputs.Store(&lastInputs{stamps: stamps, baseDir: baseDir, files: files, inputs: out})
	return out, true
}

// fileNames are the paths a configuration gives its file inputs (of
// fileInputs, by index); named is false for one it leaves null.
type fileNames struct {
	name  [len(fileInputs)]string
	named [len(fileInputs)]bool
}

// lastInputs is planInputs's last answer, and what it answered: every
// verification of a batch names the same KTP image and consent form, so
// that the answer is the same for each, and spelling it afresh (a slice,
// each file's stamp) for each cost a fifth of their fingerprints. The
// answer is shared, read only (the engine copies it into the message it
// digests).
type lastInputs struct {
	stamps  *validate.FileStamps
	baseDir string
	files   fileNames
	inputs  []byte
}

// fileStamp is the last stamp planInputs appended for a file input: every
// verification of a batch names the same KTP image and consent form, and
// the path resolved and the stamp spelled for each cost a tenth of their
// fingerprints. A stamp is what stamps gives for the path baseDir and name
// resolve to, which it reads once and keeps.
type fileStamp struct {
	stamps        *validate.FileStamps
	baseDir, name string
	stamp         []byte // what FileStamp.Append appends
}

// SetBaseDir implements providers.BaseDirSetter: PlanInputs then answers
// before Configure, with the stamps Configure takes over.
func (p *Provider) SetBaseDir(dir string) { p.planDir.Set(dir) }

// inputsDir is the directory PlanInputs resolves files against, and the
// stamps it reads them with: Configure's, else those told before it.
func (p *Provider) inputsDir() (string, *validate.FileStamps, bool) {
	if c := p.cfg.Load(); c != nil {
		return c.baseDir, c.stamps, true
	}
	return p.planDir.Get()
}
