package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/command"
	"github.com/google/go-cmp/cmp"
)

// versionOf builds daftar from dir with the extra go build flags and
// returns what its `version -json` prints.
func versionOf(t *testing.T, dir string, flags ...string) command.BuildInfo {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "daftar")
	build := exec.Command("go", append(append([]string{"build", "-o", bin}, flags...), ".")...)
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", strings.Join(flags, " "), err, out)
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		t.Fatalf("daftar version -json: %v", err)
	}
	var got command.BuildInfo
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("version -json is not JSON: %v\n%s", err, out)
	}
	return got
}

func thisPlatform(b command.BuildInfo) command.BuildInfo {
	b.GoVersion, b.Platform = runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH
	return b
}

// A build without any build information says it is a development build
// and claims no commit.
func TestVersionWithoutBuildInformation(t *testing.T) {
	got := versionOf(t, ".", "-buildvcs=false")
	if diff := cmp.Diff(thisPlatform(command.BuildInfo{Version: "0.1.0-dev"}), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A plain go build in a git checkout records the commit, its time and
// whether the tree had uncommitted changes; version -json reports them.
// The sources are copied into a fresh repository with a known commit time
// (go build does not stamp from a git worktree, and this checkout may be one).
func TestVersionFromGitCheckout(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("this test needs git")
	}
	dir := t.TempDir()
	files, err := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		data, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE=2026-11-30T09:08:07Z", "GIT_COMMITTER_DATE=2026-11-30T09:08:07Z",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.id", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.id")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "release test")
	head := git("rev-parse", "HEAD")
	if err := os.WriteFile(filepath.Join(dir, "uncommitted.txt"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := versionOf(t, dir, "-buildvcs=true")
	want := command.BuildInfo{Version: "0.1.0-dev", Commit: head, CommitTime: "2026-11-30T09:08:07Z", Dirty: true}
	if diff := cmp.Diff(thisPlatform(want), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
