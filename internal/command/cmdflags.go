package command

import (
	"bytes"
	"flag"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/sandbox"
)

// subcommands lists the subcommands of the commands that have some.
var subcommands = map[string][]string{
	"state":      {"list", "show", "rm", "encrypt", "decrypt", "rekey", "migrate"},
	"audit":      {"verify"},
	"completion": {"bash", "zsh", "fish"},
}

// flagInfo is one flag of a command, as its flag set declares it.
type flagInfo struct {
	Name, Usage, Default string
	// Bool flags take no value (-json); the others take one (-target=ADDR).
	Bool bool
	// Placeholder names the value in the man page (ADDR), "" for a bool.
	Placeholder string
}

// placeholders name the values of the flags whose name does not say it.
var placeholders = map[string]string{"target": "ADDR", "replace": "ADDR", "state": "PATH", "out": "FILE", "var": "NAME=VALUE",
	"var-file": "FILE", "lock-timeout": "DURATION", "parallelism": "N", "head": "SHA256", "join": "PLANFILE"}

// commandFlags returns the flags of the command path ("plan", or "state"
// "list"), sorted by name, by letting the command declare its flag set and
// taking it before it parses anything (Meta.flagSink): the flags completion
// offers and the man page lists are those the command accepts.
func commandFlags(path ...string) []flagInfo {
	if len(path) > 0 && path[0] == "sandbox" {
		return sandboxFlags()
	}
	cmd, ok := commands()[firstOr(path, "")]
	if !ok {
		return nil
	}
	var got *flag.FlagSet
	m := &Meta{IO: IO{Stdin: bytes.NewReader(nil), Stdout: io.Discard, Stderr: io.Discard}, Dir: "."}
	m.flagSink = func(fs *flag.FlagSet) { got = fs }
	m.Command = path[0]
	cmd.run(m, path[1:])
	if got == nil {
		return nil
	}
	var list []flagInfo
	got.VisitAll(func(f *flag.Flag) {
		b, isBool := f.Value.(interface{ IsBoolFlag() bool })
		info := flagInfo{Name: f.Name, Usage: f.Usage, Default: f.DefValue, Bool: isBool && b.IsBoolFlag()}
		if !info.Bool {
			info.Placeholder = placeholders[f.Name]
			if info.Placeholder == "" {
				info.Placeholder = strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
			}
		}
		list = append(list, info)
	})
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list
}

// sandboxFlagLine matches a flag line of the sandbox's usage text:
// "  -latency=DURATION   added to every answer".
var sandboxFlagLine = regexp.MustCompile(`(?m)^\s+-([a-z-]+)(=\S+)?\s+(.*)$`)

// sandboxFlags reads the sandbox's flags from its usage text, since the
// sandbox parses its own flags (package sandbox shares nothing with this
// one but its Main).
func sandboxFlags() []flagInfo {
	var buf bytes.Buffer
	sandbox.Main([]string{"-help"}, &buf, io.Discard)
	var list []flagInfo
	for _, m := range sandboxFlagLine.FindAllStringSubmatch(buf.String(), -1) {
		list = append(list, flagInfo{Name: m[1], Usage: m[3], Bool: m[2] == "", Placeholder: strings.TrimPrefix(m[2], "=")})
	}
	return list
}

func firstOr(list []string, def string) string {
	if len(list) == 0 {
		return def
	}
	return list[0]
}
