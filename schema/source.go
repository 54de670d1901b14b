package schema

import (
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// MaxLineBytes is the longest line a configuration file may have. Longer
// lines are not configuration (a pasted photo, a minified export): they are
// refused before parsing, so that neither the parser nor a diagnostic's
// snippet has to deal with them.
const MaxLineBytes = 32 << 10

// parseFile reads and parses one configuration or var file with c's parser,
// after checkSource. A file that cannot be read is left to the parser, whose
// error says so.
func (c *Config) parseFile(name string) (*hcl.File, hcl.Diagnostics) {
	if d := notAFile(name); d != nil {
		return nil, hcl.Diagnostics{d}
	}
	src, err := os.ReadFile(name)
	if err != nil {
		if strings.HasSuffix(name, ".json") {
			return c.parser.ParseJSONFile(name)
		}
		return c.parser.ParseHCLFile(name)
	}
	if diags := checkSource(name, src); diags.HasErrors() {
		return nil, diags
	}
	if strings.HasSuffix(name, ".json") {
		return c.parser.ParseJSON(src, name)
	}
	return c.parser.ParseHCL(src, name)
}

// notAFile refuses a folder or a device (/dev/zero would be read for
// ever); a regular file or a pipe (-var-file=<(...)) is read.
func notAFile(name string) *hcl.Diagnostic {
	info, err := os.Stat(name)
	if err != nil {
		return nil // the read's own error says what is wrong
	}
	what := ""
	switch mode := info.Mode(); {
	case mode.IsDir():
		what = "is a folder"
	case mode&(os.ModeDevice|os.ModeCharDevice|os.ModeSocket) != 0:
		what = "is a device"
	default:
		return nil
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Not a file",
		Detail: fmt.Sprintf("%s %s, not a file: give the path of a configuration or variables file.", name, what)}
}

// checkSource refuses a file that is not UTF-8 text or has a line longer
// than MaxLineBytes, naming the first such place as file:line:column.
func checkSource(name string, src []byte) hcl.Diagnostics {
	line, lineStart := 1, 0
	for i := 0; i < len(src); {
		if src[i] == '\n' {
			line, lineStart = line+1, i+1
			i++
			continue
		}
		if i-lineStart >= MaxLineBytes {
			return sourceError(name, src, line, lineStart, i, "Line too long",
				fmt.Sprintf("Line %d of %s is longer than %d KB. A configuration line is never that long: data such as a photo or a document is read with file() or filebase64(), and a list is written over several lines.", line, name, MaxLineBytes>>10))
		}
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return sourceError(name, src, line, lineStart, i, "Invalid character encoding",
				fmt.Sprintf("%s is not UTF-8 text: line %d has the byte 0x%02x, which is not part of a UTF-8 character. Save the file as UTF-8; data such as a photo is read with file() or filebase64(), not written in the configuration.", name, line, src[i]))
		}
		i += size
	}
	return nil
}

// sourceError is a diagnostic at byte i of src, on line starting at
// lineStart.
func sourceError(name string, src []byte, line, lineStart, i int, summary, detail string) hcl.Diagnostics {
	col := utf8.RuneCount(src[lineStart:i]) + 1
	pos := hcl.Pos{Line: line, Column: col, Byte: i}
	end := hcl.Pos{Line: line, Column: col + 1, Byte: i + 1}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary,
		Detail:  detail,
		Subject: &hcl.Range{Filename: name, Start: pos, End: end}}}
}
