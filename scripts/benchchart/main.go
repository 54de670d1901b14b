// Command benchchart draws the cost curves of docs/performance.md: CPU
// time and peak memory against the number of people, one line per step,
// from the tab-separated rows scripts/bench.sh writes with BENCH_TSV=FILE
// (step, people, wall seconds, CPU seconds, peak RSS in MB). Give it one
// file per batch size, or one file holding several:
//
//	go run ./scripts/benchchart -out docs/bench.svg bench-1k.tsv bench-10k.tsv bench-100k.tsv
//
// Both axes are logarithmic: a cost that follows the batch is a straight
// line of slope one. The SVG has no script and no external resource.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// point is one step measured at one batch size.
type point struct {
	people    float64
	wall, cpu float64
	rssMB     float64
}

func main() {
	out := flag.String("out", "", "the SVG file to write (default: standard output)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: benchchart [-out FILE.svg] BENCH.tsv...")
		os.Exit(2)
	}
	series := map[string][]point{}
	for _, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchchart:", err)
			os.Exit(1)
		}
		err = read(f, series)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchchart: %s: %s\n", name, err)
			os.Exit(1)
		}
	}
	w := io.Writer(os.Stdout)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchchart:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	draw(bw, series)
	if err := bw.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "benchchart:", err)
		os.Exit(1)
	}
}

// read adds the rows of one TSV file to series, by step. A step measured
// at the same size twice keeps its last row.
func read(r io.Reader, series map[string][]point) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if len(f) == 1 && strings.TrimSpace(f[0]) == "" {
			continue
		}
		if len(f) != 5 {
			return fmt.Errorf("line %d: %d fields, want 5 (step, people, wall s, CPU s, RSS MB)", line, len(f))
		}
		var nums [4]float64
		for i := range nums {
			v, err := strconv.ParseFloat(f[i+1], 64)
			if err != nil {
				return fmt.Errorf("line %d: field %d: %s", line, i+2, err)
			}
			nums[i] = v
		}
		step := f[0]
		if strings.HasPrefix(step, "apply, rate_limit") {
			continue // a fixed small batch, at the provider's rate: not a curve
		}
		p := point{people: nums[0], wall: nums[1], cpu: nums[2], rssMB: nums[3]}
		pts := series[step]
		replaced := false
		for i := range pts {
			if pts[i].people == p.people {
				pts[i], replaced = p, true
			}
		}
		if !replaced {
			pts = append(pts, p)
		}
		sort.Slice(pts, func(i, j int) bool { return pts[i].people < pts[j].people })
		series[step] = pts
	}
	return sc.Err()
}

const (
	panelW, panelH = 520, 360
	left, top      = 70, 40
	legendW        = 330
)

var colours = []string{
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
	"#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
	"#e6550d", "#31a354", "#756bb1", "#636363",
}

// draw writes two panels side by side (CPU seconds, peak RSS) and a legend.
func draw(w io.Writer, series map[string][]point) {
	steps := make([]string, 0, len(series))
	for s := range series {
		steps = append(steps, s)
	}
	sort.Strings(steps)
	width := 2*(panelW+left) + legendW
	height := top + panelH + 60
	if h := top + 18*len(steps) + 20; h > height {
		height = h
	}
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(w, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	panel(w, series, steps, left, "CPU time (user + system), seconds", func(p point) float64 { return p.cpu })
	panel(w, series, steps, 2*left+panelW, "peak resident memory, MB", func(p point) float64 { return p.rssMB })
	lx := 2*(left+panelW) + 20
	for i, s := range steps {
		y := top + 18*i
		fmt.Fprintf(w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>`+"\n", lx, y, lx+24, y, colours[i%len(colours)])
		fmt.Fprintf(w, `<text x="%d" y="%d">%s</text>`+"\n", lx+30, y+4, escape(s))
	}
	fmt.Fprintln(w, "</svg>")
}

// panel draws one log-log panel at x0 with the value val of every series.
func panel(w io.Writer, series map[string][]point, steps []string, x0 int, title string, val func(point) float64) {
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range steps {
		for _, p := range series[s] {
			if p.people <= 0 || val(p) <= 0 {
				continue
			}
			xmin, xmax = math.Min(xmin, p.people), math.Max(xmax, p.people)
			ymin, ymax = math.Min(ymin, val(p)), math.Max(ymax, val(p))
		}
	}
	if math.IsInf(xmin, 1) {
		return
	}
	// Whole decades around the data.
	xlo, xhi := math.Floor(math.Log10(xmin)), math.Ceil(math.Log10(xmax))
	ylo, yhi := math.Floor(math.Log10(ymin)), math.Ceil(math.Log10(ymax))
	if xhi == xlo {
		xhi++
	}
	if yhi == ylo {
		yhi++
	}
	px := func(v float64) float64 { return float64(x0) + (math.Log10(v)-xlo)/(xhi-xlo)*panelW }
	py := func(v float64) float64 { return float64(top+panelH) - (math.Log10(v)-ylo)/(yhi-ylo)*panelH }
	fmt.Fprintf(w, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", x0, top-15, escape(title))
	fmt.Fprintf(w, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>`+"\n", x0, top, panelW, panelH)
	for d := xlo; d <= xhi; d++ {
		x := px(math.Pow(10, d))
		fmt.Fprintf(w, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x, top, x, top+panelH)
		fmt.Fprintf(w, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x, top+panelH+16, humanCount(math.Pow(10, d)))
	}
	fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="middle">people</text>`+"\n", x0+panelW/2, top+panelH+34)
	for d := ylo; d <= yhi; d++ {
		y := py(math.Pow(10, d))
		fmt.Fprintf(w, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", x0, y, x0+panelW, y)
		fmt.Fprintf(w, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-6, y+4, strconv.FormatFloat(math.Pow(10, d), 'g', -1, 64))
	}
	for i, s := range steps {
		var pts []string
		for _, p := range series[s] {
			if p.people > 0 && val(p) > 0 {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p.people), py(val(p))))
			}
		}
		c := colours[i%len(colours)]
		if len(pts) > 1 {
			fmt.Fprintf(w, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), c)
		}
		for _, q := range pts {
			xy := strings.Split(q, ",")
			fmt.Fprintf(w, `<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s</title></circle>`+"\n", xy[0], xy[1], c, escape(s))
		}
	}
}

func humanCount(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', -1, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'g', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
