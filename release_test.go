package main

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/command"
	"github.com/google/go-cmp/cmp"
)

// goreleaserConfig is the part of .goreleaser.yaml these tests check,
// read line by line (the file keeps one item a line; GoReleaser's own
// check of the whole file is scripts/release.sh check).
type goreleaserConfig struct {
	Version       string
	Goos, Goarch  []string
	Ldflags       []string
	ArchiveFiles  []string // the src of each archives.files entry
	ChecksumsName string
}

func readGoreleaser(t *testing.T) goreleaserConfig {
	t.Helper()
	data, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg goreleaserConfig
	section, sub := "", "" // the top-level key, the key of the list being read
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if !strings.HasPrefix(line, " ") { // a top-level key
			section, _, _ = strings.Cut(trimmed, ":")
		}
		if strings.HasSuffix(trimmed, ":") && !strings.HasPrefix(trimmed, "- ") {
			sub = strings.TrimSuffix(trimmed, ":")
		}
		key, value, _ := strings.Cut(strings.TrimPrefix(trimmed, "- "), ":")
		value = strings.Trim(strings.TrimSpace(value), `"`)
		list := func() []string {
			return strings.Split(strings.NewReplacer("[", "", "]", "", " ", "").Replace(value), ",")
		}
		switch {
		case section == "version":
			cfg.Version = value
		case section == "builds" && key == "goos":
			cfg.Goos = list()
		case section == "builds" && key == "goarch":
			cfg.Goarch = list()
		case section == "builds" && sub == "ldflags" && strings.HasPrefix(trimmed, "- "):
			cfg.Ldflags = append(cfg.Ldflags, strings.TrimPrefix(trimmed, "- "))
		case section == "archives" && sub == "files" && strings.HasPrefix(trimmed, "- ") && !strings.Contains(trimmed, ":"):
			cfg.ArchiveFiles = append(cfg.ArchiveFiles, strings.TrimPrefix(trimmed, "- "))
		case section == "archives" && strings.HasPrefix(trimmed, "- src:"):
			cfg.ArchiveFiles = append(cfg.ArchiveFiles, value)
		case section == "checksum" && key == "name_template":
			cfg.ChecksumsName = value
		}
	}
	if cfg.Version != "2" || cfg.ChecksumsName == "" || len(cfg.Ldflags) == 0 {
		t.Fatalf(".goreleaser.yaml: want version 2, ldflags and a checksums file: %+v", cfg)
	}
	return cfg
}

// The release covers the platforms CI cross-builds (.ci/run): linux,
// darwin and windows on amd64 and arm64.
func TestReleasePlatforms(t *testing.T) {
	b := readGoreleaser(t)
	t.Logf("%+v", b)
	if !slices.Equal(b.Goos, []string{"linux", "darwin", "windows"}) || !slices.Equal(b.Goarch, []string{"amd64", "arm64"}) {
		t.Errorf("goos %v, goarch %v", b.Goos, b.Goarch)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	for _, goos := range b.Goos {
		for _, goarch := range b.Goarch {
			if !strings.Contains(string(ci), " "+goos+"/"+goarch) {
				t.Errorf(".ci/run does not cross-build %s/%s", goos, goarch)
			}
		}
	}
}

// The release's -ldflags set the variables version -json reads: a binary
// built with them (GoReleaser's templates filled in) reports those values.
// A -X naming a variable that does not exist would be silently ignored.
func TestReleaseLdflags(t *testing.T) {
	fill := strings.NewReplacer("{{ .Version }}", "1.2.3", "{{ .FullCommit }}", "0123456789abcdef0123456789abcdef01234567",
		"{{ .CommitDate }}", "2026-12-01T10:00:00Z", "{{ .IsGitDirty }}", "true")
	var ldflags []string
	for _, f := range readGoreleaser(t).Ldflags {
		if strings.Contains(fill.Replace(f), "{{") {
			t.Fatalf("ldflags %q: a template this test does not know", f)
		}
		ldflags = append(ldflags, fill.Replace(f))
	}
	got := versionOf(t, ".", "-buildvcs=false", "-ldflags="+strings.Join(ldflags, " "))
	want := command.BuildInfo{Version: "1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567", CommitTime: "2026-12-01T10:00:00Z", Dirty: true}
	if diff := cmp.Diff(thisPlatform(want), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Every file pattern of the archives matches something: README.md, docs,
// the examples (build/, written by the release's before hook, aside).
func TestReleaseArchiveFiles(t *testing.T) {
	var patterns []string
	for _, src := range readGoreleaser(t).ArchiveFiles {
		if !strings.HasPrefix(src, "build/") {
			patterns = append(patterns, src)
		}
	}
	if !slices.Contains(patterns, "README.md") || !slices.Contains(patterns, "docs/**/*") {
		t.Errorf("the archives must carry README.md and docs/: %v", patterns)
	}
	for _, p := range patterns {
		if !globMatchesAny(t, p) {
			t.Errorf("archive file pattern %q matches nothing", p)
		}
	}
}

// globMatchesAny reports whether pattern, where ** stands for any number of
// directories as GoReleaser reads it, matches a file of the repository.
func globMatchesAny(t *testing.T, pattern string) bool {
	found := false
	filepath.WalkDir(".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found {
			return err
		}
		found = doublestarMatch(pattern, filepath.ToSlash(name))
		return nil
	})
	return found
}

func doublestarMatch(pattern, name string) bool {
	before, after, ok := strings.Cut(pattern, "**/")
	if !ok {
		m, _ := path.Match(pattern, name)
		return m
	}
	rest := strings.Split(name, "/")
	for i := range rest {
		if m, _ := path.Match(strings.TrimSuffix(before, "/"), path.Join(rest[:i]...)); (before == "" && i == 0) || m {
			for j := i; j < len(rest); j++ {
				if doublestarMatch(after, path.Join(rest[j:]...)) {
					return true
				}
			}
		}
	}
	return false
}
