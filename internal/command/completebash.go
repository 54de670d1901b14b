package command

import (
	"strings"
)

// completeBash serves bash's completion script. bash splits the command
// line at the characters of COMP_WORDBREAKS (= : " ' among them), so that
// in `-target=usapi_account.hire["a` the word it replaces is only the part
// after the last of them (cur). completeBash splits line (the command line
// up to the cursor) as the shell will when it runs the command, completes
// the last word, escapes each candidate for bash, and drops from it what
// precedes cur in the word, so that bash's replacement of cur yields the
// whole escaped word. Candidates that do not continue what was typed
// (quoted differently) are left out.
func completeBash(m *Meta, line, cur string) []string {
	words, raw := shellSplit(line)
	if len(words) == 0 {
		return nil
	}
	before := strings.TrimSuffix(raw, cur)
	if len(before)+len(cur) != len(raw) {
		before = ""
	}
	var out []string
	for _, c := range complete(m, words[1:]) {
		w := bashEscape(c.Word)
		if strings.HasPrefix(w, before) {
			out = append(out, w[len(before):])
		}
	}
	return out
}

// shellSplit splits a command line as a POSIX shell would (blanks,
// backslashes, single and double quotes; no expansion) and returns the
// words with their quoting removed, and the last word as typed. A line
// ending in a blank ends with an empty word: the one being started.
func shellSplit(line string) (words []string, rawLast string) {
	var word strings.Builder
	inWord, start := false, 0
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				word.WriteByte(c)
			}
		case quote == '"':
			if c == '"' {
				quote = 0
			} else if c == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0 {
				i++
				word.WriteByte(line[i])
			} else {
				word.WriteByte(c)
			}
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
			continue
		case c == '\\' && i+1 < len(line):
			i++
			word.WriteByte(line[i])
		case c == '\'' || c == '"':
			quote = c
		default:
			word.WriteByte(c)
		}
		if !inWord {
			inWord, start = true, i
			if c == '\\' {
				start = i - 1
			}
		}
	}
	if !inWord {
		return append(words, ""), ""
	}
	return append(words, word.String()), line[start:]
}

// bashEscape backslash-escapes what bash would otherwise take as quoting,
// globbing or a word break: usapi_account.hire["ani"] becomes
// usapi_account.hire\[\"ani\"\].
func bashEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./=,+@%:", r)) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
