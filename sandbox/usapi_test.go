package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var basicAuth = []string{"Authorization", "Basic " + USAPIKey}

// The request examples of the USAPI document, verbatim.
const (
	docLogin = `{
    "username": "usernew1",
    "password": "abc123",
    "options": {
        "nativeApp": false
    }
}`
	docRegister = `{
    "username": "test regis 3",
    "password": "test regis 3",
    "first_name": "second",
    "last_name": "test account",
    "phone_number": "621234567891",
    "email": "test@abc.com"
}`
	docSignup = `{
    "username": "test20250219000",
    "password": "test20250219000",
    "email": "hendy.juliyanto@ondelivery.id",
    "first_name": "test mail",
    "last_name": "without phone",
    "mode": "OTP",
    "phone_number": "62123456789",
    "platform": "ONAPPS"
}`
	docBasicProfile = `{
     "gender": "Laki-Laki",
     "phone_number": "6287654321",
     "date_of_birth": "1996-10-18"
}`
)

func register(h *harness, fields map[string]any) response {
	h.t.Helper()
	return h.do("POST", "/usapi/internal/register", jsonBody(h.t, fields), basicAuth...)
}

func accountFields(username, email, phone string) map[string]any {
	return map[string]any{
		"username": username, "password": "pw-" + username, "first_name": "Ani",
		"last_name": "Putri", "phone_number": phone, "email": email,
	}
}

func login(h *harness, username, password string) string {
	h.t.Helper()
	r := h.do("POST", "/usapi/auth", jsonBody(h.t, map[string]any{
		"username": username, "password": password, "options": map[string]any{"nativeApp": false},
	}))
	if r.status != 200 {
		h.t.Fatalf("login %s: %d %s", username, r.status, r.body)
	}
	return r.json(h.t)["token"].(string)
}

func TestUSAPIDocumentExamples(t *testing.T) {
	h := newHarness(t, Options{})
	h.do("POST", "/usapi/internal/register", docRegister, basicAuth...).
		expect(t, 200, `{"status": true, "message": "Account has been created"}`)

	r := h.do("POST", "/usapi/signup", docSignup, basicAuth...)
	if r.status != 200 {
		t.Fatalf("signup: %d %s", r.status, r.body)
	}
	register(h, accountFields("usernew1", "usernew1@abc.com", "6281111111")).expect(t, 200, `{"status":true,"message":"Account has been created"}`)
	token := h.do("POST", "/usapi/auth", strings.Replace(docLogin, "abc123", "pw-usernew1", 1)).json(t)["token"].(string)
	if !strings.HasPrefix(token, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2Vy") {
		t.Errorf("login token %q does not start like the document's", token)
	}

	body, ct := multipartBody(t, map[string]string{"basic_profile": docBasicProfile}, map[string][]byte{"profile_img": []byte("jpeg")})
	h.postMultipart("/usapi/update-basic-profile", body, ct, "Authorization", "Bearer "+token).
		expect(t, 200, `{"status": true, "message": "Success update profile"}`)

	h.do("POST", "/usapi/check/email", `{"email": "value"}`).
		expect(t, 200, `{"status": true, "message": "Email is not registered"}`)
}

