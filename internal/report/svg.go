package report

import (
	"strconv"
)

// Charts are inline SVG generated here, so the page needs no script and no
// external resource. Each has role="img" with a <title> and <desc> for
// screen readers, and every number is also in a table of the report.

const (
	barW     = 420 // width of the longest bar
	labelW   = 170
	barH     = 20
	barGap   = 6
	chartPad = 10
)

// fnum formats a coordinate with one decimal, the same on every platform.
func fnum(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func svgBars(w hw, c chart) {
	max := 0
	for _, b := range c.bars {
		if b.Count > max {
			max = b.Count
		}
	}
	h := chartPad*2 + len(c.bars)*(barH+barGap)
	if len(c.bars) == 0 {
		h = 40
	}
	width := labelW + barW + 60
	w.raw("<figure>\n<figcaption id=\"c-" + c.id + "\">")
	w.text(c.title)
	w.raw("</figcaption>\n<svg role=\"img\" aria-labelledby=\"c-" + c.id + "-t c-" + c.id + "-d\" width=\"" + itoa(width) + "\" height=\"" + itoa(h) +
		"\" viewBox=\"0 0 " + itoa(width) + " " + itoa(h) + "\">\n<title id=\"c-" + c.id + "-t\">")
	w.text(c.title)
	w.raw("</title>\n<desc id=\"c-" + c.id + "-d\">")
	w.text(c.desc)
	w.raw(": ")
	for i, b := range c.bars {
		if i > 0 {
			w.raw("; ")
		}
		w.text(truncate(b.Name, 200))
		w.raw(" " + itoa(b.Count))
	}
	if len(c.bars) == 0 {
		w.raw("none")
	}
	w.raw(".</desc>\n")
	if len(c.bars) == 0 {
		w.raw("<text x=\"10\" y=\"25\">No findings.</text>\n</svg>\n</figure>\n")
		return
	}
	for i, b := range c.bars {
		y := chartPad + i*(barH+barGap)
		bw := float64(barW) * float64(b.Count) / float64(max)
		if b.Count > 0 && bw < 1 {
			bw = 1
		}
		w.raw("<text x=\"" + itoa(labelW-6) + "\" y=\"" + itoa(y+14) + "\" text-anchor=\"end\">")
		w.text(truncate(b.Name, 28))
		w.raw("</text><rect class=\"bar\" x=\"" + itoa(labelW) + "\" y=\"" + itoa(y) + "\" width=\"" + fnum(bw) + "\" height=\"" + itoa(barH) + "\"><title>")
		w.text(truncate(b.Name, 200))
		w.raw(": " + itoa(b.Count) + "</title></rect><text x=\"" + fnum(float64(labelW)+bw+4) + "\" y=\"" + itoa(y+14) + "\">" + itoa(b.Count) + "</text>\n")
	}
	w.raw("</svg>\n</figure>\n")
}

// svgTrend draws open findings over time as a line on a time axis.
func svgTrend(w hw, pts []TrendPoint) {
	const width, height, left, right, top, bottom = 640, 220, 50, 20, 15, 40
	w.raw("<figure>\n<figcaption id=\"c-trend\">Open findings over time</figcaption>\n" +
		"<svg role=\"img\" aria-labelledby=\"c-trend-t c-trend-d\" width=\"" + itoa(width) + "\" height=\"" + itoa(height) +
		"\" viewBox=\"0 0 " + itoa(width) + " " + itoa(height) + "\">\n<title id=\"c-trend-t\">Open findings over time</title>\n<desc id=\"c-trend-d\">")
	if len(pts) == 0 {
		w.raw("No run history.</desc>\n<text x=\"10\" y=\"25\">No run history.</text>\n</svg>\n</figure>\n")
		return
	}
	for i, p := range pts {
		if i > 0 {
			w.raw("; ")
		}
		w.raw(day(p.Date) + ": " + itoa(p.Open))
	}
	w.raw(".</desc>\n")
	t0, t1 := pts[0].Date, pts[0].Date
	max := 0
	for _, p := range pts {
		if p.Date.Before(t0) {
			t0 = p.Date
		}
		if p.Date.After(t1) {
			t1 = p.Date
		}
		if p.Open > max {
			max = p.Open
		}
	}
	if max == 0 {
		max = 1
	}
	span := t1.Sub(t0).Seconds()
	pw, ph := float64(width-left-right), float64(height-top-bottom)
	x := func(p TrendPoint) float64 {
		if span == 0 {
			return left + pw/2
		}
		return left + pw*p.Date.Sub(t0).Seconds()/span
	}
	y := func(p TrendPoint) float64 { return top + ph - ph*float64(p.Open)/float64(max) }
	base := itoa(top + int(ph))
	w.raw("<line class=\"axis\" x1=\"" + itoa(left) + "\" y1=\"" + base + "\" x2=\"" + itoa(width-right) + "\" y2=\"" + base + "\"/>" +
		"<line class=\"axis\" x1=\"" + itoa(left) + "\" y1=\"" + itoa(top) + "\" x2=\"" + itoa(left) + "\" y2=\"" + base + "\"/>\n")
	w.raw("<text x=\"" + itoa(left-6) + "\" y=\"" + itoa(top+4) + "\" text-anchor=\"end\">" + itoa(max) + "</text>" +
		"<text x=\"" + itoa(left-6) + "\" y=\"" + base + "\" text-anchor=\"end\">0</text>\n")
	w.raw("<text x=\"" + itoa(left) + "\" y=\"" + itoa(height-12) + "\">" + day(t0) + "</text>" +
		"<text x=\"" + itoa(width-right) + "\" y=\"" + itoa(height-12) + "\" text-anchor=\"end\">" + day(t1) + "</text>\n")
	w.raw("<polyline class=\"line\" points=\"")
	for i, p := range pts {
		if i > 0 {
			w.raw(" ")
		}
		w.raw(fnum(x(p)) + "," + fnum(y(p)))
	}
	w.raw("\"/>\n")
	for _, p := range pts {
		w.raw("<circle class=\"pt\" cx=\"" + fnum(x(p)) + "\" cy=\"" + fnum(y(p)) + "\" r=\"3\"><title>" + day(p.Date) + ": " + itoa(p.Open) + " open</title></circle>\n")
	}
	w.raw("</svg>\n</figure>\n")
}
