package report

// Chart is the credibility level bar chart as the HTML template draws it
// in inline SVG: no script, no external resource.
type Chart struct {
	Width, Height int
	// BaseY is the y of the axis; bars grow up from it.
	BaseY int
	Bars  []Bar
	// Max is the largest count (the scale), at least 1.
	Max int
}

// Bar is one level's bar.
type Bar struct {
	Label                string
	Count                int
	X, Y, Width, Height  int
	LabelX, LabelY, TopY int
	// Class colours the bar (level-A ... level-none).
	Class string
}

const (
	chartWidth  = 560
	chartHeight = 280
	chartTop    = 30 // room for the counts above the bars
	chartBottom = 40 // room for the labels under the axis
	chartLeft   = 20
	barGap      = 16
)

// chart lays the levels out as bars.
func chart(levels []Count) Chart {
	c := Chart{Width: chartWidth, Height: chartHeight, BaseY: chartHeight - chartBottom, Max: 1}
	for _, l := range levels {
		c.Max = max(c.Max, l.Count)
	}
	if len(levels) == 0 {
		return c
	}
	slot := (chartWidth - 2*chartLeft) / len(levels)
	plot := c.BaseY - chartTop
	for i, l := range levels {
		h := l.Count * plot / c.Max
		if l.Count > 0 {
			h = max(h, 2) // a bar of one among thousands still shows
		}
		x := chartLeft + i*slot + barGap/2
		w := slot - barGap
		c.Bars = append(c.Bars, Bar{Label: l.Value, Count: l.Count, X: x, Y: c.BaseY - h, Width: w, Height: h,
			LabelX: x + w/2, LabelY: c.BaseY + 22, TopY: c.BaseY - h - 8, Class: "level-" + l.Value})
	}
	return c
}
