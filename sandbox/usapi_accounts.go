package sandbox

import (
	"net/http"
	"strings"
)

// register is POST /internal/register.
func (u *usapiService) register(w http.ResponseWriter, r *http.Request) {
	o, ok := u.registrationBody(w, r)
	if !ok {
		return
	}
	f, msg := requireStrings(o, "username", "password", "first_name", "last_name", "phone_number", "email")
	if msg == "" {
		msg = checkContact(f, msgRegisterPhone)
	}
	if msg != "" {
		badRequest(w, msg)
		return
	}
	a := u.newAccount(f, "internal")
	if err := u.s.store.createAccount(a); err != nil {
		answerCreateError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, statusMessage{true, "Account has been created"})
}

// registrationBody checks the Basic auth key and decodes the JSON body of
// /internal/register and /signup, answering 401 or 400 itself when it
// reports false.
func (u *usapiService) registrationBody(w http.ResponseWriter, r *http.Request) (jsonObject, bool) {
	if !basicAuthOK(r) {
		writeJSON(w, http.StatusUnauthorized, message{msgUnauthorized})
		return nil, false
	}
	limitBody(w, r)
	o, err := decodeObject(r.Body)
	if err != nil {
		badRequest(w, msgBadJSON)
		return nil, false
	}
	return o, true
}

// checkContact validates the phone number (when given) with phoneMsg as its
// message, then the e-mail format.
func checkContact(f map[string]string, phoneMsg string) string {
	if p := f["phone_number"]; p != "" && !validUSAPIPhone(p) {
		return phoneMsg
	}
	if !validEmail(f["email"]) {
		return emailFormatMessage()
	}
	return ""
}

func (u *usapiService) newAccount(f map[string]string, registration string) *account {
	a := &account{
		Username: f["username"], FirstName: f["first_name"], LastName: f["last_name"],
		Email: f["email"], PhoneNumber: f["phone_number"], Registration: registration,
		Mode: f["mode"], Platform: f["platform"], CreatedAt: u.s.now().UTC(),
	}
	a.setPassword(f["password"])
	return a
}

// signupModes and signupPlatforms are the accepted values; ONAPPS is not in
// the document's list but is what its example sends.
var (
	signupModes     = []string{"LINK", "OTP"}
	signupPlatforms = []string{"ONMART", "ONMARKET", "OSAS", "ONAPPS"}
)

// signupResponse is /signup's 200 body.
type signupResponse struct {
	Status  bool   `json:"status"`
	Message string `json:"message"`
	Token   string `json:"token"`
	Exp     int64  `json:"exp"`
	ExpOTP  int64  `json:"exp_otp"`
}

// signup is POST /signup. The account can log in at once: the sandbox does
// not wait for the OTP or the e-mail link.
func (u *usapiService) signup(w http.ResponseWriter, r *http.Request) {
	o, ok := u.registrationBody(w, r)
	if !ok {
		return
	}
	f, msg := signupFields(o)
	if msg != "" {
		badRequest(w, msg)
		return
	}
	a := u.newAccount(f, "signup")
	if err := u.s.store.createAccount(a); err != nil {
		answerCreateError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, u.signupAnswer(a, f["password"]))
}

func signupFields(o jsonObject) (map[string]string, string) {
	f, msg := requireStrings(o, "username", "password", "email", "first_name", "last_name")
	if msg == "" {
		msg = optionalStrings(o, f, "mode", "phone_number", "platform")
	}
	if msg == "" {
		msg = checkEnum("mode", f["mode"], signupModes)
	}
	if msg == "" {
		msg = checkEnum("platform", f["platform"], signupPlatforms)
	}
	if msg == "" {
		msg = checkContact(f, msgSignupPhone)
	}
	return f, msg
}

// checkEnum accepts "" (absent) or one of allowed.
func checkEnum(key, value string, allowed []string) string {
	if value == "" {
		return ""
	}
	for _, a := range allowed {
		if value == a {
			return ""
		}
	}
	return "Property '" + key + "' must be equal to one of the allowed values: " + strings.Join(allowed, ", ")
}

// signupAnswer builds the 200 body: a JWT valid 30 minutes whose payload
// carries the OTP and a bcrypt-shaped digest, as the example's does.
func (u *usapiService) signupAnswer(a *account, password string) signupResponse {
	iat := u.s.now().Unix()
	mode := a.Mode
	if mode == "" {
		mode = "LINK"
	}
	var phone *string
	if a.PhoneNumber != "" {
		phone = &a.PhoneNumber
	}
	claims := signupClaims{
		User: a.Username, Username: a.Username, Password: fakeBcrypt(password),
		Email: a.Email, FirstName: a.FirstName, LastName: a.LastName, PhoneNumber: phone,
		Mode: mode, Expires: iat + 1800, OTP: randomOTP(), IssuedAt: iat,
	}
	return signupResponse{
		Status: true, Message: signupMessage(mode),
		Token: signJWT(usapiSignupKey, claims), Exp: claims.Expires, ExpOTP: 18000,
	}
}

func signupMessage(mode string) string {
	if mode == "OTP" {
		return "Please check your phone to complete registration"
	}
	return "Please check your email to complete registration"
}
