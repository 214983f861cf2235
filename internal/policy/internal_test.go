package policy

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestNormKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HUAWEI TECHNOLOGIES CO.,LTD", "huawei"},
		{"Huawei Technologies Co., Ltd.", "huawei"},
		{"Zhejiang Dahua Technology Co., Ltd.", "zhejiang dahua"},
		{"Hangzhou Hikvision Digital Technology Co.,Ltd.", "hangzhou hikvision digital"},
		{"Teltronic S.A.U.", "teltronic sau"},
		{"Teltronic AG", "teltronic ag"},
		{"Kaspersky Lab Middle-East FZ-LLC", "kaspersky lab middle east"},
		{"Q-See", "q see"},
		{"  TP-Link  ", "tp link"},
		{"Co., Ltd.", "co"},
		{"Ltd", "ltd"},
		{"Ünïcode GmbH", "ünïcode"},
		{"O’Brien Inc", "obrien"},
		{"", ""},
		{"---", ""},
	}
	for _, tt := range tests {
		if got := normKey(tt.in); got != tt.want {
			t.Errorf("normKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := normText("Hytera Communications Co .,ltd"); got != "hytera communications co ltd" {
		t.Errorf("normText = %q", got)
	}
}

// TestRegistrantsUnambiguous checks that every company's own names, used as
// registrant strings, never reach a tie between two companies' patterns: the
// longest-match rule must always have one winner.
func TestRegistrantsUnambiguous(t *testing.T) {
	l := Builtin()
	for _, c := range l.Companies {
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			text := normText(name)
			best, winners := 0, map[int]bool{}
			for _, m := range l.matchers {
				loc := m.re.FindStringIndex(text)
				if loc == nil {
					continue
				}
				switch n := loc[1] - loc[0]; {
				case n > best:
					best, winners = n, map[int]bool{m.company: true}
				case n == best:
					winners[m.company] = true
				}
			}
			if len(winners) > 1 {
				var names []string
				for i := range winners {
					names = append(names, l.Companies[i].Name)
				}
				t.Errorf("registrant %q ties between %v", name, names)
			}
		}
	}
}

// TestEmbeddedFilesSmall keeps the data files split by topic.
func TestEmbeddedFilesSmall(t *testing.T) {
	files, err := filepath.Glob("data/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob data: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(b); n > 24<<10 {
			t.Errorf("%s is %d bytes; split it by topic", f, n)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "a.yaml", Line: 3, Field: "id", Msg: "missing"}, "a.yaml:3: id: missing"},
		{&Error{File: "a.yaml", Msg: "larger than 1 bytes"}, "a.yaml: larger than 1 bytes"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	var e *Error
	if _, err := parsePack("x.yaml", []byte("id: [")); !errors.As(err, &e) || e.File != "x.yaml" || e.Line != 1 {
		t.Errorf("syntax error = %#v", err)
	}
}

// FuzzParsePack feeds arbitrary bytes to the pack parser and the merge: they
// must return errors, never panic.
func FuzzParsePack(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("id: a\nname: b\nsource: c\ndate: 2026-01-01\ncompanies:\n  - name: Hikvision\n    entity: zte\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := parsePack("fuzz.yaml", src)
		if err != nil {
			return
		}
		if _, err := Builtin().With(p); err != nil {
			return
		}
	})
}
