package proofylink

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

const uncertainAdvice = " The verification may have been created (and a token spent) although no answer says so: " +
	"daftar keeps the intent and searches for it (by name, masked NIK, type and time) before creating it again."

const createdUnreadAdvice = " Proofylink answered that it created the verification, so it exists and a token is spent, but the answer " +
	"does not say its reference_code. daftar keeps the intent and searches for it (by name, masked NIK, type and time); " +
	"if the search cannot find it, daftar does not create it again: import it with its reference_code from the Proofylink dashboard."

// createDiagnostics explains a failed create.
func createDiagnostics(err error) providers.Diagnostics {
	var ae *apiError
	if errors.As(err, &ae) {
		if ae.Status == http.StatusUnprocessableEntity && len(ae.FieldErrors) > 0 {
			return fieldDiagnostics(ae)
		}
		if isInsufficientTokens(ae) {
			return providers.Diagnostics{}.Errorf(nil, "Proofylink token balance ran out",
				"%s No verification was created and no token spent. Top up the Proofylink tokens, then apply again.", sentence(ae.Error()))
		}
	}
	if httpx.NotSentLocally(err) {
		return requestDiagnostics("Request not sent: the audit log cannot be written", err, " "+httpx.NotSentAdvice)
	}
	if createdUnread(err) {
		return requestDiagnostics("Proofylink verification created, reference_code unknown", err, createdUnreadAdvice)
	}
	if outcomeUncertain(err) {
		return requestDiagnostics("Proofylink verification may have been created", err, uncertainAdvice)
	}
	return requestDiagnostics("Proofylink verification not created", err, "")
}

// requestDiagnostics explains a failed request: what was sent, what came
// back, and what to do.
func requestDiagnostics(summary string, err error, advice string) providers.Diagnostics {
	return providers.Diagnostics{}.Errorf(nil, summary, "%s%s%s", sentence(redact(err.Error())), hint(err), advice)
}

// sentence ends s with a full stop unless it already ends a sentence: the
// API's own messages often do ("An error occurred while retrieving
// verification."), and a second stop reads as a typo.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// hint says what a user can do about a failed request.
func hint(err error) string {
	var ae *apiError
	if !errors.As(err, &ae) {
		return ""
	}
	switch {
	case ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden:
		return " Check the provider's token: Proofylink did not accept it."
	case ae.Status == http.StatusTooManyRequests:
		return " Proofylink is rate limiting: lower the provider's rate_limit and apply again."
	case ae.Status == http.StatusNotFound:
		return " Check the provider's endpoint (the base URL before /api/v1/external/...) and the token's tenant."
	}
	return ""
}

func isInsufficientTokens(ae *apiError) bool {
	return ae.Status == http.StatusBadRequest && strings.Contains(strings.ToLower(ae.Message), "insufficient token")
}

// fieldDiagnostics maps a 422's field errors to the attributes that caused
// them; a field the schema does not know is reported on the resource.
func fieldDiagnostics(ae *apiError) providers.Diagnostics {
	var diags providers.Diagnostics
	for _, field := range ae.fields() {
		p, known := fieldPath(field)
		where := ""
		if !known {
			where = fmt.Sprintf(" (field %q)", field)
		}
		diags = diags.Errorf(p, "Proofylink refused "+field,
			"Proofylink answered %s %s with 422%s: %s. No verification was created.",
			ae.Method, ae.Path, where, secrets.Body(strings.Join(ae.FieldErrors[field], " ")))
	}
	return diags
}

// fieldPath maps an API field name (Laravel's dotted form for nested ones,
// consent_metadata.os) to an attribute path.
func fieldPath(field string) (cty.Path, bool) {
	parent, child, nested := strings.Cut(field, ".")
	attrs := verification.ty.AttributeTypes()
	t, ok := attrs[parent]
	if !ok {
		return nil, false
	}
	if !nested {
		return path(parent), true
	}
	if t.IsObjectType() && t.HasAttribute(child) {
		return path(parent).GetAttr(child), true
	}
	return path(parent), true
}
