package usapi

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
)

// registerDiagnostic explains a failed registration: on the attribute the
// API's message is about, with the address, the endpoint, the status and
// the message, and what to do.
func registerDiagnostic(addr, url string, err error) providers.Diagnostic {
	var te *transportError
	switch status := statusOf(err); {
	case errors.Is(err, errNoBasicAuth):
		return diag(nil, "Missing basic_auth", "%s: registering an account (POST %s) needs provider usapi's basic_auth, the <auth key> of \"Authorization: Basic <auth key>\". Set basic_auth in the provider \"usapi\" block, from a sensitive variable.", addr, url)
	case httpx.NotSentLocally(err):
		return diag(nil, "Request not sent: the audit log cannot be written", "%s: %v. %s", addr, err, httpx.NotSentAdvice)
	case errors.As(err, &te) && !te.sent:
		return diag(nil, "USAPI unreachable", "%s: %v. Nothing was registered; apply again once %s answers.", addr, err, url)
	case uncertain(err):
		return diag(nil, "Registration outcome unknown", "%s: %v. The account may have been registered all the same. daftar keeps the intent and, before registering again, asks USAPI (POST /check/email, then POST /auth) whether the account exists; run plan or apply again.", addr, err)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return diag(nil, "USAPI refused basic_auth", "%s: %v. Check provider usapi's basic_auth: it is the <auth key> USAPI gave you, sent as \"Authorization: Basic <auth key>\".", addr, err)
	case status == http.StatusTooManyRequests:
		return diag(nil, "USAPI rate limit", "%s: %v. Nothing was registered; lower provider usapi's rate_limit and apply again.", addr, err)
	case status == http.StatusBadRequest || isRefused(err):
		return refusedRegistration(addr, err)
	case status != 0:
		return diag(nil, "Registration refused", "%s: %v.", addr, err)
	}
	return diag(nil, "Registration failed", "%s: %v.", addr, err)
}

// isRefused reports a 2xx answer that said {"status": false}.
func isRefused(err error) bool {
	var rf *refused
	return errors.As(err, &rf)
}

// refusal maps one of the documented 400 messages to an attribute and
// advice.
type refusal struct {
	match   func(string) bool
	path    cty.Path
	summary string
	advice  string
}

var refusals = []refusal{
	{containsAll("username", "exist"), attrPath(attrUsername), "Username already taken", "USAPI usernames are unique: choose another username, or, if the account is yours, adopt it with `daftar import ADDR USERNAME`."},
	{containsAll("email", "exist"), attrPath(attrEmail), "E-mail already registered", "USAPI e-mails are unique: use another e-mail, or, if the account is yours, adopt it with `daftar import ADDR USERNAME` (data \"usapi_email\" tells whether an e-mail is taken)."},
	{containsAll("phone", "exist"), attrPath(attrPhoneNumber), "Phone number already registered", "USAPI phone numbers are unique: use another number, or leave phone_number out of a signup."},
	{containsAll("phone"), attrPath(attrPhoneNumber), "Phone number refused", "USAPI wants 62 followed by 7 to 15 digits, such as 6281234567890."},
	{containsAll("email"), attrPath(attrEmail), "E-mail refused", "Write a bare address such as name@example.co.id."},
}

// echoed reports whether an API message is more than the API's own
// sentence: it quotes a body (JSON) or runs long, as a message echoing the
// request does.
func echoed(msg string) bool {
	return len(msg) > 160 || strings.ContainsAny(msg, "{}[]")
}

func containsAll(words ...string) func(string) bool {
	return func(msg string) bool {
		for _, w := range words {
			if !strings.Contains(msg, w) {
				return false
			}
		}
		return true
	}
}

// propertyPattern finds the field of a validator message such as
// "Must have required property 'email'".
var propertyPattern = regexp.MustCompile(`property '([a-z_]+)'`)

func refusedRegistration(addr string, err error) providers.Diagnostic {
	msg := strings.ToLower(messageOf(err))
	if echoed(msg) {
		// A message that quotes the request names every field it holds: its
		// words say nothing of which one was refused.
		return diag(nil, "Registration refused", "%s: %v. Nothing was registered; the message does not say which attribute USAPI refused: check them against the rules in docs/providers/usapi.md.", addr, err)
	}
	if m := propertyPattern.FindStringSubmatch(msg); m != nil && accountBlock().Attributes[m[1]] != nil {
		return diag(attrPath(m[1]), "Registration refused", "%s: %v. Check %s against the rules in docs/providers/usapi.md.", addr, err, m[1])
	}
	for _, r := range refusals {
		if r.match(msg) {
			return diag(r.path, r.summary, "%s: %v. %s", addr, err, r.advice)
		}
	}
	return diag(nil, "Registration refused", "%s: %v. Nothing was registered.", addr, err)
}

// loginDiagnostic explains a failed POST /auth before a profile update.
func loginDiagnostic(addr, url, kind, username string, err error) providers.Diagnostic {
	status := statusOf(err)
	if status != http.StatusUnauthorized && status != http.StatusBadRequest && status != http.StatusForbidden {
		return diag(attrPath(attrBasicProfile), "Basic profile not set", "%s: logging in to set the basic profile failed: %v. The account exists; apply again to set the profile.", addr, err)
	}
	advice := "If the password was changed outside daftar, daftar can no longer log in as this account."
	if kind == registrationSignup {
		advice = "A signed-up account can log in only once its owner has confirmed the registration (the OTP sent by SMS, or the link sent by e-mail); apply again after that. " + advice
	}
	return diag(attrPath(attrBasicProfile), "Basic profile not set", "%s: USAPI refused the login of %q (POST %s answered %d: %q). The account exists; its basic profile is not set yet. %s",
		addr, username, url, status, secrets.Body(messageOf(err)), advice)
}

// profileDiagnostic explains a failed POST /update-basic-profile.
func profileDiagnostic(addr, url string, err error) providers.Diagnostic {
	return diag(attrPath(attrBasicProfile), "Basic profile not set", "%s: %v. The account exists; apply again to set its basic profile (POST %s).", addr, err, url)
}

// checkDiagnostic explains a failed POST /check/email during a refresh,
// an import, a resolution or a data read.
func checkDiagnostic(addr, what string, err error) providers.Diagnostic {
	return diag(nil, "E-mail check failed", "%s: %s: %v.", addr, what, err)
}

func diag(path cty.Path, summary, format string, args ...any) providers.Diagnostic {
	return providers.Diagnostic{Severity: providers.Error, Summary: summary, Detail: fmt.Sprintf(format, args...), Path: path}
}