func TestUSAPIRegisterRules(t *testing.T) {
	h := newHarness(t, Options{})
	register(h, accountFields("ani", "ani@example.com", "6281234567")).expect(t, 200, `{"status":true,"message":"Account has been created"}`)
	with := func(key string, value any) map[string]any {
		a := accountFields("budi", "budi@example.com", "6289876543")
		if value == nil {
			delete(a, key)
		} else {
			a[key] = value
		}
		return a
	}
	cases := map[string]struct {
		body map[string]any
		msg  string
	}{
		"missing username":   {with("username", nil), "Must have required property 'username'"},
		"missing password":   {with("password", nil), "Must have required property 'password'"},
		"missing first_name": {with("first_name", nil), "Must have required property 'first_name'"},
		"missing last_name":  {with("last_name", nil), "Must have required property 'last_name'"},
		"missing phone":      {with("phone_number", nil), "Must have required property 'phone_number'"},
		"missing email":      {with("email", nil), "Must have required property 'email'"},
		"empty username":     {with("username", ""), "Must have required property 'username'"},
		"number username":    {with("username", 7), "Property 'username' must be string"},
		"phone without 62":   {with("phone_number", "081234567"), "Invalid phone number format"},
		"phone with letters": {with("phone_number", "62812abc45"), "Invalid phone number format"},
		"phone 8 chars":      {with("phone_number", "62123456"), "Invalid phone number format"},
		"phone 18 chars":     {with("phone_number", "621234567890123456"), "Invalid phone number format"},
		"phone with plus":    {with("phone_number", "+6281234567"), "Invalid phone number format"},
		"bad email":          {with("email", "not-an-email"), `Property 'email' must match format "email"`},
		"duplicate username": {with("username", "ani"), "Username already exist"},
		"duplicate email":    {with("email", "ANI@example.com"), "Email already exist"},
		"duplicate phone":    {with("phone_number", "6281234567"), "Phone number already exist"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			register(h, c.body).expect(t, 400, jsonBody(t, message{c.msg}))
		})
	}
	t.Run("phone bounds accepted", func(t *testing.T) {
		register(h, with("phone_number", "621234567")).expect(t, 200, `{"status":true,"message":"Account has been created"}`)
		register(h, accountFields("c", "c@example.com", "62123456789012345")).expect(t, 200, `{"status":true,"message":"Account has been created"}`)
	})
	t.Run("invalid JSON", func(t *testing.T) {
		h.do("POST", "/usapi/internal/register", `{"username":`, basicAuth...).expect(t, 400, `{"message":"Invalid JSON body"}`)
	})
	if n := len(h.state().Accounts); n != 3 {
		t.Errorf("accounts = %d, want 3", n)
	}
}

