package command

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// What Go records in a binary (as `go version -m` prints it) becomes
// version -json's fields; a pseudo-version or (devel) is no release.
func TestBuildInfoFromGoBuildInformation(t *testing.T) {
	const vcs = "build\tvcs=git\nbuild\tvcs.revision=9357fba1b2c3d4e5f60718293a4b5c6d7e8f9012\nbuild\tvcs.time=2026-12-05T14:50:00Z\nbuild\tvcs.modified=true\n"
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := map[string]struct {
		text string
		want BuildInfo
	}{
		"go install of a release": {
			text: "path\tgithub.com/daftar-dev/daftar\nmod\tgithub.com/daftar-dev/daftar\tv1.2.3\th1:abc=\n",
			want: BuildInfo{Version: "1.2.3"},
		},
		"go build in a git checkout": {
			text: "path\tgithub.com/daftar-dev/daftar\nmod\tgithub.com/daftar-dev/daftar\t(devel)\t\n" + vcs,
			want: BuildInfo{Version: "0.1.0-dev", Commit: "9357fba1b2c3d4e5f60718293a4b5c6d7e8f9012", CommitTime: "2026-12-05T14:50:00Z", Dirty: true},
		},
		"a pseudo-version stamped from the checkout": {
			text: "path\tgithub.com/daftar-dev/daftar\nmod\tgithub.com/daftar-dev/daftar\tv0.0.0-20261205145000-9357fba1b2c3+dirty\t\n" + vcs,
			want: BuildInfo{Version: "0.1.0-dev", Commit: "9357fba1b2c3d4e5f60718293a4b5c6d7e8f9012", CommitTime: "2026-12-05T14:50:00Z", Dirty: true},
		},
		"go build -buildvcs=false": {
			text: "path\tgithub.com/daftar-dev/daftar\nmod\tgithub.com/daftar-dev/daftar\t(devel)\t\n",
			want: BuildInfo{Version: "0.1.0-dev"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			info, err := debug.ParseBuildInfo("go\tgo1.26.8\n" + tt.text)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.GoVersion, tt.want.Platform = runtime.Version(), platform
			if diff := cmp.Diff(tt.want, buildInfoFrom(info)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// -ldflags -X values win over what Go recorded.
func TestBuildInfoLdflagsWin(t *testing.T) {
	defer func(v, c, ct, d string) { Version, Commit, CommitTime, Dirty = v, c, ct, d }(Version, Commit, CommitTime, Dirty)
	Version, Commit, CommitTime, Dirty = "2.0.0", "abc", "2027-01-01T00:00:00Z", "false"
	info, err := debug.ParseBuildInfo("go\tgo1.26.8\npath\tgithub.com/daftar-dev/daftar\nmod\tgithub.com/daftar-dev/daftar\tv1.2.3\t\nbuild\tvcs.revision=def\nbuild\tvcs.time=2026-01-01T00:00:00Z\nbuild\tvcs.modified=true\n")
	if err != nil {
		t.Fatal(err)
	}
	want := BuildInfo{Version: "2.0.0", Commit: "abc", CommitTime: "2027-01-01T00:00:00Z", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if diff := cmp.Diff(want, buildInfoFrom(info)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
