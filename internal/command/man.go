package command

import (
	"fmt"
	"io"
	"strings"
)

// runMan prints daftar's manual page in roff (man(7)), built from the same
// synopses and flag definitions as -help and completion:
// daftar man > daftar.1; man ./daftar.1.
func runMan(m *Meta, args []string) int {
	fs := newFlagSet(m, "man")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.errorf("daftar man takes no arguments (got %q).", fs.Arg(0))
		return exitError
	}
	writeMan(m.Stdout, readBuildInfo().Version)
	return exitOK
}

func writeMan(w io.Writer, version string) {
	fmt.Fprintf(w, ".TH DAFTAR 1 \"\" \"daftar %s\" \"User Commands\"\n", roff(version))
	fmt.Fprint(w, ".SH NAME\ndaftar \\- declarative reconciler and batch runner for onboarding people\n")
	fmt.Fprint(w, ".SH SYNOPSIS\n.B daftar\n[\\fB\\-chdir=\\fIDIR\\fR]\n\\fICOMMAND\\fR [\\fIflags\\fR] [\\fIargs\\fR]\n")
	fmt.Fprint(w, ".SH DESCRIPTION\n"+roff("daftar registers accounts (USAPI), verifies subjects (Proofylink) and reads profiles (Prakerja) "+
		"as an HCL configuration (every *.hcl file of the working directory) declares, exactly once. "+
		"plan diffs the configuration against the state; apply carries the changes out.")+"\n")
	fmt.Fprint(w, ".SH GLOBAL OPTIONS\n.TP\n.B \\-chdir=\\fIDIR\\fR\nswitch to DIR before anything else.\n")
	fmt.Fprint(w, ".SH COMMANDS\n")
	cmds := commands()
	for _, name := range commandNames() {
		if subs, ok := subcommands[name]; ok && name != "completion" {
			for _, sub := range subs {
				manCommand(w, []string{name, sub}, "")
			}
			continue
		}
		manCommand(w, []string{name}, cmds[name].synopsis)
	}
	fmt.Fprint(w, ".SH EXIT STATUS\n0 success, 1 error; plan \\-detailed\\-exitcode: 0 no changes, 1 error, 2 changes present.\n")
	fmt.Fprint(w, ".SH SEE ALSO\nREADME.md and docs/ in daftar's archive or repository (https://github.com/daftar-dev/daftar).\n")
}

// manCommand writes one command's section: its synopsis and its flags.
func manCommand(w io.Writer, path []string, synopsis string) {
	fmt.Fprintf(w, ".SS %s\n", roff("daftar "+strings.Join(path, " ")))
	if synopsis == "" {
		synopsis = stateSynopses[strings.Join(path, " ")]
	}
	if synopsis != "" {
		fmt.Fprintf(w, "%s.\n", roff(synopsis))
	}
	for _, f := range commandFlags(path...) {
		spell := "\\-" + roff(f.Name)
		if !f.Bool {
			spell += "=\\fI" + roff(f.Placeholder) + "\\fR"
		}
		usage := roff(f.Usage)
		if f.Default != "" && f.Default != "false" && f.Default != "0" && f.Default != "0s" {
			usage += " (default " + roff(f.Default) + ")"
		}
		fmt.Fprintf(w, ".TP\n.B %s\n%s\n", spell, usage)
	}
}

// stateSynopses describe the subcommands, which have no entry in commands().
var stateSynopses = map[string]string{
	"state list":    "Print the address of every resource instance in the state, or of those matching the addresses given",
	"state show":    "Show one resource instance of the state: daftar state show ADDR",
	"state rm":      "Forget resource instances: the state no longer tracks them, their remote records stay: daftar state rm ADDR",
	"state encrypt": "Encrypt the state with DAFTAR_STATE_PASSPHRASE",
	"state decrypt": "Decrypt the state back to plain JSON",
	"state rekey":   "Encrypt the state again under DAFTAR_NEW_STATE_PASSPHRASE",
	"state migrate": "Move the state between the local file and PostgreSQL",
	"audit verify":  "Check the audit log's hash chain and its recorded head: daftar audit verify [FILE]",
}

// roff escapes text for a roff line: backslashes and dashes, and a leading
// dot or quote that roff would read as a request.
func roff(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
