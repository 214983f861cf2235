package identify

import (
	"strings"
	"unicode"
)

// vocabulary maps registrant names from the IEEE and IANA registries
// ("Cisco Systems, Inc", "ciscoSystems", "Axis Communications AB") to the
// vendor names rules use ("Cisco", "Axis"), so that a MAC block and a banner
// of one maker agree instead of looking like two makers.
type vocabulary struct {
	names []vocabName // longest first
}

type vocabName struct {
	canon string
	norm  string
}

func newVocabulary(vendors []string) vocabulary {
	var v vocabulary
	for _, name := range vendors {
		if n := normalize(name); len(n) >= 2 {
			v.names = append(v.names, vocabName{name, n})
		}
	}
	// Longest first, so "Palo Alto Networks" wins over a shorter prefix.
	for i := 1; i < len(v.names); i++ {
		for j := i; j > 0 && len(v.names[j].norm) > len(v.names[j-1].norm); j-- {
			v.names[j], v.names[j-1] = v.names[j-1], v.names[j]
		}
	}
	return v
}

// find returns the vocabulary name an organisation name starts with, or "".
// The vendor name must end at a word boundary of the organisation name (a
// space, punctuation or a lower-to-upper case change as in "ciscoSystems"),
// so "LG" does not match "LGS Innovations".
func (v vocabulary) find(org string) string {
	norm := normalize(org)
	for _, n := range v.names {
		if !strings.HasPrefix(norm, n.norm) {
			continue
		}
		if len(norm) == len(n.norm) || boundaryAfter(org, len(n.norm)) {
			return n.canon
		}
	}
	return ""
}

// normalize keeps letters and digits, lower-cased.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// boundaryAfter reports whether, after the first n letters or digits of org,
// a word ends.
func boundaryAfter(org string, n int) bool {
	var prev rune
	for _, r := range org {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if n == 0 {
				return true
			}
			continue
		}
		if n == 0 {
			return unicode.IsUpper(r) && unicode.IsLower(prev)
		}
		n--
		prev = r
	}
	return true
}
