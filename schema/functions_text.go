package schema

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
)

// textEncodeBase64Func encodes a string in a named character encoding
// (UTF-16LE, ISO-8859-1, windows-1252...) and returns the bytes in Base64.
var textEncodeBase64Func = function.New(&function.Spec{
	Description: "Encodes str in the named character encoding and returns the bytes Base64-encoded.",
	Params: []function.Parameter{
		{Name: "string", Type: cty.String},
		{Name: "encoding", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		enc, name, err := textEncoding(args[1].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		b, err := enc.NewEncoder().Bytes([]byte(args[0].AsString()))
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "the string has characters that %s cannot represent", name)
		}
		return cty.StringVal(base64.StdEncoding.EncodeToString(b)), nil
	},
})

// textDecodeBase64Func decodes Base64 bytes written in a named character
// encoding into a string.
var textDecodeBase64Func = function.New(&function.Spec{
	Description: "Decodes Base64 bytes in the named character encoding into a string.",
	Params: []function.Parameter{
		{Name: "source", Type: cty.String},
		{Name: "encoding", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		enc, name, err := textEncoding(args[1].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		raw, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "the string is not valid Base64: %s", err)
		}
		b, err := enc.NewDecoder().Bytes(raw)
		if err != nil || bytes.ContainsRune(b, '\uFFFD') {
			return cty.NilVal, function.NewArgErrorf(0, "the bytes are not valid %s text", name)
		}
		return cty.StringVal(string(b)), nil
	},
})

// textEncoding finds an encoding by its IANA name or alias.
func textEncoding(label string) (encoding.Encoding, string, error) {
	enc, err := ianaindex.IANA.Encoding(label)
	if err != nil || enc == nil {
		return nil, "", fmt.Errorf("%q is not a supported IANA character encoding name (such as UTF-16LE, ISO-8859-1, windows-1252)", label)
	}
	name, err := ianaindex.IANA.Name(enc)
	if err != nil {
		name = label
	}
	return enc, name, nil
}

var urlDecodeFunc = stringFunc("Decodes a URL query-escaped string.", func(s string) (string, error) {
	d, err := url.QueryUnescape(s)
	if err != nil {
		return "", fmt.Errorf("the string is not URL-encoded: every %% must be followed by two hexadecimal digits")
	}
	return d, nil
})

// uuidNamespaces are the namespaces of RFC 4122 that uuidv5 knows by name.
var uuidNamespaces = map[string]string{
	"dns":  "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
	"url":  "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
	"oid":  "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
	"x500": "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
}

// uuidV5Func is RFC 4122's name-based UUID with SHA-1: the same namespace
// and name always give the same UUID, so unlike uuid() it converges.
var uuidV5Func = function.New(&function.Spec{
	Description: "Returns the version 5 (SHA-1, name-based) UUID of name in namespace (dns, url, oid, x500 or a UUID).",
	Params: []function.Parameter{
		{Name: "namespace", Type: cty.String},
		{Name: "name", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ns := args[0].AsString()
		if known, ok := uuidNamespaces[ns]; ok {
			ns = known
		}
		nsBytes, ok := parseUUID(ns)
		if !ok {
			return cty.NilVal, function.NewArgErrorf(0, "the namespace must be dns, url, oid, x500 or a UUID such as 6ba7b810-9dad-11d1-80b4-00c04fd430c8")
		}
		h := sha1.New()
		h.Write(nsBytes)
		h.Write([]byte(args[1].AsString()))
		u := h.Sum(nil)[:16]
		u[6] = u[6]&0x0f | 0x50 // version 5
		u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
		x := hex.EncodeToString(u)
		return cty.StringVal(x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]), nil
	},
})

// parseUUID reads the 16 bytes of a UUID written as 8-4-4-4-12 hex digits,
// optionally in braces or with a urn:uuid: prefix.
func parseUUID(s string) ([]byte, bool) {
	s = strings.TrimPrefix(strings.ToLower(s), "urn:uuid:")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return nil, false
	}
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	return b, err == nil
}
