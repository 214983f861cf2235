package report

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func render(t testing.TB, k Kind, f Format, d Data) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, k, f, d); err != nil {
		t.Fatalf("Render(%s, %s): %v", k, f, err)
	}
	if buf.Len() == 0 {
		t.Fatalf("Render(%s, %s) wrote nothing", k, f)
	}
	return buf.Bytes()
}

// TestGolden renders the fixture in every kind and format and compares
// with testdata/golden. All formats are byte-stable, including PDF and
// XLSX, so the goldens are the exact bytes.
func TestGolden(t *testing.T) {
	for _, k := range Kinds() {
		for _, f := range Formats() {
			t.Run(string(k)+"."+string(f), func(t *testing.T) {
				got := render(t, k, f, fixture())
				if again := render(t, k, f, fixture()); !bytes.Equal(got, again) {
					t.Fatal("two renders of the same Data differ")
				}
				path := filepath.Join("testdata", "golden", string(k)+"."+string(f))
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./internal/report -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the golden file (%d vs %d bytes); if the change is intended run go test ./internal/report -update", path, len(got), len(want))
				}
			})
		}
	}
}

// TestValid parses every kind×format back, for the fixture and for hostile
// data, and checks the structure each format promises.
func TestValid(t *testing.T) {
	for _, data := range []struct {
		name string
		d    func() Data
	}{{"fixture", fixture}, {"hostile", hostile}, {"empty", func() Data { return Data{} }}} {
		for _, k := range Kinds() {
			for _, f := range Formats() {
				t.Run(data.name+"/"+string(k)+"."+string(f), func(t *testing.T) {
					out := render(t, k, f, data.d())
					switch f {
					case FormatHTML:
						checkHTML(t, out, data.name != "hostile")
					case FormatCSV:
						checkCSV(t, k, out, data.d())
					case FormatJSON:
						checkJSON(t, out)
					case FormatXLSX:
						checkXLSX(t, k, out)
					case FormatPDF:
						checkPDF(t, out)
					}
				})
			}
		}
	}
}

// checkHTML parses the page and checks that it loads nothing and runs
// nothing. With strict, no URL may appear even as text (hostile data
// carries URLs in escaped text, which is fine).
func checkHTML(t *testing.T, out []byte, strict bool) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Error("HTML is not valid UTF-8")
	}
	s := string(out)
	bad := []string{"<script", "<img", "\x00"}
	if strict {
		bad = append(bad, "http://", "https://", "src=", "href=")
	}
	for _, bad := range bad {
		if strings.Contains(s, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	var tables, captions, ths, svgs, svgTitles int
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "table":
				tables++
			case "caption":
				captions++
			case "th":
				ths++
				if attr(n, "scope") != "col" {
					t.Error("th without scope=col")
				}
			case "svg":
				svgs++
				if attr(n, "role") != "img" || attr(n, "aria-labelledby") == "" {
					t.Error("svg without role=img and aria-labelledby")
				}
			case "title":
				if n.Parent != nil && n.Parent.Data == "svg" {
					svgTitles++
				}
			}
			for _, a := range n.Attr {
				if a.Key == "src" || a.Key == "href" || strings.HasPrefix(a.Key, "on") {
					t.Errorf("element <%s> has attribute %s=%q", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if tables != captions {
		t.Errorf("%d tables but %d captions", tables, captions)
	}
	if svgs != 4 || svgTitles != 4 {
		t.Errorf("%d charts with %d titles, want 4 and 4", svgs, svgTitles)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func checkCSV(t *testing.T, k Kind, out []byte, d Data) {
	t.Helper()
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		t.Error("CSV does not end with CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	want := map[Kind]int{KindInventory: len(d.Assets), KindInquiry: len(d.Runs), Kind889: 0}
	if k == Kind889 {
		for i := range d.Findings {
			if flagged(&d.Findings[i]) {
				want[k]++
			}
		}
	}
	if len(rows)-1 != want[k] {
		t.Errorf("CSV has %d data rows, want %d", len(rows)-1, want[k])
	}
	for i, r := range rows {
		for _, c := range r {
			if !utf8.ValidString(c) || strings.ContainsRune(c, 0) {
				t.Errorf("row %d: invalid UTF-8 or NUL in %q", i, c)
			}
			if len(c) > 0 && c[0] == '=' {
				t.Errorf("row %d: cell %q starts a formula", i, c)
			}
		}
	}
}

var snake = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

func checkJSON(t *testing.T, out []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("parse JSON: %v", err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if !snake.MatchString(k) && !strings.HasSuffix(path, ".sites") {
					t.Errorf("%s: key %q is not snake_case", path, k)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	walk("$", v)
	if bytes.Contains(out, []byte("<script")) {
		t.Error("JSON carries a raw <script")
	}
}

func checkXLSX(t *testing.T, k Kind, out []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()
	want := map[Kind][]string{
		KindInventory: {"Summary", "Counts", "Assets", "Findings", "Security checks", "Trend"},
		Kind889:       {"Summary", "Regimes", "Items"},
		KindInquiry:   {"Summary", "Counts", "Runs", "Gaps", "Trend"},
	}[k]
	got := f.GetSheetList()
	for _, s := range want {
		if s == "Trend" && len(got) == len(want)-1 {
			continue // no trend data
		}
		rows, err := f.GetRows(s)
		if err != nil {
			t.Errorf("sheet %s: %v", s, err)
			continue
		}
		if len(rows) == 0 || len(rows[0]) == 0 || rows[0][0] == "" {
			t.Errorf("sheet %s has no header row", s)
		}
		panes, err := f.GetPanes(s)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("sheet %s: header row not frozen (%+v, %v)", s, panes, err)
		}
	}
	// Every part must be well-formed XML text: no control characters.
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !zf.Modified.IsZero() && zf.Modified.Year() > 1980 {
			t.Errorf("zip entry %s has a timestamp %v", zf.Name, zf.Modified)
		}
	}
}

func checkPDF(t *testing.T, out []byte) {
	t.Helper()
	if !bytes.HasPrefix(out, []byte("%PDF-")) || !bytes.Contains(out[len(out)-32:], []byte("%%EOF")) {
		t.Errorf("not a PDF: starts %q", out[:min(16, len(out))])
	}
}
