package prakerja

import (
	"context"
	"strings"
	"unicode"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
)

var profileTy = profileBlock().ImpliedType()

// ValidateResource checks a prakerja_profile block, making no request.
func (p *Provider) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	if req.Type != profileType {
		return noResources(req.Type)
	}
	v, _ := req.Config.UnmarkDeep()
	token, ok := str(v, attrAccessToken)
	if !ok {
		return nil
	}
	return checkToken(token)
}

// checkToken: the token is sent as Authorization as is, so it must be the
// token alone. The messages never show it.
func checkToken(token string) providers.Diagnostics {
	var diags providers.Diagnostics
	switch {
	case strings.TrimSpace(token) == "":
		return diags.Errorf(tokenPath, "Empty access token", "Set access_token to the user's access token from the Prakerja OAuth flow (POST /api/v1/oauth/token).")
	case strings.HasPrefix(strings.ToLower(token), "bearer "):
		return diags.Errorf(tokenPath, "Access token with a Bearer prefix", `GET /api/v1/resource/user_profile takes the access token alone in Authorization: remove the "Bearer " prefix.`)
	case strings.TrimSpace(token) != token:
		return diags.Errorf(tokenPath, "Access token with spaces", "The access token starts or ends with white space: remove it (trimspace() does).")
	case strings.ContainsFunc(token, unicode.IsControl):
		return diags.Errorf(tokenPath, "Access token with control characters", "The access token contains a line break or another control character, which cannot be sent in a header: set it to the token alone.")
	}
	return nil
}

// ReadData reads prakerja_profile. The state keeps the access token's
// keyed digest, never the token.
func (p *Provider) ReadData(ctx context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	null := cty.NullVal(profileTy)
	if req.Type != profileType {
		return providers.ReadDataResponse{State: null, Diagnostics: noResources(req.Type)}
	}
	c, diags := p.configured()
	if diags.HasErrors() {
		return providers.ReadDataResponse{State: null, Diagnostics: diags}
	}
	v, _ := req.Config.UnmarkDeep()
	token, _ := str(v, attrAccessToken)
	if diags := checkToken(token); diags.HasErrors() {
		return providers.ReadDataResponse{State: null, Diagnostics: diags}
	}
	fields, err := c.client.userProfile(httpx.WithResource(ctx, req.Addr), token)
	if err != nil {
		return providers.ReadDataResponse{State: null, Diagnostics: providers.Diagnostics{profileDiagnostic(req.Addr, err)}}
	}
	return providers.ReadDataResponse{State: profileState(c.digester.Digest(purposeAccessToken, []byte(token)), fields)}
}

func profileState(tokenDigest string, fields map[string]*string) cty.Value {
	m := map[string]cty.Value{attrAccessToken: cty.StringVal(tokenDigest)}
	for _, name := range profileFields {
		m[name] = cty.NullVal(cty.String)
		if s := fields[name]; s != nil {
			m[name] = cty.StringVal(*s)
		}
	}
	return cty.ObjectVal(m)
}
