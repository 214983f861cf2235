package report

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// The PDF uses fpdf's core Helvetica, whose encoding is cp1252, so no font
// files are embedded and nothing is read from disk. Text is converted with
// pdfText: cp1252 characters pass, a few common symbols are transliterated,
// anything else becomes "?". Invalid UTF-8 and control characters never
// reach fpdf.

// pdfCompress is switched off by tests to read the text back from the
// content streams.
var pdfCompress = true

// cp1252High maps the Unicode characters of cp1252's 0x80-0x9F range.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89,
	'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95,
	'–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
}

var translit = map[rune]string{
	'→': "->", '←': "<-", '≥': ">=", '≤': "<=", '≠': "!=", '✓': "v", '·': "\xb7", '\u00a0': " ",
	'\u2009': " ", '\u202f': " ", '−': "-", '‐': "-", '‑': "-",
}

// pdfText converts s to cp1252 bytes for a core font, on one line.
func pdfText(s string) string {
	s = clean(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n':
			b.WriteByte(' ')
		case r < 0x80:
			b.WriteByte(byte(r))
		case r >= 0xa0 && r <= 0xff:
			b.WriteByte(byte(r))
		default:
			if c, ok := cp1252High[r]; ok {
				b.WriteByte(c)
			} else if t, ok := translit[r]; ok {
				b.WriteString(t)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}

// pdf wraps fpdf with the report's page layout.
type pdf struct {
	*fpdf.Fpdf
	width  float64 // usable width between the margins
	bottom float64 // y where content must stop
}

const (
	pdfMargin = 12.0
	pdfRowH   = 4.6
)

func writePDF(bw *bufio.Writer, d *doc) error {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "mm", SizeStr: "Letter"})
	f.SetCompression(pdfCompress)
	f.SetCatalogSort(true)
	when := d.generated
	if when.IsZero() {
		when = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f.SetCreationDate(when.UTC())
	f.SetModificationDate(when.UTC())
	f.SetTitle(d.title, true)
	f.SetSubject(string(d.kind)+" report", false)
	f.SetCreator(clean(orWord(d.tool, "covered")), true)
	f.SetProducer("covered report", false)
	f.SetLang("en-US")
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfMargin+4)
	f.AliasNbPages("{nb}")
	pw, ph := f.GetPageSize()
	p := &pdf{Fpdf: f, width: pw - 2*pdfMargin, bottom: ph - pdfMargin - 6}
	title := pdfText(truncate(d.title, 200))
	f.SetFooterFunc(func() {
		f.SetY(-pdfMargin)
		f.SetFont("Helvetica", "", 7)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(p.width/2, 4, p.fit(title, p.width/2), "", 0, "L", false, 0, "")
		f.CellFormat(p.width/2, 4, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})

	p.titlePage(d)
	p.charts(d)
	for _, t := range d.tables {
		if t.name == "Items" {
			p.records(t)
		} else {
			p.table(t)
		}
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("lay out PDF: %w", err)
	}
	if err := f.Output(bw); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return nil
}

// fit shortens already-converted text until it fits in w (mm) with the
// current font, ending it with "..." when cut.
func (p *pdf) fit(s string, w float64) string {
	w -= 2 * p.GetCellMargin()
	if p.GetStringWidth(s) <= w {
		return s
	}
	// Helvetica's narrowest glyphs are about a quarter of the font size, so
	// anything longer than this cannot fit; cut before measuring.
	_, size := p.GetFontSize()
	if max := int(w/(size*0.25)) + 1; len(s) > max {
		s = s[:max]
	}
	for len(s) > 0 && p.GetStringWidth(s+"...") > w {
		s = s[:len(s)-1]
	}
	return s + "..."
}

func (p *pdf) heading(s string) {
	p.SetFont("Helvetica", "B", 13)
	p.CellFormat(p.width, 8, p.fit(pdfText(s), p.width), "", 1, "L", false, 0, "")
	p.Ln(1)
}

func (p *pdf) titlePage(d *doc) {
	p.AddPage()
	p.SetFont("Helvetica", "B", 20)
	p.MultiCell(p.width, 9, pdfText(truncate(d.title, 300)), "", "L", false)
	p.Ln(3)
	for _, x := range d.facts {
		p.SetFont("Helvetica", "B", 9)
		p.CellFormat(50, 5, pdfText(x.name), "", 0, "L", false, 0, "")
		p.SetFont("Helvetica", "", 9)
		p.MultiCell(p.width-50, 5, pdfText(orDash(truncate(x.value, 1500))), "", "L", false)
	}
	if d.statement != "" {
		p.Ln(4)
		p.SetFont("Helvetica", "B", 11)
		p.SetFillColor(235, 241, 252)
		p.MultiCell(p.width, 6, pdfText(d.statement), "L", "L", true)
	}
	p.Ln(3)
	p.SetFont("Helvetica", "", 8)
	for _, n := range d.notes {
		p.MultiCell(p.width, 4, pdfText(n), "", "L", false)
		p.Ln(1)
	}
}

// charts draws the bar charts and the trend line with fpdf primitives.
func (p *pdf) charts(d *doc) {
	p.AddPage()
	p.heading("Charts")
	const labelW, barMax, barH = 60.0, 150.0, 4.0
	for _, c := range d.charts {
		need := 8 + float64(len(c.bars)+1)*(barH+1.5)
		if p.GetY()+need > p.bottom {
			p.AddPage()
		}
		p.SetFont("Helvetica", "B", 10)
		p.CellFormat(p.width, 6, pdfText(c.title), "", 1, "L", false, 0, "")
		p.SetFont("Helvetica", "", 8)
		if len(c.bars) == 0 {
			p.CellFormat(p.width, 5, "No findings.", "", 1, "L", false, 0, "")
			continue
		}
		max := 1
		for _, b := range c.bars {
			if b.Count > max {
				max = b.Count
			}
		}
		p.SetFillColor(11, 87, 208)
		for _, b := range c.bars {
			y := p.GetY()
			p.CellFormat(labelW, barH, p.fit(pdfText(b.Name), labelW), "", 0, "R", false, 0, "")
			w := barMax * float64(b.Count) / float64(max)
			if b.Count > 0 && w < 0.5 {
				w = 0.5
			}
			p.Rect(pdfMargin+labelW+1, y+0.3, w, barH-0.6, "F")
			p.SetXY(pdfMargin+labelW+2+w, y)
			p.CellFormat(20, barH, itoa(b.Count), "", 1, "L", false, 0, "")
			p.SetY(y + barH + 1.5)
		}
		p.Ln(3)
	}
	p.trend(d.trend)
}

func (p *pdf) trend(pts []TrendPoint) {
	const h, w = 50.0, 200.0
	if p.GetY()+h+16 > p.bottom {
		p.AddPage()
	}
	p.SetFont("Helvetica", "B", 10)
	p.CellFormat(p.width, 6, "Open findings over time", "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", 8)
	if len(pts) == 0 {
		p.CellFormat(p.width, 5, "No run history.", "", 1, "L", false, 0, "")
		return
	}
	x0, y0 := pdfMargin+15, p.GetY()+2
	t0, t1, max := pts[0].Date, pts[0].Date, 1
	for _, q := range pts {
		if q.Date.Before(t0) {
			t0 = q.Date
		}
		if q.Date.After(t1) {
			t1 = q.Date
		}
		if q.Open > max {
			max = q.Open
		}
	}
	span := t1.Sub(t0).Seconds()
	px := func(q TrendPoint) float64 {
		if span == 0 {
			return x0 + w/2
		}
		return x0 + w*q.Date.Sub(t0).Seconds()/span
	}
	py := func(q TrendPoint) float64 { return y0 + h - h*float64(q.Open)/float64(max) }
	p.SetDrawColor(136, 136, 136)
	p.Line(x0, y0, x0, y0+h)
	p.Line(x0, y0+h, x0+w, y0+h)
	p.Text(x0-8, y0+3, itoa(max))
	p.Text(x0-4, y0+h, "0")
	p.Text(x0, y0+h+5, day(t0))
	p.Text(x0+w-16, y0+h+5, day(t1))
	p.SetDrawColor(176, 0, 32)
	p.SetLineWidth(0.5)
	for i := 1; i < len(pts); i++ {
		p.Line(px(pts[i-1]), py(pts[i-1]), px(pts[i]), py(pts[i]))
	}
	p.SetLineWidth(0.2)
	p.SetDrawColor(0, 0, 0)
	p.SetY(y0 + h + 8)
}

// pdfCols picks the columns a table shows on paper: all but those marked
// nopdf, scaled to the page width.
func (p *pdf) pdfCols(t *table) (idx []int, widths []float64) {
	total := 0.0
	for i, c := range t.cols {
		if !c.nopdf {
			idx = append(idx, i)
			total += c.width
		}
	}
	for _, i := range idx {
		widths = append(widths, t.cols[i].width/total*p.width)
	}
	return idx, widths
}

func (p *pdf) table(t *table) {
	p.AddPage()
	p.heading(t.name + " - " + t.caption)
	if t.n == 0 {
		p.SetFont("Helvetica", "", 9)
		p.CellFormat(p.width, 5, "None.", "", 1, "L", false, 0, "")
		return
	}
	idx, widths := p.pdfCols(t)
	header := func() {
		p.SetFont("Helvetica", "B", 7)
		p.SetFillColor(31, 78, 121)
		p.SetTextColor(255, 255, 255)
		for k, i := range idx {
			p.CellFormat(widths[k], pdfRowH+0.6, p.fit(pdfText(t.cols[i].name), widths[k]), "", 0, "L", true, 0, "")
		}
		p.Ln(-1)
		p.SetTextColor(0, 0, 0)
		p.SetFont("Helvetica", "", 7)
	}
	header()
	r := make([]string, len(t.cols))
	p.SetFillColor(244, 246, 248)
	for n := 0; n < t.n; n++ {
		if p.GetY()+pdfRowH > p.bottom {
			p.AddPage()
			header()
			p.SetFillColor(244, 246, 248)
		}
		clear(r)
		t.row(n, r)
		for k, i := range idx {
			align := "L"
			if t.cols[i].num {
				align = "R"
			}
			p.CellFormat(widths[k], pdfRowH, p.fit(pdfText(r[i]), widths[k]), "", 0, align, n%2 == 1, 0, "")
		}
		p.Ln(-1)
	}
}

// records lays out a wide table one record per block, every field on its
// own wrapped line: the 889 items, whose (d)(2) fields are too long for
// columns and must be readable in full.
func (p *pdf) records(t *table) {
	p.AddPage()
	p.heading(t.name + " - " + t.caption)
	if t.n == 0 {
		p.SetFont("Helvetica", "", 9)
		p.CellFormat(p.width, 5, "None.", "", 1, "L", false, 0, "")
		return
	}
	const labelW = 45.0
	r := make([]string, len(t.cols))
	for n := 0; n < t.n; n++ {
		clear(r)
		t.row(n, r)
		// Start a new page when the block would not fit, so that an item
		// is split across pages only when it is longer than a page.
		if p.GetY()+float64(len(t.cols))*4.2+8 > p.bottom {
			p.AddPage()
		}
		p.SetFont("Helvetica", "B", 9)
		p.SetFillColor(225, 232, 240)
		p.CellFormat(p.width, 6, p.fit(pdfText(fmt.Sprintf("%d. %s", n+1, r[0])), p.width), "", 1, "L", true, 0, "")
		for i := 1; i < len(t.cols); i++ {
			p.SetFont("Helvetica", "B", 8)
			p.CellFormat(labelW, 4.2, pdfText(t.cols[i].name), "", 0, "L", false, 0, "")
			p.SetFont("Helvetica", "", 8)
			p.MultiCell(p.width-labelW, 4.2, pdfText(orDash(truncate(r[i], 1500))), "", "L", false)
		}
		p.Ln(2)
	}
}
