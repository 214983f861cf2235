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
	for _, tc := range []struct {
		in          string
		build, date int
		rest        string // the version without its build, when it matters
	}{
		{"V5.4.5 build 170124", 170124, 170124, "V5.4.5"},
		{"V5.0, build 200820", 200820, 200820, "V5.0"},
		{"V4.30.085build 200916", 200916, 200916, "V4.30.085"},
		{"2.800.0000000.25.R", 0, 0, ""},
		{"2.420.Dahua 00.14.R, build: 2016-06-18", 160618, 160618, "2.420.Dahua 00.14.R"},
		{"2.210.Group 00.0.R, build: 2013-10-24(V4.1.1)", 131024, 131024, "2.210.Group 00.0.R"},
		{"2.800.0000000.25.R build 2020-06-18", 200618, 200618, "2.800.0000000.25.R"},
		{"V2.800.0000016.0.R, Build Date: 2021-04-27", 210427, 210427, "V2.800.0000016.0.R"},
		// The forms of the build date the vendors print.
		{"V5.4.0 build 160530", 160530, 160530, "V5.4.0"},
		{"V5.4.0 build 20160530", 160530, 160530, "V5.4.0"},
		{"V5.4.0 build: 160530", 160530, 160530, "V5.4.0"},
		{"V5.4.0 Build Date 2021-04-27", 210427, 210427, "V5.4.0"},
		{"2.420.Dahua 00.14.R, build: 2016-6-18", 160618, 160618, "2.420.Dahua 00.14.R"},
		{"2.800.0000000.20.R,build:2020-06-18", 200618, 200618, "2.800.0000000.20.R"},
		{"4.1.1 build 2016-06-18(V4.1.1)", 160618, 160618, "4.1.1"},
		{"V1.0 BUILD 19991231", 991231, 991231, "V1.0"},
		{"V1.0 build 050101", 50101, 50101, "V1.0"},
		// Builds that are not dates: kept for ordering, no date.
		{"V1.2 build 1234", 1234, 0, "V1.2"},
		{"V1.2 build 12", 12, 0, "V1.2"},
		{"V1.2 build 161330", 161330, 0, "V1.2"},     // month 13
		{"V1.2 build 160500", 160500, 0, "V1.2"},     // day 00
		{"V1.2 build 160532", 160532, 0, "V1.2"},     // day 32
		{"V1.2 build 21160530", 21160530, 0, "V1.2"}, // not 19xx or 20xx
		{"V1.2 build 1605301", 1605301, 0, "V1.2"},   // seven digits
		{"V1.2 build: 2016-13-01", 161301, 0, "V1.2"},
	} {
		v := ParseVersion(tc.in)
		if v.Build != tc.build || v.Date != tc.date {
			t.Errorf("%q: build %d date %d, want %d and %d", tc.in, v.Build, v.Date, tc.build, tc.date)
		}
		if tc.rest != "" && Compare(v, ParseVersion(tc.rest)) != 0 {
			t.Errorf("%q: the version part differs from %q", tc.in, tc.rest)
		}
	}
	if ParseVersion("unknown").Valid() || !ParseVersion("V1").Valid() {
		t.Error("Valid")
	}
}

// validDate reports whether d is 0 or a yymmdd date (month 01-12, day
// 01-31).
func validDate(d int) bool {
	if d == 0 {
		return true
	}
	m, day := d/100%100, d%100
	return d > 0 && d <= 991231 && m >= 1 && m <= 12 && day >= 1 && day <= 31
}

func FuzzCompare(f *testing.F) {
	f.Add("V5.4.5 build 170124", "V200R011C10SPC600")
	f.Add("2.800.0000000.25.R", "99999999999999999999999")
	f.Add("V5.4.0 build 20160530", "2.420.Dahua 00.14.R, build: 2016-6-18")
	f.Add("V1 build: 2016-13-45", "V1 Build Date 00-00-00")
	f.Fuzz(func(t *testing.T, a, b string) {
		va, vb := ParseVersion(a), ParseVersion(b)
		if Compare(va, vb) != -Compare(vb, va) {
			t.Fatalf("not antisymmetric: %q %q", a, b)
		}
		if Compare(va, va) != 0 {
			t.Fatalf("not reflexive: %q", a)
		}
		for _, v := range []Version{va, vb} {
			if !validDate(v.Date) {
				t.Fatalf("%q: date %d is neither 0 nor a yymmdd date", v.Raw, v.Date)
			}
			if v.Date != 0 && v.Build != v.Date {
				t.Fatalf("%q: build %d for date %d", v.Raw, v.Build, v.Date)
			}
		}
	})
}
