package schema

import (
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines shown around a change.
const diffContext = 3

// maxDiffCells bounds the line-matching table; beyond it the differing
// middle is shown as one replacement.
const maxDiffCells = 4_000_000

// UnifiedDiff returns a unified diff (as diff -u prints it, with a/ and b/
// prefixes) from a to b, or "" when they are equal.
func UnifiedDiff(name, a, b string) string {
	if a == b {
		return ""
	}
	ops := diffLines(splitLines(a), splitLines(b))
	var out strings.Builder
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", name, name)
	for _, h := range hunks(ops) {
		h.write(&out)
	}
	return out.String()
}

// splitLines splits text into lines, each keeping its newline.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// diffOp is one line of an edit script: ' ' kept, '-' removed, '+' added.
type diffOp struct {
	kind byte
	line string
	// aLine and bLine are the 1-based line numbers before the op.
	aLine, bLine int
}

// diffLines computes an edit script: common prefix and suffix, then a
// longest-common-subsequence match of the middle.
func diffLines(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []diffOp
	for i := 0; i < pre; i++ {
		ops = append(ops, diffOp{' ', a[i], i + 1, i + 1})
	}
	ops = append(ops, matchMiddle(a[pre:len(a)-suf], b[pre:len(b)-suf], pre)...)
	for i := 0; i < suf; i++ {
		ai, bi := len(a)-suf+i, len(b)-suf+i
		ops = append(ops, diffOp{' ', a[ai], ai + 1, bi + 1})
	}
	return ops
}

// matchMiddle diffs the differing middle with an LCS table; off is the
// number of lines before it.
func matchMiddle(a, b []string, off int) []diffOp {
	n, m := len(a), len(b)
	if n*m > maxDiffCells {
		return replaceAll(a, b, off)
	}
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i], off + i + 1, off + j + 1})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, diffOp{'-', a[i], off + i + 1, off + j + 1})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j], off + i + 1, off + j + 1})
			j++
		}
	}
	return ops
}

// replaceAll removes every line of a and adds every line of b.
func replaceAll(a, b []string, off int) []diffOp {
	var ops []diffOp
	for i, l := range a {
		ops = append(ops, diffOp{'-', l, off + i + 1, off + 1})
	}
	for j, l := range b {
		ops = append(ops, diffOp{'+', l, off + len(a) + 1, off + j + 1})
	}
	return ops
}

// hunk is a run of ops with its context.
type hunk struct{ ops []diffOp }

// hunks groups changes that are less than 2*diffContext lines apart.
func hunks(ops []diffOp) []hunk {
	var out []hunk
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-diffContext)
		end := i
		for end < len(ops) && (ops[end].kind != ' ' || nextChangeWithin(ops, end, 2*diffContext)) {
			end++
		}
		end = min(len(ops), end+diffContext)
		out = append(out, hunk{ops[start:end]})
		i = end
	}
	return out
}

// nextChangeWithin reports whether a change follows ops[i] within n ops.
func nextChangeWithin(ops []diffOp, i, n int) bool {
	for k := i; k < len(ops) && k <= i+n; k++ {
		if ops[k].kind != ' ' {
			return true
		}
	}
	return false
}

// write prints the hunk's header and lines.
func (h hunk) write(out *strings.Builder) {
	aStart, bStart := h.ops[0].aLine, h.ops[0].bLine
	aLen, bLen := 0, 0
	for _, op := range h.ops {
		if op.kind != '+' {
			aLen++
		}
		if op.kind != '-' {
			bLen++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, op := range h.ops {
		out.WriteByte(op.kind)
		out.WriteString(op.line)
		if !strings.HasSuffix(op.line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange spells start,length as diff -u does (start-1 when empty).
func hunkRange(start, length int) string {
	if length == 0 {
		start--
	}
	if length == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, length)
}
