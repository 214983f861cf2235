package check

import "testing"

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"V5.4.5 build 170124", "V5.5.0", -1},
		{"V5.4.0 build 160530", "V5.2.0", 1},
		{"V5.5.0 build 170725", "V5.5.0", 0},
		{"V5.5.0", "5.5", 0},
		{"V5.4.5 build 170124", "V5.4.5 build 170123", 1},
		{"V5.4.5, build 170124", "v5.4.5 Build 170124", 0},
		{"V200R011C10SPC600", "V200R011C10", 1},
		{"V200R011C10SPC600", "V200R011C10SPC700", -1},
		{"V200R011C10", "V200R012C00", -1},
		{"V200R010C00SPC900", "V200R011C00", -1},
		{"2.800.0000000.25.R", "2.800.0000000.26.R", -1},
		{"2.800.0000000.25.R", "2.800.0000000.25", 0},
		{"2.840.0000000.12.R", "2.800.0000000.25.R", 1},
		{"V2.30", "V2.30", 0},
		{"3.00.30", "3.00.40", -1},
		{"V3.02.10R2P3", "3.00.40", 1},
		{"2.800.0000000.25.R, build: 2020-06-18", "2.800.0000000.25.R, build: 2021-06-01", -1},
		{"2.420.Dahua 00.14.R, build: 2016-06-18", "2.420.Dahua 00.14.R", 0},
	} {
		got := Compare(ParseVersion(tc.a), ParseVersion(tc.b))
		back := Compare(ParseVersion(tc.b), ParseVersion(tc.a))
		if got != tc.want || back != -tc.want {
			t.Errorf("Compare(%q, %q) = %d (reverse %d), want %d", tc.a, tc.b, got, back, tc.want)
		}
	}
}

func TestParseVersionBuild(t *testing.T) {
	for in, want := range map[string]int{"V5.4.5 build 170124": 170124, "V5.0, build 200820": 200820, "V4.30.085build 200916": 200916, "2.800.0000000.25.R": 0,
		"2.420.Dahua 00.14.R, build: 2016-06-18": 160618, "2.210.Group 00.0.R, build: 2013-10-24(V4.1.1)": 131024,
		"2.800.0000000.25.R build 2020-06-18": 200618, "V2.800.0000016.0.R, Build Date: 2021-04-27": 210427} {
		if got := ParseVersion(in).Build; got != want {
			t.Errorf("%q: build %d, want %d", in, got, want)
		}
	}
	if ParseVersion("unknown").Valid() || !ParseVersion("V1").Valid() {
		t.Error("Valid")
	}
}

func FuzzCompare(f *testing.F) {
	f.Add("V5.4.5 build 170124", "V200R011C10SPC600")
	f.Add("2.800.0000000.25.R", "99999999999999999999999")
	f.Fuzz(func(t *testing.T, a, b string) {
		va, vb := ParseVersion(a), ParseVersion(b)
		if Compare(va, vb) != -Compare(vb, va) {
			t.Fatalf("not antisymmetric: %q %q", a, b)
		}
		if Compare(va, va) != 0 {
			t.Fatalf("not reflexive: %q", a)
		}
	})
}
