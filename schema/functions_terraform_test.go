package schema

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// TestTerraformFunctions checks the functions added to match Terraform's
// set and the cases where daftar differed from OpenTofu's own tests.
func TestTerraformFunctions(t *testing.T) {
	str := cty.StringVal
	num := cty.NumberIntVal
	dir := writeDir(t, map[string]string{
		"hello.tmpl":      "Hello, ${name}!%{ for p in phones } ${upper(p)}%{ endfor }",
		"people/ani.json": "{}", "people/budi.json": "{}", "people/sub/c.json": "{}", "people/readme.md": "",
	})
	tests := map[string]struct {
		src  string
		want cty.Value
	}{
		"lookup two args":     {`lookup({a = "x"}, "a")`, str("x")},
		"lookup object":       {`lookup({a = 1, b = "y"}, "b", "d")`, str("y")},
		"lookup null default": {`lookup(tomap({a = "x"}), "b", null)`, cty.NullVal(cty.String)},
		"coalesce null":       {`coalesce(null, "b")`, str("b")},
		"coalesce nulls num":  {`coalesce(null, null, 2)`, num(2)},
		"alltrue null":        {`alltrue([true, null])`, cty.False},
		"anytrue null":        {`anytrue([null, true])`, cty.True},
		"anytrue only null":   {`anytrue([null])`, cty.False},
		"transpose":           {`transpose({a = ["1", "2"], b = ["2"]})["2"]`, cty.ListVal([]cty.Value{str("a"), str("b")})},
		"matchkeys":           {`matchkeys(["i1", "i2", "i3"], ["a", "b", "a"], ["a"])`, cty.ListVal([]cty.Value{str("i1"), str("i3")})},
		"matchkeys none":      {`matchkeys(["i1"], ["a"], [])`, cty.ListValEmpty(cty.String)},
		"urldecode":           {`urldecode("a+b%26c")`, str("a b&c")},
		"uuidv5 dns":          {`uuidv5("dns", "www.example.com")`, str("2ed6657d-e927-568b-95e1-2665a8aea6a2")},
		"uuidv5 url":          {`uuidv5("url", "https://www.example.com/")`, str("3d3ed9d2-aa3d-5fa6-90e8-ed662e90f559")},
		"uuidv5 custom":       {`uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")`, str("2ed6657d-e927-568b-95e1-2665a8aea6a2")},
		"textencodebase64":    {`textencodebase64("Hello World", "UTF-16LE")`, str("SABlAGwAbABvACAAVwBvAHIAbABkAA==")},
		"textdecodebase64":    {`textdecodebase64("SABlAGwAbABvACAAVwBvAHIAbABkAA==", "UTF-16LE")`, str("Hello World")},
		"yamldecode":          {`yamldecode("a: [1, 2]\nb: hi\n").b`, str("hi")},
		"yamlencode":          {`yamlencode({a = "b"})`, str("\"a\": \"b\"\n")},
		"timecmp before":      {`timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00+01:00")`, num(0)},
		"timecmp after":       {`timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z")`, num(1)},
		"timeadd":             {`timeadd("2017-11-22T00:00:00Z", "10m")`, str("2017-11-22T00:10:00Z")},
		"formatdate":          {`formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")`, str("02 Jan 2018 23:12 UTC")},
		"formatdate weekday":  {`formatdate("EEEE, DD-MMM-YY", "2018-01-02T23:12:01-08:00")`, str("Tuesday, 02-Jan-18")},
		"templatestring":      {`templatestring("Hi $${name}", {name = "ani"})`, str("Hi ani")},
		"templatefile":        {`templatefile("hello.tmpl", {name = "ani", phones = ["a", "b"]})`, str("Hello, ani! A B")},
		"fileset":             {`fileset("people", "*.json")`, cty.SetVal([]cty.Value{str("ani.json"), str("budi.json")})},
		"fileset recursive":   {`length(fileset(path, "**/*.json"))`, num(3)},
		"fileset none":        {`fileset("people", "*.csv")`, cty.SetValEmpty(cty.String)},
		"issensitive":         {`issensitive(sensitive("x"))`, cty.True},
		"issensitive not":     {`issensitive("x")`, cty.False},
		"core namespace":      {`core::upper("a")`, str("A")},
		"tolist keeps marks":  {`issensitive(nonsensitive(tolist([sensitive("s"), "b"]))[0])`, cty.True},
		"tolist element mark": {`issensitive(tolist([sensitive("s"), "b"])[1])`, cty.False},
		"tomap keeps marks":   {`issensitive(nonsensitive(tomap({a = sensitive("s"), b = "b"})).a)`, cty.True},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := &hcl.EvalContext{Functions: Functions(dir), Variables: map[string]cty.Value{"path": cty.StringVal(dir + "/people")}}
			got, diags := parseExpr(t, tc.src).Value(ctx)
			if diags.HasErrors() {
				t.Fatal(diagsText(diags))
			}
			if !got.RawEquals(tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// TestFunctionErrors checks the errors that OpenTofu's cases expect, and
// that no error quotes a sensitive argument.
func TestFunctionErrors(t *testing.T) {
	tests := map[string]struct {
		src, err, secret string
	}{
		"sum empty":           {src: `sum([])`, err: "the list is empty"},
		"lookup missing":      {src: `lookup(tomap({a = "x"}), "b")`, err: `no element with the key "b"`},
		"lookup no attribute": {src: `lookup({a = "x"}, "b")`, err: `the object has no attribute "b"`},
		"lookup three+":       {src: `lookup({a = "x"}, "b", "c", "d")`, err: "two or three arguments"},
		"coalesce all null":   {src: `coalesce(null, "")`, err: "every argument is null"},
		"tonumber":            {src: `tonumber("abc")`, err: `cannot convert "abc" to number`},
		"tonumber sensitive":  {src: `tonumber(sensitive("hunter2"))`, err: "this sensitive string", secret: "hunter2"},
		"tobool sensitive":    {src: `tobool(sensitive("hunter2"))`, err: "this sensitive string", secret: "hunter2"},
		"file sensitive":      {src: `file(sensitive("hunter2.txt"))`, err: "details are hidden", secret: "hunter2"},
		"filebase64 secret":   {src: `filebase64(sensitive("hunter2.txt"))`, err: "details are hidden", secret: "hunter2"},
		"lookup sensitive":    {src: `lookup({a = 1}, sensitive("hunter2"))`, err: "(sensitive value)", secret: "hunter2"},
		"regex sensitive":     {src: `regex(sensitive("hunter2("), "x")`, err: "details are hidden", secret: "hunter2"},
		"templatestring vars": {src: `templatestring("$${x}", {})`, err: `vars has no "x"`},
		"uuidv5 namespace":    {src: `uuidv5("nope", "a")`, err: "dns, url, oid, x500 or a UUID"},
		"textencode encoding": {src: `textencodebase64("a", "nope")`, err: "IANA character encoding"},
		"timecmp bad":         {src: `timecmp("yesterday", "2017-11-22T00:00:00Z")`, err: "not an RFC 3339 timestamp"},
		"fileset pattern":     {src: `fileset(".", "[")`, err: "not a valid pattern"},
		"urldecode bad":       {src: `urldecode("%zz")`, err: "two hexadecimal digits"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := evalFunc(t, t.TempDir(), tc.src)
			if !diags.HasErrors() {
				t.Fatalf("no error, want one containing %q", tc.err)
			}
			text := diagsText(diags)
			if !strings.Contains(text, tc.err) {
				t.Errorf("error %q does not contain %q", text, tc.err)
			}
			if tc.secret != "" && strings.Contains(text, tc.secret) {
				t.Errorf("error %q reveals the sensitive argument", text)
			}
		})
	}
}

// TestUnknownSensitiveStaysMarked checks that a function given an unknown
// sensitive value returns an unknown that is still sensitive.
func TestUnknownSensitiveStaysMarked(t *testing.T) {
	secret := cty.UnknownVal(cty.String).Mark(Sensitive)
	for _, src := range []string{`tostring(s)`, `tolist([s])[0]`, `lookup({ a = 1 }, s, 2)`, `upper(s)`, `file(s)`, `coalesce(s, "x")`} {
		ctx := &hcl.EvalContext{Functions: Functions("."), Variables: map[string]cty.Value{"s": secret}}
		got, diags := parseExpr(t, src).Value(ctx)
		if diags.HasErrors() {
			t.Errorf("%s: %s", src, diagsText(diags))
			continue
		}
		if got.IsKnown() || !got.HasMark(Sensitive) {
			t.Errorf("%s = %#v, want an unknown sensitive value", src, got)
		}
	}
}

// TestPlanTimestamp checks that timestamp and plantimestamp give the plan
// time, and are unknown without one.
func TestPlanTimestamp(t *testing.T) {
	at := time.Date(2026, 12, 5, 14, 30, 0, 0, time.FixedZone("WIB", 7*3600))
	for _, name := range []string{"timestamp", "plantimestamp"} {
		ctx := &hcl.EvalContext{Functions: FunctionsAt(".", at)}
		got, diags := parseExpr(t, name+"()").Value(ctx)
		if diags.HasErrors() || !got.RawEquals(cty.StringVal("2026-12-05T07:30:00Z")) {
			t.Errorf("%s() = %#v %s", name, got, diagsText(diags))
		}
		got, _ = parseExpr(t, name+"()").Value(&hcl.EvalContext{Functions: Functions(".")})
		if got.IsKnown() {
			t.Errorf("%s() without a plan time = %#v, want unknown", name, got)
		}
	}
}

// A "billion laughs" document is refused with an error at the call, and
// a document using an anchor a few times still decodes.
func TestYAMLDecodeAliasBomb(t *testing.T) {
	bomb := `a: &a [x, x, x, x, x, x, x, x, x, x]\n`
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += name + `: &` + name + ` [*` + prev + `, *` + prev + `, *` + prev + `, *` + prev + `, *` + prev + `, *` + prev + `, *` + prev + `, *` + prev + `, *` + prev + `, *` + prev + `]\n`
		prev = name
	}
	_, diags := evalFunc(t, t.TempDir(), `yamldecode("`+bomb+`")`)
	if !diags.HasErrors() || !strings.Contains(diagsText(diags), "expand to more than") {
		t.Fatalf("alias bomb: %v", diags)
	}
	if d := diags[0]; d.Subject == nil || d.Subject.Start.Line != 1 || d.Subject.Start.Column != 13 {
		t.Errorf("error not at the call: %#v", d.Subject)
	}
	got, diags := evalFunc(t, t.TempDir(), `yamldecode("d: &d {k: v}\np: *d\nq: [*d, *d]\n").q[1].k`)
	if diags.HasErrors() || !got.RawEquals(cty.StringVal("v")) {
		t.Fatalf("anchors: %#v %v", got, diags)
	}
}
