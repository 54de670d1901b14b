package usapi

import (
	"slices"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/internal/validate"
)

// planVersion changes whenever PlanResource plans an unchanged
// configuration differently: the engine then plans every account in full
// once more.
const planVersion = "usapi-plan/1"

// planVersionInputs is what PlanInputs answers for an account without a
// profile image, one slice for all (the engine only reads it; its
// capacity is its length, so that an append copies it): a batch asked it
// for each of its 100,000 accounts.
var planVersionInputs = slices.Clip([]byte(planVersion))

// PlanInputs implements providers.PlanInputs: an account's plan reads its
// configuration, its prior value, the provider block, and the profile
// image file, known here by its path, size and modification time (read once per run:
// validate.FileStamps, the same stamp before and after Configure). Before
// the engine tells the configuration directory (SetBaseDir, or Configure),
// an account with an image is declined.
func (p *Provider) PlanInputs(typ string, config cty.Value) ([]byte, bool) {
	if config.IsNull() {
		return nil, false
	}
	return p.planInputs(typ, objectAttrs{config})
}

// PlanInputsAttrs implements providers.PlanInputsAttrs: PlanInputs of the
// configuration's attributes.
func (p *Provider) PlanInputsAttrs(typ string, a providers.Attrs) ([]byte, bool) {
	return p.planInputs(typ, a)
}

func (p *Provider) planInputs(typ string, config attrReader) ([]byte, bool) {
	if typ != accountType {
		return nil, false
	}
	pv := attrOf(config, attrBasicProfile)
	if pv.IsNull() {
		return planVersionInputs, true
	}
	path, ok := str(pv, attrProfileImg)
	if !ok {
		return planVersionInputs, true
	}
	out := []byte(planVersion)
	baseDir, stamps, ok := p.inputsDir()
	if !ok {
		return nil, false
	}
	st := stamps.Get(validate.ResolvePath(baseDir, path))
	if !st.Regular {
		return nil, false
	}
	out = st.Append(append(append(out, 0), path...))
	return out, true
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
