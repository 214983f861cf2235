package lab

import (
	"strings"
	"testing"
)

func TestBuiltinProfilesLoad(t *testing.T) {
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 25 {
		t.Errorf("%d profiles, want at least 25", len(ps))
	}
	for _, p := range ps {
		t.Logf("%-22s %-12s %-14s ports=%d", p.Name, p.Truth.Status, p.Truth.CoveredEntity, len(p.Services))
	}
}

func TestEveryReplyCitesASource(t *testing.T) {
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		replies := p.Replies()
		if len(replies) == 0 {
			t.Errorf("%s: no replies at all", p.Name)
		}
		for _, r := range replies {
			if strings.TrimSpace(r.Source) == "" {
				t.Errorf("%s: %s: reply %q has no source", p.Name, r.Where, short(r.Value))
			}
		}
		for _, f := range p.Facts() {
			if strings.TrimSpace(f.Source) == "" {
				t.Errorf("%s: fact %s=%q has no source", p.Name, f.Key, short(f.Value))
			}
		}
	}
}
