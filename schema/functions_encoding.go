package schema

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// stringFunc makes a function from one string to one string.
func stringFunc(desc string, f func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Description:  desc,
		Params:       []function.Parameter{{Name: "str", Type: cty.String}},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := f(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			return cty.StringVal(s), nil
		},
	})
}

var base64EncodeFunc = stringFunc("Encodes the UTF-8 bytes of str with standard Base64.", func(s string) (string, error) {
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
})

var base64DecodeFunc = stringFunc("Decodes standard Base64 whose bytes are UTF-8 text.", func(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("the string is not valid Base64: %s", err)
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("the decoded bytes are not valid UTF-8 text")
	}
	return string(b), nil
})

var urlEncodeFunc = stringFunc("Escapes str for use in a URL query.", func(s string) (string, error) {
	return url.QueryEscape(s), nil
})

var base64SHA256Func = stringFunc("Returns the SHA-256 digest of str, Base64-encoded.", func(s string) (string, error) {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:]), nil
})

// hashFunc makes a function returning the hex digest of a string.
func hashFunc(sum func([]byte) []byte) function.Function {
	return stringFunc("Returns the digest of str, hex-encoded.", func(s string) (string, error) {
		return hex.EncodeToString(sum([]byte(s))), nil
	})
}

func md5Sum(b []byte) []byte    { s := md5.Sum(b); return s[:] }
func sha1Sum(b []byte) []byte   { s := sha1.Sum(b); return s[:] }
func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
func sha512Sum(b []byte) []byte { s := sha512.Sum512(b); return s[:] }
