package policy_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/policy"
)

func TestTexasPack(t *testing.T) {
	base := policy.Builtin()
	p, err := policy.Load("testdata/texas-2026.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "texas-2026" || p.Date != "2026-01-26" || p.Source == "" {
		t.Errorf("pack header = %q %q %q", p.ID, p.Date, p.Source)
	}
	l, err := base.With(p)
	if err != nil {
		t.Fatal(err)
	}
	if l.Version != base.Version+"+texas-2026" {
		t.Errorf("Version = %q", l.Version)
	}
	if r := l.Regimes[len(l.Regimes)-1]; r.ID != "texas-2026" || !r.Pack || len(r.Entries) != 9 {
		t.Errorf("pack regime = %+v", r)
	}
	tests := []struct {
		company, entity string
		regimes         []string
	}{
		{"Uniview", "uniview", []string{"texas-2026"}},
		{"Zhejiang Uniview Technologies Co., Ltd.", "uniview", []string{"texas-2026"}},
		{"TP-Link", "tp-link", []string{"texas-2026"}},
		{"Tapo", "tp-link", []string{"texas-2026"}},
		{"Redmi", "xiaomi", []string{"texas-2026"}},
		{"Autel Robotics", "autel", []string{"texas-2026"}},
		{"Hikvision", "hikvision", []string{"fcc-covered-list", "ndaa-889", "texas-2026"}},
		{"Hytera", "hytera", []string{"fcc-covered-list", "ndaa-889"}},
	}
	for _, tt := range tests {
		c, ok := l.Company(tt.company)
		if !ok || !c.Covered || c.Entity != tt.entity {
			t.Errorf("Company(%q) = %+v, %v; want covered under %q", tt.company, c, ok, tt.entity)
			continue
		}
		if got := l.RegimesFor(c.Entity); !slices.Equal(got, tt.regimes) {
			t.Errorf("RegimesFor(%q) = %v, want %v", c.Entity, got, tt.regimes)
		}
	}
	if c, _ := l.CompanyByRegistrant("TP-LINK TECHNOLOGIES CO.,LTD."); c == nil || c.Entity != "tp-link" {
		t.Errorf("registrant lookup after merge = %+v", c)
	}
	if c, _ := l.Company("Autel Robotics"); c.Review != "fcc-category" || c.Relation != "named" {
		t.Errorf("Autel Robotics keeps its review and becomes named: %+v", c)
	}
	// The base is untouched.
	if c, _ := base.Company("Uniview"); c.Covered || c.Entity != "" {
		t.Errorf("base Uniview changed: %+v", c)
	}
	if _, ok := base.Entity("uniview"); ok {
		t.Error("base gained entity uniview")
	}
	if got := base.RegimesFor("hikvision"); len(got) != 2 {
		t.Errorf("base RegimesFor(hikvision) = %v", got)
	}
}

func TestWithNothing(t *testing.T) {
	l := policy.Builtin()
	if got, err := l.With(); got != l || err != nil {
		t.Errorf("With() = %p, %v; want the same Lists", got, err)
	}
}

