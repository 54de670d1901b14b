package usapi

import (
	"os"
	"strconv"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers/internal/validate"
)

// planVersion changes whenever PlanResource plans an unchanged
// configuration differently: the engine then plans every account in full
// once more.
const planVersion = "usapi-plan/1"

// PlanInputs implements providers.PlanInputs: an account's plan reads its
// configuration, its prior value, the provider block, and the profile
// image file, known here by its path, size and modification time. Before
// Configure tells the configuration directory, an account with an image
// is declined.
func (p *Provider) PlanInputs(typ string, config cty.Value) ([]byte, bool) {
	if typ != accountType || config.IsNull() {
		return nil, false
	}
	out := []byte(planVersion)
	pv := getAttr(config, attrBasicProfile)
	if pv.IsNull() {
		return out, true
	}
	path, ok := str(pv, attrProfileImg)
	if !ok {
		return out, true
	}
	c := p.cfg.Load()
	if c == nil {
		return nil, false
	}
	info, err := os.Stat(validate.ResolvePath(c.baseDir, path))
	if err != nil || !info.Mode().IsRegular() {
		return nil, false
	}
	out = append(out, 0)
	out = append(out, path...)
	out = strconv.AppendInt(append(out, 0), info.Size(), 10)
	out = strconv.AppendInt(append(out, 0), info.ModTime().UnixNano(), 10)
	return out, true
}
