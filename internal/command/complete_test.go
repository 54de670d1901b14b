package command

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// run runs daftar in this process and returns its exit code and outputs.
func runInProcess(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Run(args, IO{Stdin: bytes.NewReader(nil), Stdout: &out, Stderr: &errOut, Environ: os.Environ()})
	return code, out.String(), errOut.String()
}

// withState makes a working directory holding the state fixture (five
// instances) and a configuration of two resources and a data source, in
// dir/work, and changes to dir.
func withState(t *testing.T) {
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile("../../state/testdata/v1.state.json")
	if err != nil {
		t.Fatal(err)
	}
	config := `resource "usapi_account" "hire" {}
resource "proofylink_verification" "fresh" {}
data "prakerja_profile" "me" {}
`
	if err := os.WriteFile(filepath.Join(work, "daftar.state.json"), fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.hcl"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
}

// Completion of a prefix through `daftar __complete`, as the zsh and fish
// scripts ask for it: commands, subcommands, flags, flag values, and
// addresses read from the state and the configuration.
func TestCompletePrefix(t *testing.T) {
	withState(t)
	tests := map[string]struct {
		words []string
		want  []string
	}{
		"commands":               {[]string{"-chdir=work", "pl"}, []string{"plan\tShow the changes an apply would make"}},
		"hidden command":         {[]string{"__"}, nil},
		"subcommands":            {[]string{"-chdir=work", "state", "re"}, []string{"rekey"}},
		"completion shells":      {[]string{"completion", ""}, []string{"bash", "zsh", "fish"}},
		"flags":                  {[]string{"plan", "-det"}, []string{"-detailed-exitcode\texit 2 when the plan has changes, 0 when it has none"}},
		"flags with two dashes":  {[]string{"plan", "--refresh-o"}, []string{"--refresh-only\tonly update the state from the remote records"}},
		"flag with a value":      {[]string{"apply", "-ta"}, []string{"-target=\tplan only this resource or instance and what it depends on (repeatable)"}},
		"subcommand flags":       {[]string{"state", "migrate", "-t"}, []string{"-to=\twhere to move the state"}},
		"sandbox flags":          {[]string{"sandbox", "-verify"}, []string{"-verify-delay=\ttime until a verification is final (default 2s; 0: at once)"}},
		"global flags":           {[]string{"-ch"}, []string{"-chdir=\tswitch to this directory before anything else"}},
		"state show":             {[]string{"-chdir=work", "state", "show", "usapi_account.hire["}, []string{`usapi_account.hire["ani"]`, `usapi_account.hire["budi"]`}},
		"state rm, all":          {[]string{"-chdir", "work", "state", "rm", ""}, []string{"proofylink_verification.check[0]", "proofylink_verification.check[1]", "usapi_account.admin", `usapi_account.hire["ani"]`, `usapi_account.hire["budi"]`}},
		"-target= from both":     {[]string{"-chdir=work", "plan", "-target=p"}, []string{"-target=proofylink_verification.check[0]", "-target=proofylink_verification.check[1]", "-target=proofylink_verification.fresh"}},
		"-target, data sources":  {[]string{"-chdir=work", "plan", "-target=d"}, []string{"-target=data.prakerja_profile.me"}},
		"-target then a space":   {[]string{"-chdir=work", "apply", "-target", "usapi_account.a"}, []string{"usapi_account.admin"}},
		"-replace= from state":   {[]string{"-chdir=work", "apply", "-replace=proofylink_verification.f"}, nil},
		"import from the config": {[]string{"-chdir=work", "import", ""}, []string{"proofylink_verification.fresh", "usapi_account.hire"}},
		"flag values":            {[]string{"report", "-format="}, []string{"-format=html", "-format=csv", "-format=json"}},
		"no state here":          {[]string{"state", "show", ""}, nil},
		"files":                  {[]string{"show", ""}, nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			wd, _ := os.Getwd()
			defer os.Chdir(wd) // -chdir changes this process's directory
			code, out, errOut := runInProcess(append([]string{"__complete"}, tt.words...)...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if diff := cmp.Diff(tt.want, lines(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// bash's form: the line up to the cursor and bash's current word, which
// bash cuts at = and quotes; the answers are escaped for bash and start
// where bash's word starts.
func TestCompleteBash(t *testing.T) {
	withState(t)
	tests := map[string]struct {
		line, cur string
		want      []string
	}{
		"command":             {"daftar -chdir=work sta", "sta", []string{"state"}},
		"escaped addresses":   {"daftar -chdir=work state show usapi_account.h", "usapi_account.h", []string{`usapi_account.hire\[\"ani\"\]`, `usapi_account.hire\[\"budi\"\]`}},
		"after an escape":     {`daftar -chdir=work state rm usapi_account.hire\[\"a`, "a", []string{`ani\"\]`}},
		"after -target=":      {"daftar -chdir=work plan -target=usapi_account.a", "usapi_account.a", []string{"usapi_account.admin"}},
		"right after =":       {"daftar -chdir=work plan -target=", "=", []string{"=data.prakerja_profile.me", `=proofylink_verification.check\[0\]`, `=proofylink_verification.check\[1\]`, "=proofylink_verification.fresh", "=usapi_account.admin", "=usapi_account.hire", `=usapi_account.hire\[\"ani\"\]`, `=usapi_account.hire\[\"budi\"\]`}},
		"a quoted directory":  {`daftar -chdir 'work' state list usapi_account.ad`, "usapi_account.ad", []string{"usapi_account.admin"}},
		"flags":               {"daftar version -", "-", []string{"-compact-warnings", "-help", "-input", "-json", "-lock", "-no-color"}},
		"quoted differently":  {`daftar -chdir=work state show 'usapi_account.hire["a`, `usapi_account.hire["a`, nil},
		"a new word":          {"daftar audit ", "", []string{"verify"}},
		"the program's words": {"./daftar completion z", "z", []string{"zsh"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			wd, _ := os.Getwd()
			defer os.Chdir(wd)
			code, out, errOut := runInProcess("__complete", "-bash", tt.line, tt.cur)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if diff := cmp.Diff(tt.want, lines(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestShellSplit(t *testing.T) {
	tests := map[string]struct {
		line  string
		words []string
		raw   string
	}{
		"blanks":          {"daftar  plan ", []string{"daftar", "plan", ""}, ""},
		"backslashes":     {`a b\[\"c`, []string{"a", `b["c`}, `b\[\"c`},
		"single quotes":   {`a 'b["c"]'`, []string{"a", `b["c"]`}, `'b["c"]'`},
		"double quotes":   {`a "b[\"c"`, []string{"a", `b["c`}, `"b[\"c"`},
		"an open quote":   {`a -target='x["`, []string{"a", `-target=x["`}, `-target='x["`},
		"leading escape":  {`a \"b`, []string{"a", `"b`}, `\"b`},
		"empty quoted":    {`a ''`, []string{"a", ""}, `''`},
		"nothing at all":  {"", []string{""}, ""},
		"tabs and quotes": {"a\t\"b c\"", []string{"a", "b c"}, `"b c"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			words, raw := shellSplit(tt.line)
			if diff := cmp.Diff(tt.words, words); diff != "" || raw != tt.raw {
				t.Errorf("words (-want +got):\n%s\nraw: want %q, got %q", diff, tt.raw, raw)
			}
		})
	}
}

// Each completion script is printed by `daftar completion SHELL` and
// accepted by its shell's syntax check. CI installs zsh and fish.
func TestCompletionScriptsParse(t *testing.T) {
	checks := map[string][]string{"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}}
	for shell, check := range checks {
		t.Run(shell, func(t *testing.T) {
			code, script, errOut := runInProcess("completion", shell)
			if code != 0 || !strings.Contains(script, "__complete") {
				t.Fatalf("daftar completion %s: exit %d, %s", shell, code, errOut)
			}
			if _, err := exec.LookPath(check[0]); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s is not installed, and CI must check its completion script: .ci/run installs it (apt-get install %s)", shell, shell)
				}
				t.Skipf("%s is not installed here (apt-get install %s); CI installs it and runs this test", shell, shell)
			}
			path := filepath.Join(t.TempDir(), "daftar."+shell)
			if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(check[0], append(check[1:], path)...).CombinedOutput(); err != nil {
				t.Errorf("%s rejects the script: %v\n%s", strings.Join(check, " "), err, out)
			}
		})
	}
	code, _, errOut := runInProcess("completion", "tcsh")
	if code != 1 || !strings.Contains(errOut, "bash, zsh or fish") {
		t.Errorf("completion tcsh: want exit 1 naming the shells, got %d: %s", code, errOut)
	}
}

// The manual page lists every command and every flag, from the same
// definitions as -help.
func TestManPage(t *testing.T) {
	code, page, errOut := runInProcess("man")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(page, ".TH DAFTAR 1 ") {
		t.Errorf("not a man page:\n%.200s", page)
	}
	for _, want := range []string{".SS daftar plan\n", ".SS daftar state rm\n", ".SS daftar audit verify\n", ".SS daftar sandbox\n",
		".B \\-target=\\fIADDR\\fR\n", ".B \\-detailed\\-exitcode\n", ".B \\-latency=\\fIDURATION\\fR\n", ".B \\-format=\\fIFORMAT\\fR\n"} {
		if !strings.Contains(page, want) {
			t.Errorf("the man page lacks %q", want)
		}
	}
	if strings.Contains(page, "__complete") {
		t.Error("the man page lists the hidden __complete command")
	}
}