// TestInvalidPacks asserts the exact error for each bad pack, so that the
// file, line and field a user sees stay right.
func TestInvalidPacks(t *testing.T) {
	const known = "china-mobile, china-telecom, china-unicom, dahua, hikvision, huawei, hytera, kaspersky, pacific-networks, zte"
	tests := []struct {
		file string
		want string
	}{
		{"invalid-unknown-entity.yaml", `testdata/invalid-unknown-entity.yaml:9: companies[1].entity: unknown entity "unview" (known: china-mobile, china-telecom, china-unicom, dahua, hikvision, huawei, hytera, kaspersky, pacific-networks, tp-link, zte)`},
		{"invalid-unknown-field.yaml", `testdata/invalid-unknown-field.yaml:9: companies[0].relabel: unknown field`},
		{"invalid-syntax.yaml", `testdata/invalid-syntax.yaml:5: sequence end token ']' not found`},
		{"invalid-type.yaml", `testdata/invalid-type.yaml:11: companies[0].covered: expected true or false, got "maybe"`},
		{"invalid-date.yaml", `testdata/invalid-date.yaml:4: date: invalid date "26/01/2026" (want YYYY-MM-DD)`},
		{"invalid-empty.yaml", `testdata/invalid-empty.yaml:1: empty document`},
		{"invalid-regime-id.yaml", `testdata/invalid-regime-id.yaml:1: id: regime "ndaa-889" already defined`},
		{"invalid-entity-id.yaml", `testdata/invalid-entity-id.yaml:6: entities[0].id: entity "hikvision" already defined`},
		{"invalid-move-covered.yaml", `testdata/invalid-move-covered.yaml:8: entities[0].companies[0]: company "EZVIZ" is already covered under entity "hikvision"; a pack cannot move it to "acme"`},
		{"invalid-alias-collision.yaml", `testdata/invalid-alias-collision.yaml:11: companies[0].aliases[1]: "Hikvision Co., Ltd." already names company "Hikvision" (as "Hikvision")`},
		{"invalid-regimes-for.yaml", `testdata/invalid-regimes-for.yaml:5: regimes_for[1]: unknown entity "hauwei" (known: ` + known + `)`},
		{"invalid-registrant.yaml", "testdata/invalid-registrant.yaml:11: companies[0].registrants[0]: invalid regular expression: error parsing regexp: missing closing ): `^acme (cam`\n" +
			`testdata/invalid-registrant.yaml:11: companies[0].registrants[1]: pattern ".*" matches the empty string`},
		{"invalid-missing.yaml", "testdata/invalid-missing.yaml:1: id: missing\n" +
			"testdata/invalid-missing.yaml:1: source: missing: a pack needs a source (URL or citation)\n" +
			"testdata/invalid-missing.yaml:4: entities[0].id: missing"},
		{"invalid-unknown-company.yaml", `testdata/invalid-unknown-company.yaml:8: entities[0].companies[1]: unknown company "Acme Cam"`},
	}
	files, err := filepath.Glob("testdata/invalid-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("%d invalid-*.yaml files but %d test cases", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := loadAndMerge(filepath.Join("testdata", tt.file))
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func loadAndMerge(path string) (*policy.Lists, error) {
	p, err := policy.Load(path)
	if err != nil {
		return nil, err
	}
	return policy.Builtin().With(p)
}

// TestPackConflicts checks that two packs cannot claim the same company for
// different entities, while the same claim twice is harmless.
func TestPackConflicts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) *policy.Pack {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := policy.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.yaml", "id: list-a\nname: List A\nsource: memo A\ndate: 2026-02-01\nentities:\n  - id: uniview\n    name: Uniview\n    companies: [Uniview]\n")
	b := write("b.yaml", "id: list-b\nname: List B\nsource: memo B\ndate: 2026-03-01\nentities:\n  - id: unv\n    name: UNV\n    companies: [Uniview]\n")
	c := write("c.yaml", "id: list-c\nname: List C\nsource: memo C\ndate: 2026-03-01\nregimes_for: [uniview]\ncompanies:\n  - name: Uniview\n    entity: uniview\n    aliases: [Uniview Tech]\n")

	_, err := policy.Builtin().With(a, b)
	want := filepath.Join(dir, "b.yaml") + `:8: entities[0].companies[0]: company "Uniview" is already covered under entity "uniview"; a pack cannot move it to "unv"`
	if err == nil || err.Error() != want {
		t.Errorf("conflicting packs: got %v\nwant %s", err, want)
	}
	l, err := policy.Builtin().With(a, c)
	if err != nil {
		t.Fatalf("agreeing packs: %v", err)
	}
	if got := l.RegimesFor("uniview"); !slices.Equal(got, []string{"list-a", "list-c"}) {
		t.Errorf("RegimesFor(uniview) = %v", got)
	}
	if u, ok := l.Company("Uniview Tech"); !ok || u.Name != "Uniview" {
		t.Errorf("alias from second pack: %+v, %v", u, ok)
	}
	if _, err := policy.Builtin().With(a, a); err == nil || !strings.Contains(err.Error(), `regime "list-a" already defined`) {
		t.Errorf("same pack twice: %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := policy.Load("testdata/no-such-pack.yaml")
	if err == nil || !strings.Contains(err.Error(), "open policy pack") || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) = %v", err)
	}
}
