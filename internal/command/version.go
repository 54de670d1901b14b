package command

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/module"
)

// What a release build sets with -ldflags "-X
// github.com/daftar-dev/daftar/internal/command.Version=1.2.3 ..."
// (.goreleaser.yaml does). Each one left empty is taken from the build
// information Go records in the binary (runtime/debug.ReadBuildInfo): the
// module version of `go install ...@v1.2.3`, and the commit, commit time and
// modified flag of a build in a git checkout.
var (
	// Version is the release, without a leading "v".
	Version = ""
	// Commit is the full git commit hash.
	Commit = ""
	// CommitTime is the commit's time, RFC 3339 in UTC.
	CommitTime = ""
	// Dirty is "true" when the build had uncommitted changes.
	Dirty = ""
)

// devVersion is the version of a build that says nothing better: a
// checkout built with go build, without -ldflags.
const devVersion = "0.1.0-dev"

// BuildInfo is what `daftar version -json` prints.
type BuildInfo struct {
	// Version is the release ("1.2.3"), or "0.1.0-dev" for a build from a
	// checkout.
	Version string `json:"version"`
	// Commit is the git commit the binary was built from; "" when the
	// build did not record one (go build -buildvcs=false, a source
	// tarball).
	Commit string `json:"commit"`
	// CommitTime is that commit's time (RFC 3339, UTC), or "".
	CommitTime string `json:"commit_time"`
	// Dirty is true when the checkout had uncommitted changes.
	Dirty bool `json:"dirty"`
	// GoVersion is the Go release that built the binary ("go1.26.8").
	GoVersion string `json:"go_version"`
	// Platform is GOOS/GOARCH ("linux/amd64").
	Platform string `json:"platform"`
}

// readBuildInfo gathers the build's version information: what -ldflags
// set first, then what Go recorded.
func readBuildInfo() BuildInfo {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	return buildInfoFrom(info)
}

// buildInfoFrom is readBuildInfo with the build information given (nil
// when the binary has none).
func buildInfoFrom(info *debug.BuildInfo) BuildInfo {
	b := BuildInfo{Version: Version, Commit: Commit, CommitTime: CommitTime, Dirty: Dirty == "true",
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info == nil {
		return b.orDev()
	}
	if b.Version == "" {
		b.Version = releaseVersion(info.Main.Version)
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
		case s.Key == "vcs.time" && b.CommitTime == "":
			b.CommitTime = s.Value
		case s.Key == "vcs.modified" && Dirty == "":
			b.Dirty = s.Value == "true"
		}
	}
	return b.orDev()
}

// releaseVersion returns the module version Go recorded when it names a
// release (go install github.com/daftar-dev/daftar@v1.2.3), without its
// "v"; "" for a build from a checkout, which Go records as "(devel)" or as
// a pseudo-version made up from the commit (v0.0.0-20261205...-9357fba...),
// which says nothing the commit does not.
func releaseVersion(v string) string {
	base, _, _ := strings.Cut(v, "+") // "+dirty", "+incompatible"
	if v == "" || v == "(devel)" || module.IsPseudoVersion(base) {
		return ""
	}
	return strings.TrimPrefix(v, "v")
}

func (b BuildInfo) orDev() BuildInfo {
	if b.Version == "" {
		b.Version = devVersion
	}
	return b
}

// String is the human form: the version, then the commit when known.
func (b BuildInfo) String() string {
	s := fmt.Sprintf("daftar v%s\n", b.Version)
	if b.Commit != "" {
		s += "commit " + b.Commit
		if b.CommitTime != "" {
			s += " (" + b.CommitTime + ")"
		}
		if b.Dirty {
			s += ", with uncommitted changes"
		}
		s += "\n"
	}
	return s + fmt.Sprintf("built with %s for %s\n", b.GoVersion, b.Platform)
}

func runVersion(m *Meta, args []string) int {
	fs := newFlagSet(m, "version")
	asJSON := fs.Bool("json", false, "print the version, commit, commit time, dirty flag, Go version and platform as one JSON object")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.errorf("daftar version takes no arguments (got %q).", fs.Arg(0))
		return exitError
	}
	b := readBuildInfo()
	if !*asJSON {
		fmt.Fprint(m.Stdout, b)
		return exitOK
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		panic(err) // a struct of strings and a bool always encodes
	}
	fmt.Fprintf(m.Stdout, "%s\n", data)
	return exitOK
}
