package command

import (
	"context"
	"os"
	"path/filepath"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// redacting wraps a provider so that nothing it says shows a secret it
// was given. A provider's configuration (basic_auth, tokens, sign keys)
// is taught to the command's redactor when it is configured, so that no
// text of the run shows it. A request's sensitive values (a password, a
// NIK, an access token) and the content of the files it uploads are masked
// in that request's diagnostics only, when it has some: an API that echoes
// the request in its error shows nothing of them, and a batch of 100,000
// costs nothing more when nothing fails.
//
// It forwards the optional interfaces (Spender, PlanInputs, ValidateAttrs, PlanAttrs, BaseDirSetter, Settler, Finisher) with
// the answers a provider without them would give.
type redacting struct {
	p       providers.Provider
	schema  providers.Schema
	r       *secrets.Redactor
	baseDir string
}

var (
	_ providers.Provider      = (*redacting)(nil)
	_ providers.Spender       = (*redacting)(nil)
	_ providers.PlanInputs    = (*redacting)(nil)
	_ providers.ValidateAttrs = (*redacting)(nil)
	_ providers.PlanAttrs     = (*redacting)(nil)
	_ providers.PlanFields    = (*redacting)(nil)
	_ providers.BaseDirSetter = (*redacting)(nil)
	_ providers.Settler       = (*redacting)(nil)
	_ providers.Finisher      = (*redacting)(nil)
)

// redactingProviders returns daftar's providers, each wrapped.
func (m *Meta) redactingProviders() map[string]providers.Provider {
	if m.redactor == nil {
		m.redactor = secrets.NewRedactor()
	}
	out := map[string]providers.Provider{}
	for name, p := range newProviders() {
		out[name] = &redacting{p: p, schema: p.Schema(), r: m.redactor, baseDir: m.Dir}
	}
	return out
}

func (w *redacting) Schema() providers.Schema { return w.schema }

func (w *redacting) Configure(ctx context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	if w.schema.Provider != nil {
		w.r.Add(sensitiveStrings(nil, w.schema.Provider, req.Config)...)
	}
	if req.BaseDir != "" {
		w.baseDir = req.BaseDir
	}
	return w.redact(w.r, w.p.Configure(ctx, req))
}

func (w *redacting) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	return w.masked(req.Type, req.Config, false, w.p.ValidateResource(req))
}

// ValidateResourceAttrs implements providers.ValidateAttrs: the
// provider's, its diagnostics masked as ValidateResource's (the object
// built only then).
func (w *redacting) ValidateResourceAttrs(req providers.ValidateRequest, a providers.Attrs) (providers.Diagnostics, bool) {
	va, ok := w.p.(providers.ValidateAttrs)
	if !ok {
		return nil, false
	}
	diags, ok := va.ValidateResourceAttrs(req, a)
	if ok && len(diags) > 0 {
		diags = w.masked(req.Type, a.Object(), false, diags)
	}
	return diags, ok
}

func (w *redacting) CheckConfigs() providers.ConfigsCheck { return w.p.CheckConfigs() }

func (w *redacting) PlanResource(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	resp := w.p.PlanResource(ctx, req)
	resp.Diagnostics = w.masked(req.Type, req.Config, false, resp.Diagnostics)
	return resp
}

// PlanResourceAttrs implements providers.PlanAttrs: the provider's, its
// diagnostics masked as PlanResource's (the object built only then).
func (w *redacting) PlanResourceAttrs(ctx context.Context, req providers.PlanRequest, a providers.Attrs) (providers.PlanResponse, bool) {
	pa, ok := w.p.(providers.PlanAttrs)
	if !ok {
		return providers.PlanResponse{}, false
	}
	resp, ok := pa.PlanResourceAttrs(ctx, req, a)
	if ok && len(resp.Diagnostics) > 0 {
		resp.Diagnostics = w.masked(req.Type, a.Object(), false, resp.Diagnostics)
	}
	return resp, ok
}

// PlanResourceFields implements providers.PlanFields: the provider's, its
// diagnostics masked as PlanResourceAttrs's.
func (w *redacting) PlanResourceFields(ctx context.Context, req providers.PlanRequest, a providers.Attrs, names []string) (providers.PlanResponse, []cty.Value, bool) {
	pf, ok := w.p.(providers.PlanFields)
	if !ok {
		return providers.PlanResponse{}, nil, false
	}
	resp, planned, ok := pf.PlanResourceFields(ctx, req, a, names)
	if ok && len(resp.Diagnostics) > 0 {
		resp.Diagnostics = w.masked(req.Type, a.Object(), false, resp.Diagnostics)
	}
	return resp, planned, ok
}

func (w *redacting) ApplyResource(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	resp := w.p.ApplyResource(ctx, req)
	resp.Diagnostics = w.masked(req.Type, req.Config, true, resp.Diagnostics)
	return resp
}

func (w *redacting) ReadResource(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	resp := w.p.ReadResource(ctx, req)
	resp.Diagnostics = w.redact(w.r, resp.Diagnostics)
	return resp
}

func (w *redacting) ResolveResource(ctx context.Context, req providers.ResolveRequest) providers.ResolveResponse {
	resp := w.p.ResolveResource(ctx, req)
	resp.Diagnostics = w.masked(req.Type, req.Config, false, resp.Diagnostics)
	resp.Message = w.r.Redact(resp.Message)
	return resp
}