func TestUSAPIBasicAuth(t *testing.T) {
	h := newHarness(t, Options{})
	for _, path := range []string{"/usapi/internal/register", "/usapi/signup"} {
		cases := map[string][]string{
			"missing":        nil,
			"wrong key":      {"Authorization", "Basic nope"},
			"bearer":         {"Authorization", "Bearer " + USAPIKey},
			"base64 of key":  {"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(USAPIKey))},
			"scheme no key:": {"Authorization", "Basic"},
		}
		for name, hdr := range cases {
			t.Run(path+" "+name, func(t *testing.T) {
				h.do("POST", path, docRegister, hdr...).expect(t, 401, `{"message":"Unauthorized"}`)
			})
		}
	}
	if n := len(h.state().Accounts); n != 0 {
		t.Errorf("unauthorised requests created %d accounts", n)
	}
}

func TestUSAPISignup(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.do("POST", "/usapi/signup", docSignup, basicAuth...)
	m := r.json(t)
	if m["status"] != true || m["message"] != "Please check your phone to complete registration" || m["exp_otp"] != 18000.0 {
		t.Errorf("signup answer %s", r.body)
	}
	claims := decodeJWTPayload(t, m["token"].(string))
	if claims["username"] != "test20250219000" || claims["mode"] != "OTP" || claims["phone_number"] != "62123456789" {
		t.Errorf("claims %v", claims)
	}
	if !regexp.MustCompile(`^[0-9]{6}$`).MatchString(claims["otp"].(string)) {
		t.Errorf("otp %v", claims["otp"])
	}
	if pwd := claims["pwd"].(string); !strings.HasPrefix(pwd, "$2b$08$") || len(pwd) != 60 || strings.Contains(pwd, "test2025") {
		t.Errorf("pwd %q is not bcrypt-shaped", pwd)
	}
	if claims["exp"].(float64)-claims["iat"].(float64) != 1800 || claims["exp"] != m["exp"] {
		t.Errorf("exp %v iat %v answer exp %v", claims["exp"], claims["iat"], m["exp"])
	}
	login(h, "test20250219000", "test20250219000") // no OTP confirmation needed
}

func TestUSAPISignupRules(t *testing.T) {
	h := newHarness(t, Options{})
	base := func(k string, v any) map[string]any {
		m := map[string]any{"username": "sig", "password": "p", "email": "sig@example.com", "first_name": "S", "last_name": "G"}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := map[string]struct {
		body   map[string]any
		status int
		msg    string
	}{
		"missing email":     {base("email", nil), 400, "Must have required property 'email'"},
		"missing last_name": {base("last_name", nil), 400, "Must have required property 'last_name'"},
		"bad phone":         {base("phone_number", "0812345678"), 400, "The phone number format is invalid. Please use the format: 628XXXXXXXXX"},
		"bad mode":          {base("mode", "SMS"), 400, "Property 'mode' must be equal to one of the allowed values: LINK, OTP"},
		"bad platform":      {base("platform", "WEB"), 400, "Property 'platform' must be equal to one of the allowed values: ONMART, ONMARKET, OSAS, ONAPPS"},
		"mode not string":   {base("mode", 1), 400, "Property 'mode' must be string"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h.do("POST", "/usapi/signup", jsonBody(t, c.body), basicAuth...).expect(t, c.status, jsonBody(t, message{c.msg}))
		})
	}
	for i, platform := range []string{"ONMART", "ONMARKET", "OSAS", "ONAPPS"} {
		b := base("platform", platform)
		b["username"], b["email"] = "p"+platform, platform+"@example.com"
		if i == 0 {
			delete(b, "phone_number") // optional
		}
		r := h.do("POST", "/usapi/signup", jsonBody(t, b), basicAuth...)
		if r.status != 200 || r.json(t)["message"] != "Please check your email to complete registration" {
			t.Errorf("platform %s: %d %s", platform, r.status, r.body)
		}
	}
	dup := base("phone_number", nil)
	dup["username"] = "pONMART"
	h.do("POST", "/usapi/signup", jsonBody(t, dup), basicAuth...).expect(t, 400, `{"message":"Username already exist"}`)
}

func decodeJWTPayload(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" {
		t.Fatalf("token %q is not an HS256 JWT", token)
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestUSAPILogin(t *testing.T) {
	h := newHarness(t, Options{})
	register(h, accountFields("ani", "ani@example.com", "6281234567"))
	claims := decodeJWTPayload(t, login(h, "ani", "pw-ani"))
	if _, hasExp := claims["exp"]; hasExp || claims["username"] != "ani" {
		t.Errorf("login claims %v", claims)
	}
	cases := map[string]struct {
		body   string
		status int
		want   string
	}{
		"wrong password":    {`{"username":"ani","password":"x","options":{"nativeApp":true}}`, 401, `{"message":"Invalid username or password"}`},
		"unknown user":      {`{"username":"zed","password":"x"}`, 401, `{"message":"Invalid username or password"}`},
		"missing username":  {`{"password":"x"}`, 400, `{"message":"Must have required property 'username'"}`},
		"missing password":  {`{"username":"ani"}`, 400, `{"message":"Must have required property 'password'"}`},
		"missing nativeApp": {`{"username":"ani","password":"pw-ani","options":{}}`, 400, `{"message":"Must have required property 'nativeApp'"}`},
		"nativeApp string":  {`{"username":"ani","password":"pw-ani","options":{"nativeApp":"no"}}`, 400, `{"message":"Property 'nativeApp' must be boolean"}`},
		"not JSON":          {`username=ani`, 400, `{"message":"Invalid JSON body"}`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { h.do("POST", "/usapi/auth", c.body).expect(t, c.status, c.want) })
	}
}

func TestUSAPIUpdateBasicProfile(t *testing.T) {
	h := newHarness(t, Options{})
	register(h, accountFields("ani", "ani@example.com", "6281234567"))
	token := login(h, "ani", "pw-ani")
	signupToken := h.do("POST", "/usapi/signup", docSignup, basicAuth...).json(t)["token"].(string)
	profile := func(p string) (string, string) {
		return multipartBody(t, map[string]string{"basic_profile": p}, nil)
	}
	good, goodCT := profile(docBasicProfile)
	unauthorized := map[string]string{"none": "", "garbage": "Bearer abc", "signup token": "Bearer " + signupToken, "basic": "Basic " + USAPIKey}
	for name, auth := range unauthorized {
		t.Run("401 "+name, func(t *testing.T) {
			h.postMultipart("/usapi/update-basic-profile", good, goodCT, "Authorization", auth).expect(t, 401, `{"message":"Unauthorized"}`)
		})
	}
	bad := map[string]struct{ profile, msg string }{
		"gender":       {`{"gender":"L","phone_number":"6287654321","date_of_birth":"1996-10-18"}`, "Invalid gender. Accepted values: Laki-Laki, Perempuan"},
		"date format":  {`{"gender":"Perempuan","phone_number":"6287654321","date_of_birth":"18-10-1996"}`, "Invalid date_of_birth. Please use the format: YYYY-MM-DD"},
		"date unreal":  {`{"gender":"Perempuan","phone_number":"6287654321","date_of_birth":"2023-02-30"}`, "Invalid date_of_birth. Please use the format: YYYY-MM-DD"},
		"phone":        {`{"gender":"Perempuan","phone_number":"087654321","date_of_birth":"1996-10-18"}`, "The phone number format is invalid. Please use the format: 628XXXXXXXXX"},
		"no gender":    {`{"phone_number":"6287654321","date_of_birth":"1996-10-18"}`, "Must have required property 'gender'"},
		"not JSON":     {`gender=L`, "Property 'basic_profile' must be a JSON object"},
		"missing part": {"", "Must have required property 'basic_profile'"},
	}
	for name, c := range bad {
		t.Run("400 "+name, func(t *testing.T) {
			body, ct := profile(c.profile)
			if c.profile == "" {
				body, ct = multipartBody(t, map[string]string{"other": "x"}, nil)
			}
			h.postMultipart("/usapi/update-basic-profile", body, ct, "Authorization", "Bearer "+token).expect(t, 400, jsonBody(t, message{c.msg}))
		})
	}
	t.Run("not multipart", func(t *testing.T) {
		h.do("POST", "/usapi/update-basic-profile", `{"basic_profile":{}}`, "Authorization", "Bearer "+token).
			expect(t, 400, `{"message":"Content-Type must be multipart/form-data"}`)
	})
	body, ct := multipartBody(t, map[string]string{"basic_profile": docBasicProfile}, map[string][]byte{"profile_img": []byte("img")})
	h.postMultipart("/usapi/update-basic-profile", body, ct, "Authorization", "Bearer "+token).expect(t, 200, `{"status":true,"message":"Success update profile"}`)
	h.postMultipart("/usapi/update-basic-profile", good, goodCT, "Authorization", "Bearer "+token).expect(t, 200, `{"status":true,"message":"Success update profile"}`)
	p := h.state().Accounts[0].BasicProfile
	if p == nil || p.Gender != "Laki-Laki" || p.DateOfBirth != "1996-10-18" || p.PhoneNumber != "6287654321" || p.ProfileImgSize != 3 {
		t.Errorf("stored profile %+v (the image must survive an update without one)", p)
	}
}

func TestUSAPICheckEmail(t *testing.T) {
	h := newHarness(t, Options{})
	register(h, accountFields("ani", "ani@example.com", "6281234567"))
	cases := map[string]struct {
		body   string
		status int
		want   string
	}{
		"free":       {`{"email":"budi@example.com"}`, 200, `{"status":true,"message":"Email is not registered"}`},
		"registered": {`{"email":"ani@example.com"}`, 409, `{"status":false,"message":"Email is already registered"}`},
		"any case":   {`{"email":"Ani@Example.com"}`, 409, `{"status":false,"message":"Email is already registered"}`},
		"missing":    {`{}`, 400, `{"message":"Must have required property 'email'"}`},
		"null":       {`{"email":null}`, 400, `{"message":"Must have required property 'email'"}`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { h.do("POST", "/usapi/check/email", c.body).expect(t, c.status, c.want) })
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	h := newHarness(t, Options{})
	cases := map[string]struct {
		method, path string
		status       int
	}{
		"unknown root":       {"GET", "/nope", 404},
		"bare prefix":        {"GET", "/usapi", 404},
		"unknown usapi":      {"POST", "/usapi/nope", 404},
		"usapi wrong method": {"GET", "/usapi/auth", 405},
		"prakerja method":    {"POST", "/prakerja/api/v1/resource/user_profile", 405},
		"proofylink method":  {"DELETE", "/proofylink/api/v1/external/verifications/EMP-260211-0001", 405},
		"state method":       {"POST", "/_sandbox/state", 405},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := h.do(c.method, c.path, "")
			if r.status != c.status || !json.Valid([]byte(r.body)) {
				t.Errorf("%s %s: %d %q", c.method, c.path, r.status, r.body)
			}
			if c.status == http.StatusMethodNotAllowed && r.header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
}
