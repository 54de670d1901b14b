package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The bash and fish scripts, loaded into the real shells, complete state
// addresses through a real daftar binary: what a user gets at the prompt.
// zsh completes only inside its line editor, where compinit's functions
// exist: there the script's own part runs with stand-ins for _describe and
// _files that print what they were given.
func TestCompletionInShells(t *testing.T) {
	binDir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "daftar"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := t.TempDir()
	fixture, err := os.ReadFile("state/testdata/v1.state.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "daftar.state.json"), fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	shell := func(t *testing.T, name, script string) []string {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed, and CI must run its completion: .ci/run installs it", name)
			}
			t.Skipf("%s is not installed here (apt-get install %s); CI installs it and runs this test", name, name)
		}
		cmd := exec.Command(name, "-c", script)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		return strings.Split(strings.TrimSpace(string(out)), "\n")
	}
	t.Run("bash", func(t *testing.T) {
		got := shell(t, "bash", `source <(daftar completion bash)
COMP_LINE='daftar state show usapi_account.h'; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(daftar state show usapi_account.h); COMP_CWORD=3
_daftar; printf '%s\n' "${COMPREPLY[@]}"
COMP_LINE='daftar plan -target=proofylink_verification.check'; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(daftar plan -target = proofylink_verification.check); COMP_CWORD=4
_daftar; printf '%s\n' "${COMPREPLY[@]}"`)
		want := []string{`usapi_account.hire\[\"ani\"\]`, `usapi_account.hire\[\"budi\"\]`, `proofylink_verification.check\[0\]`, `proofylink_verification.check\[1\]`}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("fish", func(t *testing.T) {
		got := shell(t, "fish", `daftar completion fish | source
complete -C 'daftar state show usapi_account.h'
complete -C 'daftar plan -target=proofylink_verification.check'
complete -C 'daftar stat'`)
		want := []string{`usapi_account.hire["ani"]`, `usapi_account.hire["budi"]`, "-target=proofylink_verification.check[0]", "-target=proofylink_verification.check[1]",
			"state\tInspect and edit the state (list, show, mv, rm; encrypt, decrypt, rekey; migrate)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("zsh", func(t *testing.T) {
		got := shell(t, "zsh", `compdef() { : }
_describe() { print -l -- "${(@P)4}" }
_files() { print FILES }
source <(daftar completion zsh)
words=(daftar state show usapi_account.h); CURRENT=4; _daftar
words=(daftar plan -ta); CURRENT=3; _daftar
words=(daftar show ""); CURRENT=3; _daftar`)
		want := []string{`usapi_account.hire["ani"]`, `usapi_account.hire["budi"]`,
			"-target=:plan only this resource or instance and what it depends on (repeatable)", "FILES"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}
