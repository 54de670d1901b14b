package usapi

import (
	"context"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
)

// ReadData reads usapi_email: whether USAPI knows an e-mail address
// (POST /check/email: 200 not registered, 409 registered).
func (p *Provider) ReadData(ctx context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	null := cty.NullVal(emailBlock().ImpliedType())
	if req.Type != emailType {
		return providers.ReadDataResponse{State: null, Diagnostics: notAData(req.Type)}
	}
	c, diags := p.configured()
	if diags.HasErrors() {
		return providers.ReadDataResponse{State: null, Diagnostics: diags}
	}
	config, _ := req.Config.UnmarkDeep()
	if diags = checkEmail(nil, objectAttrs{config}); diags.HasErrors() {
		return providers.ReadDataResponse{State: null, Diagnostics: diags}
	}
	registered, err := c.client.emailRegistered(httpx.WithResource(ctx, req.Addr), strOr(config, attrEmail, ""))
	if err != nil {
		d := checkDiagnostic(req.Addr, "reading whether the e-mail is registered", err)
		d.Path = attrPath(attrEmail)
		return providers.ReadDataResponse{State: null, Diagnostics: providers.Diagnostics{d}}
	}
	return providers.ReadDataResponse{State: withAttrs(config, map[string]cty.Value{attrRegistered: cty.BoolVal(registered)})}
}

func notAData(typ string) providers.Diagnostics {
	if typ == accountType {
		var diags providers.Diagnostics
		return diags.Errorf(nil, "Not a data source", "%s is a resource of provider usapi; declare it with a resource block.", accountType)
	}
	return unknownType(typ)
}
