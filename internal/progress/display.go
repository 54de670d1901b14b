package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Display draws one live bar per provider on a terminal, redrawn a few
// times a second:
//
//	usapi       12,345/100,000 [=====>-----------]  3 failed, 40 in flight, 1,234/s, ETA 1m10s
//
// It uses github.com/vbauerster/mpb, which redraws several bars in place
// and prints lines above them. Lines written to the terminal while it runs
// must go through Println, or they tear the bars.
type Display struct {
	p    *mpb.Progress
	t    *Tracker
	bars map[string]*mpb.Bar
}

// NewDisplay starts drawing the tracker's providers on w, a terminal.
func NewDisplay(w io.Writer, t *Tracker) *Display {
	return newDisplay(w, t, mpb.WithRefreshRate(200*time.Millisecond))
}

func newDisplay(w io.Writer, t *Tracker, opts ...mpb.ContainerOption) *Display {
	d := &Display{t: t, bars: map[string]*mpb.Bar{}}
	d.p = mpb.New(append([]mpb.ContainerOption{mpb.WithOutput(w), mpb.WithWidth(32)}, opts...)...)
	provs := t.Providers()
	width := 0
	for _, c := range provs {
		width = max(width, len(c.Provider))
	}
	for _, c := range provs {
		d.bars[c.Provider] = d.addBar(c, width)
	}
	return d
}

func (d *Display) addBar(c Counts, width int) *mpb.Bar {
	name := c.Provider
	return d.p.AddBar(int64(c.Total),
		mpb.PrependDecorators(
			decor.Name(name, decor.WC{W: width + 1, C: decor.DindentRight}),
			decor.Any(func(decor.Statistics) string {
				c := d.t.Provider(name)
				return Thousands(c.Finished()) + "/" + Thousands(c.Total)
			}, decor.WCSyncSpace),
		),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
			return barDetail(d.t.Provider(name))
		})),
	)
}

// barDetail is what follows a bar.
func barDetail(c Counts) string {
	eta := "ETA unknown"
	if t, ok := c.ETA(); ok {
		eta = "ETA " + Duration(t)
	}
	return fmt.Sprintf("%s failed, %s in flight, %s/s, %s", Thousands(c.Failed), Thousands(c.InFlight), Thousands(int(c.Rate()+0.5)), eta)
}

// Finished moves a provider's bar on by one change.
func (d *Display) Finished(provider string) {
	if b := d.bars[provider]; b != nil {
		b.Increment()
	}
}

// Println prints a line above the bars.
func (d *Display) Println(line string) {
	d.p.Write([]byte(line + "\n"))
}

// Stop draws the bars a last time as they are and stops redrawing. Bars of
// changes that never ran (an interrupted apply) stay short of their end.
func (d *Display) Stop() {
	// Abort leaves a completed bar as it is; asking Completed first races
	// with mpb's render goroutine (it reads the bar's state unguarded once
	// the bar is done).
	for _, b := range d.bars {
		b.Abort(false)
	}
	d.p.Wait()
}
