package proofylink

import (
	"os"
	"strconv"
	"sync"

	"github.com/zclconf/go-cty/cty"

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
// Declined before Configure tells the configuration directory, for a file
// that is not a regular file, and with archive_reports: whether evidence
// is still to be archived depends on the prior value, not the
// configuration alone.
//
// Each file is looked at once per run (per Configure, fileStats): a batch
// whose 100,000 rows share one consent form stats it once, not 100,000
// times. A file changed later in the run is seen by the next run's plan;
// the digest then differs from the one recorded, and the instance is
// planned in full, never wrongly skipped.
func (p *Provider) PlanInputs(typ string, config cty.Value) ([]byte, bool) {
	if typ != verificationType || config.IsNull() || !config.IsKnown() {
		return nil, false
	}
	if boolValue(attr(config, "archive_reports")) {
		return nil, false
	}
	c := p.cfg.Load()
	if c == nil {
		return nil, false
	}
	out := []byte(planVersion)
	for _, f := range fileInputs {
		out = append(append(out, 0), f.name...)
		v := attr(config, f.name)
		if v.IsNull() {
			out = append(out, 0, 'n')
			continue
		}
		name, ok := check(config, f.name)
		if !ok {
			return nil, false
		}
		st := c.stats.get(validate.ResolvePath(c.baseDir, name))
		if !st.regular {
			return nil, false
		}
		out = append(append(out, 0, 'f'), name...)
		out = strconv.AppendInt(append(out, 0), st.size, 10)
		out = strconv.AppendInt(append(out, 0), st.modTime, 10)
	}
	return out, true
}

// fileStats remembers, for one run, what PlanInputs read of each file by
// its resolved path: its size and modification time, or that it is not a
// regular file (or not there).
type fileStats struct {
	m sync.Map // string → fileStat
}

type fileStat struct {
	regular       bool
	size, modTime int64
}

// get is the file's stat, read on the first call for its path.
func (c *fileStats) get(path string) fileStat {
	if v, ok := c.m.Load(path); ok {
		return v.(fileStat)
	}
	var st fileStat
	if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
		st = fileStat{regular: true, size: info.Size(), modTime: info.ModTime().UnixNano()}
	}
	v, _ := c.m.LoadOrStore(path, st)
	return v.(fileStat)
}
