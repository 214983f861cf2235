package asn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/gaissmai/bart"
)

// maxJSON bounds a JSON prefix file. ipverse/asn-ip's largest files (the
// Chinese backbones) are tens of KB; a whole-Internet dump in this shape
// would still fit.
const maxJSON = 256 << 20

// aggregated is ipverse/asn-ip's as/N/aggregated.json, as its README and
// files show: {"asn": 36678, "handle": "CTUSA", "description": "...",
// "subnets": {"ipv4": [...], "ipv6": [...]}}.
type aggregated struct {
	ASN         json.RawMessage `json:"asn"`
	Handle      string          `json:"handle"`
	Description string          `json:"description"`
	Subnets     struct {
		IPv4 []string `json:"ipv4"`
		IPv6 []string `json:"ipv6"`
	} `json:"subnets"`
}

// parseJSON reads one aggregated.json object, or an array of them (several
// files joined with jq -s).
func parseJSON(r io.Reader, file string) (*bart.Table[entry], error) {
	data, err := io.ReadAll(io.LimitReader(r, maxJSON+1))
	if err != nil {
		return nil, fmt.Errorf("read ASN source %s: %w", file, err)
	}
	if len(data) > maxJSON {
		return nil, fmt.Errorf("ASN source %s: JSON larger than %d MiB", file, maxJSON>>20)
	}
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		copy(data, "   ") // a BOM, which encoding/json refuses; blanks keep the offsets
	}
	p := &textParser{file: file, t: new(bart.Table[entry]), names: map[string]string{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	lineErr := func(off int64, err error) error {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		}
		return &LineError{File: file, Line: lineAt(data, off), Err: err}
	}
	one := func() error {
		start := dec.InputOffset()
		for start < int64(len(data)) && bytes.IndexByte([]byte(" \t\r\n,"), data[start]) >= 0 {
			start++ // to the object's '{', for the line of its errors
		}
		var a aggregated
		if err := dec.Decode(&a); err != nil {
			return lineErr(start, fmt.Errorf("bad JSON: %w", err))
		}
		if err := p.aggregated(&a, data); err != nil {
			var le *LineError
			if errors.As(err, &le) {
				return err
			}
			return lineErr(start, err)
		}
		return nil
	}
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		if _, err := dec.Token(); err != nil {
			return nil, lineErr(0, fmt.Errorf("bad JSON: %w", err))
		}
		for dec.More() {
			if err := one(); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, lineErr(dec.InputOffset(), fmt.Errorf("bad JSON: %w", err))
		}
	} else if err := one(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, lineErr(dec.InputOffset(), errors.New("bad JSON: data after the end"))
	}
	return p.t, nil
}

// aggregated adds the subnets of one object. A bad subnet is reported at
// the line where it appears.
func (p *textParser) aggregated(a *aggregated, data []byte) error {
	if len(a.ASN) == 0 || string(a.ASN) == "null" {
		return errors.New(`no "asn" member`)
	}
	s := string(a.ASN)
	if u, err := strconv.Unquote(s); err == nil {
		s = u
	}
	asn, err := parseASN(s)
	if err != nil {
		return err
	}
	org := a.Description
	if org == "" {
		org = a.Handle
	}
	e := entry{asn: asn, org: p.name(org)}
	for _, list := range [][]string{a.Subnets.IPv4, a.Subnets.IPv6} {
		for _, sub := range list {
			pfx, _, err := parsePrefix(sub)
			if err != nil {
				q, _ := json.Marshal(sub)
				if i := bytes.Index(data, q); i >= 0 {
					return &LineError{File: p.file, Line: lineAt(data, int64(i)), Err: err}
				}
				return err
			}
			if err := p.insert(e, pfx); err != nil {
				return err
			}
		}
	}
	return nil
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}
