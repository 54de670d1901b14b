// Package usapi is daftar's client of USAPI, a user-account service: the
// resource usapi_account (registration with POST /signup or POST
// /internal/register, the basic profile with POST /auth then POST
// /update-basic-profile) and the data source usapi_email (POST
// /check/email).
//
// It owns the plan-time knowledge of what USAPI can and cannot do: which
// inputs are valid before any request, which changes are made in place
// (the basic profile), which need a new account (the username) and which
// are impossible (the password, the e-mail, the phone number, the names),
// and how to find an account an interrupted apply may have registered.
//
// It must not store, log or return a secret: the password is kept as a
// keyed digest, the signup answer's token (which carries the OTP and the
// password's hash) and the login JWT are dropped as soon as they are read,
// and no diagnostic quotes a response body. It makes requests only through
// the *http.Client the engine configures, and never retries a registration
// itself. It must not import the sandbox.
//
// Concurrency: the provider's methods run concurrently after Configure, which
// publishes the configuration once (atomic.Pointer). The ConfigsCheck checks
// its unique fields at once, one goroutine each, under an errgroup.
package usapi