func (w *redacting) ImportResource(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	resp := w.p.ImportResource(ctx, req)
	resp.Diagnostics = w.masked(req.Type, req.Config, false, resp.Diagnostics)
	return resp
}

func (w *redacting) ReadData(ctx context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	resp := w.p.ReadData(ctx, req)
	if w.schema.DataSources[req.Type] != nil {
		resp.Diagnostics = w.maskedWith(w.schema.DataSources[req.Type], req.Config, false, resp.Diagnostics)
	}
	return resp
}

// Balance implements providers.Spender; a provider that spends nothing has
// no balance to read.
func (w *redacting) Balance(ctx context.Context) (providers.Balance, providers.Diagnostics) {
	sp, ok := w.p.(providers.Spender)
	if !ok {
		return providers.Balance{}, providers.Diagnostics{}.Warnf(nil, "No balance", "This provider spends nothing.")
	}
	bal, diags := sp.Balance(ctx)
	return bal, w.redact(w.r, diags)
}

// PlanInputs implements providers.PlanInputs: declined when the provider
// does not implement it, which plans the instance in full as it would.
func (w *redacting) PlanInputs(typ string, config cty.Value) ([]byte, bool) {
	if pi, ok := w.p.(providers.PlanInputs); ok {
		return pi.PlanInputs(typ, config)
	}
	return nil, false
}

// SetBaseDir implements providers.BaseDirSetter: told to the provider
// when it reads files.
func (w *redacting) SetBaseDir(dir string) {
	if bs, ok := w.p.(providers.BaseDirSetter); ok {
		bs.SetBaseDir(dir)
	}
}

// PlanInputsAttrs implements providers.PlanInputsAttrs: the provider's
// answer from the attributes, or of the object (providers.InputsOf).
func (w *redacting) PlanInputsAttrs(typ string, a providers.Attrs) ([]byte, bool) {
	return providers.InputsOf(w.p, typ, a)
}

// Settled implements providers.Settler: false when the provider does not
// implement it.
func (w *redacting) Settled(typ string, v cty.Value) bool {
	if s, ok := w.p.(providers.Settler); ok {
		return s.Settled(typ, v)
	}
	return false
}

// Finished implements providers.Finisher: not ok when the provider does
// not implement it.
func (w *redacting) Finished(typ string, prior, refreshed cty.Value) (noun, outcome string, ok bool) {
	if f, isF := w.p.(providers.Finisher); isF {
		return f.Finished(typ, prior, refreshed)
	}
	return "", "", false
}

// masked redacts the diagnostics of a request about a resource of typ
// with config.
func (w *redacting) masked(typ string, config cty.Value, uploads bool, diags providers.Diagnostics) providers.Diagnostics {
	return w.maskedWith(w.schema.Resources[typ], config, uploads, diags)
}

func (w *redacting) maskedWith(b *providers.Block, config cty.Value, uploads bool, diags providers.Diagnostics) providers.Diagnostics {
	if len(diags) == 0 {
		return diags
	}
	r := w.r.Child()
	if b != nil && config != cty.NilVal {
		r.Add(sensitiveStrings(nil, b, config)...)
		if uploads {
			for _, path := range uploadPaths(nil, b, config) {
				if !filepath.IsAbs(path) {
					path = filepath.Join(w.baseDir, path)
				}
				if data, err := os.ReadFile(path); err == nil {
					r.AddContent(data)
				}
			}
		}
	}
	return w.redact(r, diags)
}

func (w *redacting) redact(r *secrets.Redactor, diags providers.Diagnostics) providers.Diagnostics {
	if len(diags) == 0 {
		return diags
	}
	out := make(providers.Diagnostics, len(diags))
	for i, d := range diags {
		d.Summary, d.Detail = r.Redact(d.Summary), r.Redact(d.Detail)
		out[i] = d
	}
	return out
}

// sensitiveStrings appends the known strings at b's sensitive and
// write-only attributes of v, nested blocks included.
func sensitiveStrings(out []string, b *providers.Block, v cty.Value) []string {
	return walkBlock(out, b, v, func(a *providers.Attribute) bool { return a.Sensitive || a.WriteOnly })
}

// uploadPaths appends the paths at b's Upload attributes of v.
func uploadPaths(out []string, b *providers.Block, v cty.Value) []string {
	return walkBlock(out, b, v, func(a *providers.Attribute) bool { return a.Upload })
}

func walkBlock(out []string, b *providers.Block, v cty.Value, want func(*providers.Attribute) bool) []string {
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		return out
	}
	for name, a := range b.Attributes {
		if want(a) && v.Type().HasAttribute(name) {
			out = appendAllStrings(out, v.GetAttr(name))
		}
	}
	for name, nb := range b.Blocks {
		if v.Type().HasAttribute(name) {
			out = walkBlock(out, &nb.Block, v.GetAttr(name), want)
		}
	}
	return out
}

// appendAllStrings appends every known string in v.
func appendAllStrings(out []string, v cty.Value) []string {
	cty.Walk(v, func(_ cty.Path, e cty.Value) (bool, error) {
		if e.IsKnown() && !e.IsNull() && e.Type() == cty.String {
			out = append(out, e.AsString())
		}
		return true, nil
	})
	return out
}
