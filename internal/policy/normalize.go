package policy

import (
	"unicode"
	"unicode/utf8"
)

// corporateSuffixes are words dropped from the end of a company name before
// lookup, so that "Zhejiang Dahua Technology Co., Ltd." and "Zhejiang Dahua"
// meet. Legal forms that tell companies apart in the data (AG, S.A.U., KG)
// are deliberately absent: Teltronic AG is not Teltronic S.A.U.
var corporateSuffixes = map[string]bool{
	"co": true, "company": true, "corp": true, "corporation": true,
	"inc": true, "incorporated": true, "ltd": true, "limited": true,
	"llc": true, "plc": true, "gmbh": true, "pvt": true, "private": true,
	"pty": true, "pte": true, "bv": true, "srl": true, "zao": true, "ooo": true,
	"fz": true, "technologies": true, "technology": true,
}

// appendText appends s folded for matching: lowercase letters and digits,
// dots and apostrophes dropped ("S.A.U." → "sau", "Co.,Ltd" → "co ltd"),
// every other run of characters turned into one space, no leading or trailing
// space. Registrant patterns are matched against this form.
func appendText(dst []byte, s string) []byte {
	start := len(dst)
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == '.' || c == '\'':
				continue
			default:
				space = true
				continue
			}
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			dst = append(dst, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '’':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		default:
			space = true
		}
	}
	return dst
}

// appendKey appends the lookup key of a company name: the folded text of
// appendText without trailing corporate suffixes. A name made only of
// suffixes keeps its first word, so the key is never empty for a non-empty
// name.
func appendKey(dst []byte, s string) []byte {
	start := len(dst)
	dst = appendText(dst, s)
	for {
		word := len(dst)
		for word > start && dst[word-1] != ' ' {
			word--
		}
		if word == start || !corporateSuffixes[string(dst[word:])] {
			return dst
		}
		dst = dst[:word-1]
	}
}

// normKey returns the lookup key of a company name.
func normKey(s string) string { return string(appendKey(nil, s)) }

// normText returns s folded for registrant matching.
func normText(s string) string { return string(appendText(nil, s)) }
