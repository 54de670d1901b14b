package schema

import (
	"bytes"
	"strings"
	"testing"
)

func TestCSVDiagnostics(t *testing.T) {
	tests := map[string]struct {
		src   string
		lines []int
		want  []string
	}{
		"valid":          {"name,nik\nani,1\n", nil, nil},
		"field counts":   {"name,nik\nani\nbudi,2\ncici,3,x\n", []int{2, 4}, []string{"line 2", "line 4"}},
		"quoting stops":  {"name,nik\nani,1\nb\"udi,2\ncici\n", []int{3}, []string{"bare \" in non-quoted-field"}},
		"no final break": {"a,b\n1", []int{2}, []string{"line 2"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			diags := CSVDiagnostics("people.csv", []byte(tc.src))
			wantDiags(t, diags, tc.want...)
			for i, d := range diags {
				if d.Subject.Filename != "people.csv" || d.Subject.Start.Line != tc.lines[i] {
					t.Errorf("diagnostic %d at %v, want line %d", i, d.Subject, tc.lines[i])
				}
			}
		})
	}
}

func TestCSVDiagnosticsSnippet(t *testing.T) {
	c := loadSrc(t, "")
	src := []byte("name,nik\nani\n")
	c.AddSource("people.csv", src)
	var out bytes.Buffer
	if err := c.WriteDiagnostics(&out, CSVDiagnostics("people.csv", src), false, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "on people.csv:2:1") || !strings.Contains(out.String(), "2: ani") {
		t.Errorf("got:\n%s", out.String())
	}
}
