package covered

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the JSON form of id to dst, byte for byte what
// encoding/json writes with HTML escaping off (json_test.go proves it on
// random values). Identifications are the bulk of every output, and the
// reflection-driven encoder cost a sixth of `covered identify`'s time.
func (id *Identification) AppendJSON(dst []byte) []byte {
	dst = appendField(dst, '{', "host", id.Host)
	dst = appendField(dst, ',', "status", string(id.Status))
	dst = appendField(dst, ',', "covered_entity", id.CoveredEntity)
	dst = appendStrings(append(dst, `,"regimes":`...), id.Regimes)
	dst = appendField(dst, ',', "manufacturer", id.Manufacturer)
	dst = appendField(dst, ',', "brand", id.Brand)
	dst = appendField(dst, ',', "product", id.Product)
	dst = appendField(dst, ',', "model", id.Model)
	dst = appendField(dst, ',', "firmware", id.Firmware)
	dst = appendField(dst, ',', "device_type", id.DeviceType)
	if id.Component != "" {
		dst = appendField(dst, ',', "component", id.Component)
	}
	if id.Service != "" {
		dst = appendField(dst, ',', "service", id.Service)
	}
	dst = appendFloat(append(dst, `,"confidence":`...), id.Confidence)
	dst = appendField(dst, ',', "scope_note", id.ScopeNote)
	dst = appendStrings(append(dst, `,"review":`...), id.Review)
	dst = append(dst, `,"evidence":`...)
	if id.Evidence == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range id.Evidence {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = id.Evidence[i].appendJSON(dst)
		}
		dst = append(dst, ']')
	}
	if len(id.Conflicts) > 0 {
		dst = append(dst, `,"conflicts":[`...)
		for i, c := range id.Conflicts {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendField(dst, '{', "manufacturer", c.Manufacturer)
			dst = appendFloat(append(dst, `,"confidence":`...), c.Confidence)
			dst = appendStrings(append(dst, `,"keys":`...), c.Keys)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = appendField(dst, ',', "rationale", id.Rationale)
	dst = appendField(dst, ',', "rules_version", id.RulesVersion)
	dst = appendField(dst, ',', "lists_version", id.ListsVersion)
	return append(dst, '}')
}

func (e *Evidence) appendJSON(dst []byte) []byte {
	dst = appendField(dst, '{', "key", e.Key)
	dst = appendField(dst, ',', "value", e.Value)
	if e.Port != 0 {
		dst = strconv.AppendInt(append(dst, `,"port":`...), int64(e.Port), 10)
	}
	if e.Path != "" {
		dst = appendField(dst, ',', "path", e.Path)
	}
	dst = appendField(dst, ',', "rule", e.Rule)
	if e.Says != "" {
		dst = appendField(dst, ',', "says", e.Says)
	}
	if e.Role != "" {
		dst = appendField(dst, ',', "role", e.Role)
	}
	dst = appendFloat(append(dst, `,"certainty":`...), e.Certainty)
	if e.Source != "" {
		dst = appendField(dst, ',', "source", e.Source)
	}
	return append(dst, '}')
}

// appendField appends sep, the quoted name, a colon and the quoted value.
// Names are plain ASCII and need no escaping.
func appendField(dst []byte, sep byte, name, value string) []byte {
	dst = append(dst, sep, '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return AppendJSONString(dst, value)
}

func appendStrings(dst []byte, ss []string) []byte {
	if ss == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, s)
	}
	return append(dst, ']')
}

// appendFloat writes f as encoding/json does: shortest form, exponent only
// for very small or very large magnitudes. NaN and infinities, which JSON
// cannot hold and identification never produces, are written as 0.
func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, '0')
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json writes it.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// plain8 reports whether the 8 bytes of s are printable ASCII other than
// '"' and '\\', with the usual word-at-a-time tests for "some byte is less
// than" and "some byte equals".
func plain8(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	ctl := (w - 0x20*ones) & ^w // a byte below 0x20
	quote := w ^ '"'*ones       // zero where a byte is '"'
	slash := w ^ '\\'*ones      // zero where a byte is '\\'
	return (w|ctl|(quote-ones)&^quote|(slash-ones)&^slash)&highs == 0
}

// AppendJSONString appends s as a JSON string the way encoding/json does
// with HTML escaping off: invalid UTF-8 becomes U+FFFD, control characters
// and U+2028/U+2029 are escaped.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight plain bytes at a time: most of what identify writes
		// (rule sources, banners) needs no escaping at all.
		for i+8 <= len(s) && plain8(s[i:i+8]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
