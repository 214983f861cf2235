package inventory

import (
	"errors"
	"fmt"
	"strings"

	"github.com/coveredtool/covered/internal/importer/textfile"
)

// maxValue bounds one cell of a recognised column: no name, model, serial
// or list of addresses is anywhere near as long.
const maxValue = 1024

// cell returns a cell as the export meant it: trimmed, with Excel's
// ="00123" (a trick exports use to keep leading zeros) unwrapped, and
// placeholders such as "N/A" or "Unknown" read as empty.
func cell(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		s = strings.TrimSpace(s[2 : len(s)-1])
	}
	if placeholders.has(s) {
		return ""
	}
	return s
}

// placeholders are what exports write in a cell that has no value.
var placeholders = newWordSet("-", "--", "?", "n/a", "na", "none", "null", "nil", "unknown", "(empty)", "(null)",
	"not available", "not applicable", "not specified", "undefined")

// placeholderSerials are serial "numbers" that firmware and inventories
// fill in when they have none. As a host key they would merge every device
// that reports them, so they are dropped.
var placeholderSerials = newWordSet("0", "serial", "default", "default string", "to be filled by o.e.m.",
	"system serial number", "123456789", "1234567890", "0123456789", "xxxxxxxxxx", "chassis serial number", "invalid")

// wordSet matches a few words ignoring case. It runs for every cell, so it
// looks at the first byte and the length before comparing, and never
// allocates.
type wordSet struct {
	first [256]bool
	words []string
}

func newWordSet(words ...string) *wordSet {
	w := &wordSet{words: words}
	for _, s := range words {
		w.first[s[0]] = true
		w.first[strings.ToUpper(s[:1])[0]] = true
	}
	return w
}

func (w *wordSet) has(s string) bool {
	if s == "" || !w.first[s[0]] {
		return false
	}
	for _, p := range w.words {
		if len(p) == len(s) && strings.EqualFold(p, s) {
			return true
		}
	}
	return false
}

// serial returns s unless it is a placeholder serial.
func serial(s string) string {
	if placeholderSerials.has(s) || strings.Trim(s, "0") == "" {
		return ""
	}
	return s
}

// eachItem calls fn with each item of a cell that may hold several:
// exports join the addresses of a device's interfaces with commas,
// semicolons or newlines.
func eachItem(s string, fn func(item string)) {
	for s != "" {
		i := strings.IndexAny(s, ",;|\n\r")
		item := s
		if i < 0 {
			s = ""
		} else {
			item, s = s[:i], s[i+1:]
		}
		if item = strings.TrimSpace(item); item != "" {
			fn(item)
		}
	}
}

// parseMAC normalises one MAC; ok is false for addresses that name no
// device (all-zero, multicast, broadcast), which are dropped silently.
func parseMAC(s string) (mac string, ok bool, err error) {
	return textfile.NormMAC(s)
}

// parseIP reads the first address of a cell (some exports list all of a
// device's addresses in one).
func parseIP(s string) (string, error) {
	if f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }); len(f) > 0 {
		s = f[0]
	}
	return textfile.ParseIP(s)
}

// ErrIMEI is what errors.Is finds in the error of a value in an IMEI column
// that is not one.
var ErrIMEI = errors.New("not an IMEI")

type imeiError struct{ v, why string }

func (e imeiError) Error() string   { return fmt.Sprintf("bad IMEI %q: %s", clip(e.v, 40), e.why) }
func (e imeiError) Is(t error) bool { return t == ErrIMEI }

// normIMEI checks an IMEI and returns its digits: 15 with a Luhn check
// digit, or 14 (without the check digit) or 16 (IMEISV, a software version
// in place of the check digit). Spaces, dashes and slashes between digit
// groups are dropped. All zeros is a placeholder: "" and no error.
func normIMEI(s string) (string, error) {
	d := s
	if strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		var err error
		if d, err = imeiDigits(s); err != nil {
			return "", err
		}
	}
	if strings.Trim(d, "0") == "" && len(d) >= 14 {
		return "", nil
	}
	switch len(d) {
	case 14, 16:
		return d, nil
	case 15:
		if !luhn(d) {
			return "", imeiError{s, "check digit does not match (Luhn)"}
		}
		return d, nil
	}
	return "", imeiError{s, fmt.Sprintf("%d digits, want 15 (or 14 or 16)", len(d))}
}

// imeiDigits drops the separators of an IMEI written in groups.
func imeiDigits(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			b.WriteByte(c)
		case c == ' ' || c == '-' || c == '/':
		default:
			why := "not digits"
			if strings.ContainsAny(s, "Ee") && strings.Contains(s, "+") {
				why = "not digits (a spreadsheet turned it into a number; format the column as text)"
			}
			return "", imeiError{s, why}
		}
	}
	return b.String(), nil
}

// luhn checks the Luhn check digit of a string of digits.
func luhn(d string) bool {
	sum := 0
	for i := range len(d) {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			if n *= 2; n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}
