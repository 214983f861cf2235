package check

import (
	"regexp"
	"strconv"
	"strings"
)

// Version is a parsed vendor firmware version. It understands the formats
// the covered vendors print:
//
//	V5.4.5 build 170124    Hikvision: dotted numbers, then a yymmdd build date
//	V200R011C10SPC600      Huawei VRP: tagged numbers (V, R, C, SPC...)
//	2.800.0000000.25.R     Dahua: dotted numbers with a release letter
//	V2.30 / 3.00.40        ZTE and others: dotted numbers
//
//	2.800.0000000.25.R, build: 2020-06-18
//	                       Dahua as ONVIF and the magicBox API print it: the
//	                       build date in ISO form, kept as yymmdd (200618)
//
// A version is a sequence of tokens, each a number or a run of letters;
// separators (. _ - space) only split. A "build NNNNNN", "build:
// NNNNNN", "build YYYYMMDD" or "build: YYYY-MM-DD" suffix (any case, comma
// allowed before it, "Build Date" too, one-digit month and day in the ISO
// form, anything after it ignored) is kept apart as the build; a build that
// is a date becomes yymmdd so that both vendors' builds compare with one
// bound.
type Version struct {
	Raw    string
	tokens []token
	// Build is the number after "build", for ordering: the yymmdd date when
	// it is one, else the number as written (a build counter). 0 if none.
	Build int
	// Date is the build date as yymmdd (month 01-12, day 01-31), 0 when
	// the version carries none: no build, or a build number that is not a
	// date ("build 1234"). Range.BuildBefore decides by Date alone.
	Date int
}

type token struct {
	num   int
	alpha string // lower case; "" for a number
}

var (
	buildRE     = regexp.MustCompile(`(?i)[, ]*build(?:\s*date)?\s*:?\s*(\d{1,8})\b.*$`)
	buildDateRE = regexp.MustCompile(`(?i)[, ]*build(?:\s*date)?\s*:?\s*(\d{4}|\d\d)-(\d{1,2})-(\d{1,2})\b.*$`)
)

// yymmdd is the date as yymmdd, 0 unless year is a two-digit year or one
// of 19xx and 20xx, month 1-12 and day 1-31.
func yymmdd(year, month, day int) int {
	switch {
	case year >= 1900 && year < 2100:
		year %= 100
	case year < 0 || year > 99:
		return 0
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return 0
	}
	return year*10000 + month*100 + day
}

// buildNumber reads the digits after "build": a date when they are six
// (yymmdd) or eight (yyyymmdd, 19xx or 20xx) forming a valid one.
func buildNumber(digits string) (build, date int) {
	build, _ = strconv.Atoi(digits)
	if len(digits) == 6 || len(digits) == 8 {
		date = yymmdd(build/10000, build/100%100, build%100)
	}
	if date != 0 {
		build = date
	}
	return build, date
}

// ParseVersion parses s. It never fails: a string without digits gives a
// version with no numeric tokens, which Valid reports.
func ParseVersion(s string) Version {
	v := Version{Raw: s}
	rest := strings.TrimSpace(s)
	if m := buildDateRE.FindStringSubmatchIndex(rest); m != nil {
		y, _ := strconv.Atoi(rest[m[2]:m[3]])
		mo, _ := strconv.Atoi(rest[m[4]:m[5]])
		d, _ := strconv.Atoi(rest[m[6]:m[7]])
		v.Date = yymmdd(y, mo, d)
		v.Build = v.Date
		if v.Date == 0 { // not a date: keep the digits for ordering
			v.Build = y%100*10000 + mo*100 + d
		}
		rest = rest[:m[0]]
	} else if m := buildRE.FindStringSubmatchIndex(rest); m != nil {
		v.Build, v.Date = buildNumber(rest[m[2]:m[3]])
		rest = rest[:m[0]]
	}
	rest = strings.ToLower(rest)
	// A leading "v" before a digit is a prefix, not a tag ("V5.4" = "5.4"),
	// except in the VRP form where V is followed by three digits and an R.
	if len(rest) > 1 && rest[0] == 'v' && isDigit(rest[1]) && !vrpRE.MatchString(rest) {
		rest = rest[1:]
	}
	for i := 0; i < len(rest); {
		c := rest[i]
		switch {
		case isDigit(c):
			j := i
			for j < len(rest) && isDigit(rest[j]) {
				j++
			}
			digits := strings.TrimLeft(rest[i:j], "0")
			n := 0
			if len(digits) > 9 {
				n = 999999999 // longer than any real version field
			} else if digits != "" {
				n, _ = strconv.Atoi(digits)
			}
			v.tokens = append(v.tokens, token{num: n})
			i = j
		case c >= 'a' && c <= 'z':
			j := i
			for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
				j++
			}
			v.tokens = append(v.tokens, token{alpha: rest[i:j]})
			i = j
		default:
			i++
		}
	}
	return v
}

var vrpRE = regexp.MustCompile(`^v\d{3}r\d{3}`)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Valid reports whether the version holds at least one number.
func (v Version) Valid() bool {
	for _, t := range v.tokens {
		if t.alpha == "" {
			return true
		}
	}
	return false
}

// Compare orders a and b: -1 if a < b, 0 if equal, +1 if a > b. Tokens are
// compared in turn: numbers numerically, letter runs alphabetically, and a
// number sorts after letters at the same place. When one version is a prefix
// of the other, the longer one is later (V200R011C10SPC600 is a patch of
// V200R011C10), except that trailing zeros do not count (5.5 = 5.5.0) and a
// trailing release letter does not either (2.800.0.25.R = 2.800.0.25).
// Builds break ties only when both versions have one.
func Compare(a, b Version) int {
	at, bt := trimTail(a.tokens), trimTail(b.tokens)
	for i := 0; i < len(at) || i < len(bt); i++ {
		switch {
		case i >= len(at):
			return -1
		case i >= len(bt):
			return 1
		}
		x, y := at[i], bt[i]
		switch {
		case x.alpha == "" && y.alpha == "":
			if x.num != y.num {
				return sign(x.num - y.num)
			}
		case x.alpha == "":
			return 1
		case y.alpha == "":
			return -1
		case x.alpha != y.alpha:
			return strings.Compare(x.alpha, y.alpha)
		}
	}
	if a.Build != 0 && b.Build != 0 && a.Build != b.Build {
		return sign(a.Build - b.Build)
	}
	return 0
}

// trimTail drops trailing zero numbers and a trailing release letter.
func trimTail(ts []token) []token {
	for len(ts) > 0 {
		last := ts[len(ts)-1]
		if (last.alpha == "" && last.num == 0) || last.alpha == "r" {
			ts = ts[:len(ts)-1]
			continue
		}
		break
	}
	return ts
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
