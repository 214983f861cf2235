package policy_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/policy"
)

func TestBuiltin(t *testing.T) {
	l := policy.Builtin()
	if !regexp.MustCompile(`^\d{4}\.\d{2}\.\d{2}-\d+$`).MatchString(l.Version) {
		t.Errorf("Version = %q, want YYYY.MM.DD-N", l.Version)
	}
	if l.Date == "" || !strings.HasPrefix(strings.ReplaceAll(l.Version, ".", "-"), l.Date) {
		t.Errorf("Date = %q does not match Version %q", l.Date, l.Version)
	}
	if l2 := policy.Builtin(); l2 != l {
		t.Error("Builtin is not parsed once")
	}
	ids := map[string]bool{}
	for _, r := range l.Regimes {
		if ids[r.ID] || r.Pack || r.Citation == "" || r.URL == "" || r.Binds == "" || len(r.Sources) == 0 {
			t.Errorf("regime %q: duplicate, pack or missing fields: %+v", r.ID, r)
		}
		ids[r.ID] = true
		for _, e := range r.Entries {
			if e.Source == "" || e.Wording == "" || e.Date == "" || e.Basis == "" {
				t.Errorf("%s entry %d: missing source, wording, date or basis", r.ID, e.No)
			}
		}
	}
	for _, e := range l.Entities {
		if len(e.Sources) == 0 || e.Listed == "" || len(e.Regimes) == 0 || e.LegalName == "" {
			t.Errorf("entity %q: missing sources, listing date, regimes or legal name", e.ID)
		}
	}
	for _, c := range l.Companies {
		if c.Source == "" || c.Confidence == "" {
			t.Errorf("company %q: missing source or confidence", c.Name)
		}
		if c.Entity != "" {
			if _, ok := l.Entity(c.Entity); !ok {
				t.Errorf("company %q: unknown entity %q", c.Name, c.Entity)
			}
		}
		if c.Covered && c.Entity == "" {
			t.Errorf("company %q: covered without an entity", c.Name)
		}
	}
}

func TestFCCEntries(t *testing.T) {
	want := []struct {
		entity, kind, date string
	}{
		{"huawei", "equipment", "2021-03-12"},
		{"zte", "equipment", "2021-03-12"},
		{"hytera", "equipment", "2021-03-12"},
		{"hikvision", "equipment", "2021-03-12"},
		{"dahua", "equipment", "2021-03-12"},
		{"kaspersky", "software", "2022-03-25"},
		{"china-mobile", "services", "2022-03-25"},
		{"china-telecom", "services", "2022-03-25"},
		{"pacific-networks", "services", "2022-09-20"},
		{"china-unicom", "services", "2022-09-20"},
		{"kaspersky", "software", "2024-07-23"},
		{"", "category", "2025-12-22"},
		{"", "category", "2026-03-23"},
	}
	r := regime(t, "fcc-covered-list")
	if len(r.Entries) != len(want) {
		t.Fatalf("fcc-covered-list has %d entries, want %d", len(r.Entries), len(want))
	}
	for i, w := range want {
		e := r.Entries[i]
		if e.No != i+1 || e.Entity != w.entity || e.Kind != w.kind || e.Date != w.date {
			t.Errorf("entry %d = {%d %q %q %q}, want {%d %q %q %q}", i+1, e.No, e.Entity, e.Kind, e.Date, i+1, w.entity, w.kind, w.date)
		}
	}
	// Wording is quoted verbatim in reports: spot-check it against the list.
	for no, wording := range map[int]string{
		1:  "Telecommunications equipment produced by Huawei Technologies Company, including telecommunications or video surveillance services provided by such entity or using such equipment.",
		6:  "Information security products, solutions, and services supplied, directly or indirectly, by AO Kaspersky Lab or any of its predecessors, successors, parents, subsidiaries, or affiliates.",
		8:  "Telecommunications services provided by China Telecom (Americas) Corp. subject to section 214 of the Communications Act of 1934.",
		13: "Routers produced in a foreign country, except routers which have been granted a Conditional Approval by DoW or DHS.",
	} {
		if got := r.Entries[no-1].Wording; got != wording {
			t.Errorf("entry %d wording = %q, want %q", no, got, wording)
		}
	}
	if w := r.Entries[3].Wording; !strings.Contains(w, "Hangzhou Hikvision Digital Technology Company, to the extent it is used for the purpose of public safety") {
		t.Errorf("entry 4 lacks the purpose scope: %q", w)
	}
}

func regime(t *testing.T, id string) policy.Regime {
	t.Helper()
	for _, r := range policy.Builtin().Regimes {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no regime %q", id)
	return policy.Regime{}
}

func TestRegimesFor(t *testing.T) {
	const scope = "covered to the extent it is used for public safety, security of government facilities, physical security surveillance of critical infrastructure, and other national security purposes"
	tests := []struct {
		id, name, scope string
		regimes         []string
	}{
		{"huawei", "Huawei", "", []string{"fcc-covered-list", "ndaa-889"}},
		{"zte", "ZTE", "", []string{"fcc-covered-list", "ndaa-889"}},
		{"hytera", "Hytera", scope, []string{"fcc-covered-list", "ndaa-889"}},
		{"hikvision", "Hikvision", scope, []string{"fcc-covered-list", "ndaa-889"}},
		{"dahua", "Dahua", scope, []string{"fcc-covered-list", "ndaa-889"}},
		{"kaspersky", "Kaspersky", "", []string{"fcc-covered-list", "far-52.204-23"}},
		{"china-mobile", "China Mobile", "", []string{"fcc-covered-list"}},
		{"china-telecom", "China Telecom", "", []string{"fcc-covered-list"}},
		{"china-unicom", "China Unicom", "", []string{"fcc-covered-list"}},
		{"pacific-networks", "Pacific Networks", "", []string{"fcc-covered-list"}},
	}
	l := policy.Builtin()
	if len(l.Entities) != len(tests) {
		t.Errorf("%d entities, want %d", len(l.Entities), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e, ok := l.Entity(tt.id)
			if !ok {
				t.Fatal("not found")
			}
			if e.Name != tt.name || e.ScopeNote != tt.scope {
				t.Errorf("Name, ScopeNote = %q, %q; want %q, %q", e.Name, e.ScopeNote, tt.name, tt.scope)
			}
			if got := l.RegimesFor(tt.id); !slices.Equal(got, tt.regimes) {
				t.Errorf("RegimesFor = %v, want %v", got, tt.regimes)
			}
			if !slices.Equal(e.Regimes, tt.regimes) {
				t.Errorf("Entity.Regimes = %v, want %v", e.Regimes, tt.regimes)
			}
		})
	}
	if got := l.RegimesFor("cisco"); got != nil {
		t.Errorf("RegimesFor(cisco) = %v, want nil", got)
	}
	// Appending to a result must not write into the Lists.
	a := append(l.RegimesFor("huawei"), "x")
	if b := l.RegimesFor("huawei"); len(b) != 2 || a[0] != b[0] {
		t.Errorf("RegimesFor result aliases internal state: %v", b)
	}
}
