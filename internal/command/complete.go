package command

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
)

// candidate is one completion: the word, and what it is (shown by zsh and
// fish beside it).
type candidate struct{ Word, Desc string }

// hiddenCommands run but are not listed: the completion scripts call them.
const completeCommand = "__complete"

// runComplete is `daftar __complete WORD...`: the words after "daftar" as
// the shell split and unquoted them, the last one the word being completed
// ("" after a space). It prints the candidates that start with it, one per
// line, a tab before the description. No output means "complete file
// names"; the scripts do that themselves.
//
// `daftar __complete -bash LINE CUR` is bash's form: the command line up to
// the cursor and the word bash will replace (see completeBash).
func runComplete(m *Meta, args []string) int {
	if len(args) == 3 && args[0] == "-bash" {
		for _, w := range completeBash(m, args[1], args[2]) {
			fmt.Fprintln(m.Stdout, w)
		}
		return exitOK
	}
	for _, c := range complete(m, args) {
		if c.Desc == "" {
			fmt.Fprintln(m.Stdout, c.Word)
		} else {
			fmt.Fprintf(m.Stdout, "%s\t%s\n", c.Word, firstSentence(c.Desc))
		}
	}
	return exitOK
}

// complete returns the candidates for the last of words.
func complete(m *Meta, words []string) []candidate {
	if len(words) == 0 {
		words = []string{""}
	}
	cur, words := words[len(words)-1], words[:len(words)-1]
	chdir := ""
	for len(words) > 0 && strings.HasPrefix(words[0], "-") { // global flags
		name, value, hasValue := strings.Cut(strings.TrimLeft(words[0], "-"), "=")
		if name == "chdir" && !hasValue && len(words) > 1 {
			value, words = words[1], words[1:]
		}
		chdir, words = value, words[1:]
	}
	if len(words) == 0 {
		if strings.HasPrefix(cur, "-") {
			return matching(cur, []candidate{{"-chdir=", "switch to this directory before anything else"}, {"-help", "list the commands"}, {"-version", "print the version"}})
		}
		return matching(cur, commandCandidates())
	}
	path := words[:1]
	if subs, ok := subcommands[words[0]]; ok {
		if len(words) == 1 {
			return matching(cur, plainCandidates(subs))
		}
		path = words[:2]
	}
	if chdir != "" && os.Chdir(chdir) != nil { // as the command will run
		return nil
	}
	src := addressSource{m: m}
	flags := commandFlags(path...)
	if prev := words[len(words)-1]; len(words) > len(path) && strings.HasPrefix(prev, "-") && !strings.Contains(prev, "=") {
		if f, ok := findFlag(flags, prev); ok && !f.Bool { // "-target ADDR"
			return matching(cur, flagValues(src, f.Name, ""))
		}
	}
	if strings.HasPrefix(cur, "-") {
		if name, _, ok := strings.Cut(strings.TrimLeft(cur, "-"), "="); ok {
			return matching(cur, flagValues(src, name, cur[:strings.Index(cur, "=")+1]))
		}
		return matching(cur, flagCandidates(flags))
	}
	return matching(cur, positional(src, strings.Join(path, " ")))
}

// positional returns what the command takes as arguments, when daftar
// knows: the addresses of the state or the configuration.
func positional(src addressSource, cmd string) []candidate {
	switch cmd {
	case "state show", "state rm", "state list":
		return plainCandidates(src.stateAddresses())
	case "import":
		return plainCandidates(src.configAddresses(false))
	}
	return nil
}

// flagValues returns the values of flag name, each prefixed with prefix
// ("-target=" when the word holds the flag too).
func flagValues(src addressSource, name, prefix string) []candidate {
	var values []string
	switch name {
	case "target":
		values = union(src.stateAddresses(), src.configAddresses(true))
	case "replace":
		values = src.stateAddresses()
	case "format":
		values = []string{"html", "csv", "json"}
	case "to":
		values = []string{"local", "postgres"}
	}
	var list []candidate
	for _, v := range values {
		list = append(list, candidate{Word: prefix + v})
	}
	return list
}

// addressSource reads resource addresses for completion, from the
// configuration and state of the working directory (after -chdir).
type addressSource struct{ m *Meta }

// stateAddresses runs `daftar state list` in this process and returns its
// lines; nothing when it fails (no state, a passphrase needed and unset).
func (s addressSource) stateAddresses() []string {
	var out bytes.Buffer
	if Run([]string{"state", "list"}, IO{Stdin: bytes.NewReader(nil), Stdout: &out, Stderr: io.Discard, Environ: s.m.Environ}) != exitOK {
		return nil
	}
	return strings.Fields(out.String())
}

// configAddresses returns the resources the configuration declares
// (usapi_account.hire), with data sources when withData is set.
func (s addressSource) configAddresses(withData bool) []string {
	cfg, _ := schema.Load(".")
	if cfg == nil {
		return nil
	}
	var list []string
	for r := range cfg.Resources {
		if r.Mode == addrs.Managed || withData {
			list = append(list, r.String())
		}
	}
	sort.Strings(list)
	return list
}

func commandCandidates() []candidate {
	var list []candidate
	cmds := commands()
	for _, n := range commandNames() {
		list = append(list, candidate{n, cmds[n].synopsis})
	}
	return list
}

// flagCandidates spells each flag as it is typed: -json, or -target= for
// a flag that takes a value.
func flagCandidates(flags []flagInfo) []candidate {
	var list []candidate
	for _, f := range flags {
		w := "-" + f.Name
		if !f.Bool {
			w += "="
		}
		list = append(list, candidate{w, f.Usage})
	}
	list = append(list, candidate{"-help", "show this command's flags"})
	sort.Slice(list, func(i, j int) bool { return list[i].Word < list[j].Word })
	return list
}

func findFlag(flags []flagInfo, word string) (flagInfo, bool) {
	name := strings.TrimLeft(word, "-")
	for _, f := range flags {
		if f.Name == name {
			return f, true
		}
	}
	return flagInfo{}, false
}

func plainCandidates(words []string) []candidate {
	list := make([]candidate, len(words))
	for i, w := range words {
		list[i] = candidate{Word: w}
	}
	return list
}

// matching keeps the candidates that start with prefix (with one dash or
// two, as Go's flag package accepts both).
func matching(prefix string, list []candidate) []candidate {
	var out []candidate
	for _, c := range list {
		if strings.HasPrefix(c.Word, prefix) {
			out = append(out, c)
		} else if strings.HasPrefix(prefix, "--") && strings.HasPrefix("-"+c.Word, prefix) {
			out = append(out, candidate{"-" + c.Word, c.Desc})
		}
	}
	return out
}

func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(a, b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// firstSentence shortens a description to one line for the shells' menus.
func firstSentence(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if i := strings.Index(s, ": "); i > 0 && i < len(s)-2 && len(s) > 70 {
		s = s[:i]
	}
	return s
}
