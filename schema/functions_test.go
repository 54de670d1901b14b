package schema

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalFunc evaluates src with the functions of baseDir and nothing else.
func evalFunc(t *testing.T, baseDir, src string) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	ctx := &hcl.EvalContext{Functions: Functions(baseDir)}
	return parseExpr(t, src).Value(ctx)
}

func TestFunctions(t *testing.T) {
	str := cty.StringVal
	num := cty.NumberIntVal
	strs := func(ss ...string) cty.Value {
		vals := make([]cty.Value, len(ss))
		for i, s := range ss {
			vals[i] = str(s)
		}
		return cty.ListVal(vals)
	}
	tests := map[string]struct {
		src  string
		want cty.Value
	}{
		// strings
		"format":      {`format("%s-%03d", "a", 7)`, str("a-007")},
		"formatlist":  {`formatlist("x%s", ["a", "b"])`, strs("xa", "xb")},
		"lower upper": {`"${lower("AB")}${upper("cd")}"`, str("abCD")},
		"trim family": {`"${trimspace("  a ")}${trim("xbx", "x")}${trimprefix("pc", "p")}${trimsuffix("ds", "s")}"`, str("abcd")},
		"split join":  {`join("-", split(",", "a,b"))`, str("a-b")},
		"replace":     {`replace("a.b.c", ".", "/")`, str("a/b/c")},
		"replace re":  {`replace("a1b22", "/[0-9]+/", "#")`, str("a#b#")},
		"regex":       {`regex("[0-9]+", "ab123")`, str("123")},
		"regexall":    {`length(regexall("[0-9]", "1a2"))`, num(2)},
		"substr":      {`substr("hello", 1, 3)`, str("ell")},
		"title":       {`title("ani budi")`, str("Ani Budi")},
		"chomp":       {`chomp("a\n")`, str("a")},
		"indent":      {`indent(2, "a\nb")`, str("a\n  b")},
		"startswith":  {`startswith("62812", "62")`, cty.True},
		"endswith":    {`endswith("a.pdf", ".jpg")`, cty.False},
		"strcontains": {`strcontains("hello", "ell")`, cty.True},
		"basename":    {`basename("ktp/ani.jpg")`, str("ani.jpg")},
		// collections
		"merge":           {`merge({a = 1}, {b = 2}).b`, num(2)},
		"concat":          {`length(concat([1], [2, 3]))`, num(3)},
		"length string":   {`length("héllo")`, num(5)},
		"length object":   {`length({a = 1, b = 2})`, num(2)},
		"lookup":          {`lookup({a = "x"}, "b", "d")`, str("d")},
		"keys values":     {`"${join(",", keys({a = 1, b = 2}))}${join(",", values({a = "x"}))}"`, str("a,bx")},
		"contains":        {`contains(["a"], "a")`, cty.True},
		"distinct":        {`distinct(["a", "a", "b"])`, strs("a", "b")},
		"flatten":         {`flatten([["a"], ["b"]])`, cty.TupleVal([]cty.Value{str("a"), str("b")})},
		"range":           {`length(range(5))`, num(5)},
		"coalesce":        {`coalesce("", "b")`, str("b")},
		"coalescelist":    {`coalescelist([], ["a"])`, cty.TupleVal([]cty.Value{str("a")})},
		"element":         {`element(["a", "b"], 3)`, str("b")},
		"index":           {`index(["a", "b"], "b")`, num(1)},
		"zipmap":          {`zipmap(["a"], [1]).a`, num(1)},
		"one":             {`one(["x"])`, str("x")},
		"one empty":       {`one([])`, cty.NullVal(cty.DynamicPseudoType)},
		"alltrue":         {`alltrue([true, true])`, cty.True},
		"anytrue":         {`anytrue([false])`, cty.False},
		"setunion":        {`length(setunion(["a"], ["b"]))`, num(2)},
		"setintersection": {`length(setintersection(["a", "b"], ["b"]))`, num(1)},
		"reverse":         {`reverse(["a", "b"])`, cty.TupleVal([]cty.Value{str("b"), str("a")})},
		"sort":            {`sort(["b", "a"])`, strs("a", "b")},
		"slice":           {`slice(["a", "b", "c"], 1, 2)`, cty.TupleVal([]cty.Value{str("b")})},
		"chunklist":       {`length(chunklist(["a", "b", "c"], 2))`, num(2)},
		"compact":         {`compact(["a", ""])`, strs("a")},
		// encodings
		"jsonencode": {`jsonencode({a = [1]})`, str(`{"a":[1]}`)},
		"jsondecode": {`jsondecode("{\"a\": 2}").a`, num(2)},
		"csvdecode":  {`csvdecode("name,nik\nani,3171\n")[0].nik`, str("3171")},
		"base64":     {`base64decode(base64encode("hé"))`, str("hé")},
		"urlencode":  {`urlencode("a b&c")`, str("a+b%26c")},
		// numbers
		"min max abs": {`min(3, 1) + max(2, 5) + abs(-4)`, num(10)},
		"ceil floor":  {`ceil(1.2) + floor(1.8)`, num(3)},
		"parseint":    {`parseint("ff", 16)`, num(255)},
		"sum":         {`sum([1, 2, 3.5])`, cty.NumberFloatVal(6.5)},
		// conversions
		"tostring":     {`tostring(12)`, str("12")},
		"tonumber":     {`tonumber("12")`, num(12)},
		"tobool":       {`tobool("true")`, cty.True},
		"tolist":       {`tolist(["a"])`, strs("a")},
		"toset":        {`toset(["a", "a"])`, cty.SetVal([]cty.Value{str("a")})},
		"tomap":        {`tomap({a = "b"})`, cty.MapVal(map[string]cty.Value{"a": str("b")})},
		"can":          {`can(tonumber("x"))`, cty.False},
		"try":          {`try(tonumber("x"), 0)`, num(0)},
		"sensitive":    {`sensitive("x")`, str("x").Mark(Sensitive)},
		"nonsensitive": {`nonsensitive(sensitive("x"))`, str("x")},
		// hashes
		"sha256": {`sha256("abc")`, str("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")},
		"sha1":   {`sha1("abc")`, str("a9993e364706816aba3e25717850c26c9cd0d89d")},
		"md5":    {`md5("abc")`, str("900150983cd24fb0d6963f7d28e17f72")},
		"sha512": {`length(sha512("abc"))`, num(128)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, diags := evalFunc(t, ".", tc.src)
			if diags.HasErrors() {
				t.Fatal(diagsText(diags))
			}
			if !got.RawEquals(tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestFileFunctions(t *testing.T) {
	dir := writeDir(t, map[string]string{"ktp/ani.txt": "hello\n", "people.csv": "name\nani\n"})
	if err := os.WriteFile(filepath.Join(dir, "photo.jpg"), []byte{0xff, 0xd8, 0xff}, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		src  string
		want cty.Value
		err  string
	}{
		"file":            {src: `file("ktp/ani.txt")`, want: cty.StringVal("hello\n")},
		"file absolute":   {src: `file("` + filepath.Join(dir, "ktp/ani.txt") + `")`, want: cty.StringVal("hello\n")},
		"filebase64":      {src: `filebase64("photo.jpg")`, want: cty.StringVal("/9j/")},
		"filesha256":      {src: `filesha256("ktp/ani.txt")`, want: cty.StringVal("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")},
		"fileexists":      {src: `fileexists("ktp/ani.txt")`, want: cty.True},
		"fileexists not":  {src: `fileexists("nope.txt")`, want: cty.False},
		"csv from file":   {src: `csvdecode(file("people.csv"))[0].name`, want: cty.StringVal("ani")},
		"missing file":    {src: `file("nope.txt")`, err: `no file named "nope.txt" in ` + dir},
		"binary file":     {src: `file("photo.jpg")`, err: "use filebase64"},
		"fileexists dir":  {src: `fileexists("ktp")`, err: "not a regular file"},
		"csv bad line":    {src: `csvdecode("a,b\n1\n")`, err: "line 2"},
		"index not found": {src: `index(["a"], "b")`, err: "no element equal"},
		"one too many":    {src: `one(["a", "b"])`, err: "at most one"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, diags := evalFunc(t, dir, tc.src)
			if tc.err != "" {
				wantDiags(t, diags, tc.err)
				return
			}
			if diags.HasErrors() {
				t.Fatal(diagsText(diags))
			}
			if !got.RawEquals(tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestNondeterministicFunctionsLeftOut(t *testing.T) {
	fns := Functions(".")
	for _, name := range []string{"uuid", "bcrypt"} {
		if _, ok := fns[name]; ok {
			t.Errorf("%s must not be offered: its result changes on every run", name)
		}
	}
}

// TestFileFunctionsRefuseWhatIsNotAFile checks that file(), filebase64()
// and the like refuse a folder or a device with an error that names the
// path once. Found in review: file("/dev/zero") made plan read forever,
// growing without bound, and file("ktp") said "cannot read ktp: read ktp:
// is a directory".
func TestFileFunctionsRefuseWhatIsNotAFile(t *testing.T) {
	dir := writeDir(t, map[string]string{"ktp/ani.txt": "hello\n"})
	srcs := []string{`file("ktp")`, `filebase64("ktp")`, `filesha256("ktp")`}
	if runtime.GOOS != "windows" {
		srcs = append(srcs, `file("/dev/zero")`, `filebase64("/dev/zero")`, `templatefile("/dev/zero", {})`)
	}
	for _, src := range srcs {
		t.Run(src, func(t *testing.T) {
			_, diags := evalFunc(t, dir, src)
			wantDiags(t, diags, "not a regular file")
			if text := diagsText(diags); strings.Count(text, "ktp") > 1 {
				t.Errorf("the path is named more than once: %s", text)
			}
		})
	}
}

// TestFunctionPanicShowsNoStackTrace checks that a function that panics on
// its arguments fails with a message, not Go's stack trace. Found in
// review: indent(-5, "a\nb") printed "panic in function implementation:
// strings: negative Repeat count" followed by the goroutine's stack.
func TestFunctionPanicShowsNoStackTrace(t *testing.T) {
	for _, src := range []string{`indent(-5, "a\nb")`} {
		_, diags := evalFunc(t, ".", src)
		text := diagsText(diags)
		if !diags.HasErrors() || strings.Contains(text, "goroutine") || strings.Contains(text, ".go:") || !strings.Contains(text, "negative Repeat count") {
			t.Errorf("%s: %s", src, text)
		}
	}
}
