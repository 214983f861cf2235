package report

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadContract(t *testing.T) {
	c, err := LoadContract("testdata/contract/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := &Contract{
		Number: "W52P1J-24-D-0001", Office: "Army Contracting Command – Rock Island", Order: "W52P1J-25-F-0042",
		Supplier: Supplier{Name: "Example Networks LLC", UEI: "ABCDEF123456", CAGE: "1AB23"},
		Contact:  "Jane Doe, Facility Security Officer",
		Sites: map[string]SiteContract{"branch-7": {Order: "W52P1J-25-F-0077",
			Supplier: Supplier{Name: "Regional Integrator Inc.", CAGE: "7XY89"}}},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("LoadContract mismatch (-want +got):\n%s", diff)
	}
}

// TestLoadContractErrors asserts the exact error for each bad file: every
// one names the file, the line and (where there is one) the field.
func TestLoadContractErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"invalid-unknown-field.yaml", "invalid-unknown-field.yaml:3: suplier: unknown field"},
		{"invalid-unknown-nested.yaml", "invalid-unknown-nested.yaml:5: sites.hq.order: unknown field"},
		{"invalid-missing-number.yaml", "invalid-missing-number.yaml:1: contract_number: required"},
		{"invalid-missing-office.yaml", "invalid-missing-office.yaml:1: contracting_office: required (the contracting office or agency)"},
		{"invalid-uei.yaml", `invalid-uei.yaml:5: supplier.uei: "abc" is not a Unique Entity Identifier (12 letters and digits)`},
		{"invalid-site-cage.yaml", `invalid-site-cage.yaml:6: sites.branch-7.supplier.cage: "TOOLONG1" is not a CAGE code (5 letters and digits)`},
		{"invalid-type.yaml", "invalid-type.yaml:4: supplier: sequence was used where mapping is expected"},
		{"invalid-syntax.yaml", "invalid-syntax.yaml:1: could not find end character of double-quoted text"},
		{"invalid-empty.yaml", "invalid-empty.yaml:1: empty document; contract_number and contracting_office are required"},
		{"invalid-two-docs.yaml", "invalid-two-docs.yaml:4: more than one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "contract", tt.file)
			_, err := LoadContract(path)
			if err == nil {
				t.Fatal("no error")
			}
			want := filepath.Join("testdata", "contract", tt.want)
			if err.Error() != want {
				t.Errorf("error\n got: %s\nwant: %s", err, want)
			}
			var ce *ContractError
			if !errors.As(err, &ce) || ce.Line == 0 {
				t.Errorf("error %v is not a *ContractError with a line", err)
			}
		})
	}
}

func TestLoadContractMissingFile(t *testing.T) {
	_, err := LoadContract("testdata/contract/nope.yaml")
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("got %v, want a wrapped not-exist error naming the file", err)
	}
}

func TestContractForSite(t *testing.T) {
	c := fixture().Contract
	tests := []struct {
		site, order string
		sup         Supplier
	}{
		{"hq", "W52P1J-25-F-0042", Supplier{"Example Networks LLC", "ABCDEF123456", "1AB23"}},
		{"", "W52P1J-25-F-0042", Supplier{"Example Networks LLC", "ABCDEF123456", "1AB23"}},
		// A different supplier by name: the default supplier's UEI must not
		// leak into it.
		{"branch-7", "W52P1J-25-F-0077", Supplier{"Regional Integrator Inc.", "", "7XY89"}},
		// Same supplier, site-specific identifier.
		{"warehouse", "W52P1J-25-F-0042", Supplier{"Example Networks LLC", "ZZZZZZ999999", "1AB23"}},
	}
	for _, tt := range tests {
		order, sup := c.forSite(tt.site)
		if order != tt.order || sup != tt.sup {
			t.Errorf("forSite(%q) = %q, %+v; want %q, %+v", tt.site, order, sup, tt.order, tt.sup)
		}
	}
	var nilc *Contract
	if o, s := nilc.forSite("hq"); o != "" || s != (Supplier{}) {
		t.Error("nil contract gives values")
	}
}

func FuzzLoadContract(f *testing.F) {
	files, _ := filepath.Glob("testdata/contract/*.yaml")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("contract_number: !!binary x\ncontracting_office: [a, {b: c}]\n"))
	f.Add([]byte("sites: {a: {supplier: {uei: \xff}}}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		path := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(path, src, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadContract(path)
		if err != nil {
			var ce *ContractError
			if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("error %q is not a *ContractError naming the file", err)
			}
			return
		}
		if strings.TrimSpace(c.Number) == "" || strings.TrimSpace(c.Office) == "" {
			t.Fatalf("accepted a contract without required fields: %+v", c)
		}
		// Whatever was accepted must render.
		d := fixture()
		d.Contract = c
		for _, f := range []Format{FormatHTML, FormatCSV} {
			if err := Render(discard{}, Kind889, f, d); err != nil {
				t.Fatal(err)
			}
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
