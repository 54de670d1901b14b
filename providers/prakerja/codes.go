package prakerja

import "github.com/zclconf/go-cty/cty"

// advice is what a user should do about one of Prakerja's error codes, and
// the attribute it is about (nil: the provider block or the request).
type advice struct {
	name string
	path cty.Path
	todo string
}

var tokenPath = cty.GetAttrPath(attrAccessToken)

// obtainToken is the way to a new access token.
const obtainToken = "obtain a new one through the Prakerja OAuth flow (POST /api/v1/oauth/token with the authorization code the user's consent gives, or refresh it with the refresh token), then set access_token to it"

// codeAdvice maps every ERROAUTH40xx code of the seed document.
var codeAdvice = map[string]advice{
	"ERROAUTH4024": {"NotFoundContextClientId", nil, "the request reached Prakerja without a client id: check the provider's client_code, sent as X-Client-Id"},
	"ERROAUTH4029": {"ErrOauthClientIdNotFound", nil, "Prakerja does not know this client id: check client_code, and that endpoint is the environment (staging or production) that issued it"},
	"ERROAUTH4030": {"NotFoundContextUserId", tokenPath, "the access token identifies no user: " + obtainToken},
	"ERROAUTH4031": {"ErrOauthAuthCodeNotFound", tokenPath, "the authorization code is unknown: send the user through the consent flow again for a new code, then exchange it for a token"},
	"ERROAUTH4032": {"ErrOauthAuthCodeNotSame", tokenPath, "the authorization code was issued to another client: exchange it with the client_code that started the consent flow"},
	"ERROAUTH4033": {"ErrScopeNotMatch", tokenPath, "the access token's scope does not allow this request: ask for the profile scope when sending the user to consent, then obtain a new token"},
	"ERROAUTH4034": {"ErrSignatureTimestampNotInteger", nil, "the timestamp header must be Unix seconds as an integer: daftar sends one, so check that no proxy rewrites it"},
	"ERROAUTH4035": {"ErrSignatureTimestampValueGreaterThanServerNow", nil, "this machine's clock is ahead of Prakerja's: synchronise it (NTP) and retry"},
	"ERROAUTH4036": {"ErrSignatureExpired", nil, "the signature's timestamp is too old: synchronise this machine's clock (NTP) and retry"},
	"ERROAUTH4037": {"ErrSignaturePayloadInvalidJSON", nil, "the signed body is not valid JSON: this is a bug in daftar's request, please report it"},
	"ERROAUTH4038": {"ErrSignatureNotMatch", nil, "the signature does not match: check that sign_key and client_code are the pair Prakerja gave you"},
	"ERROAUTH4039": {"ErrMissingSignature", nil, "the request was not signed: set sign_key in the provider \"prakerja\" block"},
	"ERROAUTH4040": {"ErrMissingTimestamp", nil, "the request had no timestamp header: set sign_key in the provider \"prakerja\" block so that daftar signs it"},
	"ERROAUTH4041": {"ErrMissingMethod", nil, "the signature lacked the HTTP method: this is a bug in daftar's signing, please report it"},
	"ERROAUTH4042": {"ErrGrantTypeNotMatch", nil, "the token request's grant_type is wrong for the flow: exchange a code with the authorization code grant, refresh with the refresh token grant"},
	"ERROAUTH4043": {"ErrRefreshTokenKeyNotFound", tokenPath, "the refresh token is unknown or already used: send the user through the consent flow again"},
	"ERROAUTH4044": {"ErrValidationInput", tokenPath, "Prakerja found the input invalid: check that access_token is the token alone, with no Bearer prefix, quotes or spaces"},
	"ERROAUTH4045": {"ErrRedirectUriNotValid", nil, "the redirect URI is not the one registered for this client_code: use the registered one"},
	"ERROAUTH4046": {"ErrLoginUriNotValid", nil, "the login URI is not the one registered for this client_code: use the registered one"},
	"ERROAUTH4047": {"ErrValidateJWTAuthCode", tokenPath, "the authorization code is not valid: send the user through the consent flow again for a new code"},
	"ERROAUTH4048": {"ErrValidateJWTToken", tokenPath, "the access token is not valid (malformed, or issued to another client or environment): " + obtainToken},
	"ERROAUTH4049": {"ErrCreateJWTToken", nil, "Prakerja could not create a token: retry later, and contact Prakerja if it persists"},
	"ERROAUTH4050": {"ErrJWTSignKeyNotMatch", tokenPath, "the access token was signed for another client or environment: " + obtainToken + " for this client_code"},
	"ERROAUTH4051": {"ErrTokenExpired", tokenPath, "the access token has expired: " + obtainToken},
	"ERROAUTH4052": {"ErrOauthAuthCodeExpired", tokenPath, "the authorization code has expired: send the user through the consent flow again for a new code"},
	"ERROAUTH4053": {"ErrTokenNotFoundHeader", tokenPath, "the request carried no access token: set access_token"},
}
