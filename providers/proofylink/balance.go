package proofylink

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/daftar-dev/daftar/providers"
)

// balanceUnit names what a verification spends.
const balanceUnit = "Proofylink tokens"

// Balance reads the token balance (GET /api/v1/external/token/balance).
func (p *Provider) Balance(ctx context.Context) (providers.Balance, providers.Diagnostics) {
	if diags := p.needClient(); diags != nil {
		return providers.Balance{Unit: balanceUnit}, diags
	}
	n, err := p.conf().client.balance(ctx)
	if err != nil {
		return providers.Balance{Unit: balanceUnit}, balanceDiagnostics(err)
	}
	return providers.Balance{Unit: balanceUnit, Left: n}, nil
}

// balanceDiagnostics explains a failed balance read; "Tenant not found."
// means the token names no tenant.
func balanceDiagnostics(err error) providers.Diagnostics {
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusBadRequest && strings.Contains(strings.ToLower(ae.Message), "tenant") {
		return requestDiagnostics("Proofylink tenant not found", err,
			" The token does not belong to any Proofylink tenant: check the provider's token and endpoint.")
	}
	return requestDiagnostics("Cannot read the Proofylink token balance", err, "")
}
