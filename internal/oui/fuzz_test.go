package oui

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func FuzzParseMAC(f *testing.F) {
	for _, s := range []string{
		"00:e0:fc:12:3a:bc", "00-E0-FC-12-3A-BC", "00e0.fc12.3abc", "00e0fc123abc",
		"00e0fc-123abc", "0:e0:fc:1:2:3", "00:11:22:ff:fe:33:44:55", "192.168.1.1",
		"", " ", "::::::", "00:1g:22:33:44:55", "00:11-22:33:44:55",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hw, err := ParseMAC(s)
		if err != nil {
			var me *MACError
			if !errors.As(err, &me) || me.Reason == "" || len(me.Input) > maxMACInput {
				t.Fatalf("ParseMAC(%q): bad error %#v", s, err)
			}
			return
		}
		// The canonical form parses back to the same address.
		back, err := ParseMAC(FormatMAC(hw))
		if err != nil || back != hw {
			t.Fatalf("ParseMAC(FormatMAC(%v)) = %v, %v", hw, back, err)
		}
		// Whenever the input has all 12 digits, they are the address.
		digits := strings.Map(func(r rune) rune {
			if hexDigit(byte(r)) >= 0 && r < 0x80 {
				return r
			}
			return -1
		}, s)
		if len(digits) == 12 {
			want := strings.ReplaceAll(FormatMAC(hw), ":", "")
			if !strings.EqualFold(digits, want) {
				t.Fatalf("ParseMAC(%q) = %s", s, FormatMAC(hw))
			}
		}
		// Lookup agrees with KindOf on what is vendor evidence.
		if _, ok := Builtin().Lookup(hw); ok && KindOf(hw) != Universal {
			t.Fatalf("Lookup(%s) matched a %v address", FormatMAC(hw), KindOf(hw))
		}
	})
}

func FuzzParseIEEECSV(f *testing.F) {
	for _, name := range []string{"oui.csv", "mam.csv", "oui36.csv", "iab.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Registry,Assignment,Organization Name,Organization Address\nCID,3A72C2,X,\n"))
	f.Add([]byte("Registry,Assignment,Organization Name,Organization Address\nMA-L,00E0FC,\"A\nB\",\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ParseIEEECSV(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// Writing the table back as IEEE CSV and reading it again gives
		// the same table.
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write(ieeeHeader)
		for e := range tab.All() {
			_ = w.Write([]string{e.Registry, assignmentOf(e), e.Org, ""})
		}
		w.Flush()
		again, err := ParseIEEECSV(&buf, "again.csv")
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !slices.Equal(slices.Collect(tab.All()), slices.Collect(again.All())) {
			t.Fatal("re-parsed table differs")
		}
		for e := range tab.All() {
			hw := firstAddress(t, e)
			want, wok := tab.Lookup(hw)
			got, gok := again.Lookup(hw)
			if got != want || gok != wok || wok != (KindOf(hw) == Universal) {
				t.Fatalf("Lookup(%s) = %+v, %v; re-parsed %+v, %v", FormatMAC(hw), want, wok, got, gok)
			}
		}
	})
}

// assignmentOf turns an Entry's Prefix back into the IEEE's digit string.
func assignmentOf(e Entry) string {
	p, _, _ := strings.Cut(e.Prefix, "/")
	p = strings.ReplaceAll(p, ":", "")
	return p[:e.Bits/4]
}

// firstAddress returns the lowest address of an entry's block.
func firstAddress(t *testing.T, e Entry) [6]byte {
	p, _, _ := strings.Cut(e.Prefix, "/")
	hw, err := ParseMAC(p + strings.Repeat(":00", 6-len(strings.Split(p, ":"))))
	if err != nil {
		t.Fatalf("prefix %s: %v", e.Prefix, err)
	}
	return hw
}
