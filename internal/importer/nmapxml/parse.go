package nmapxml

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// parser walks the document token by token and hands each <host> element,
// collected within the limits, to the host decoder.
type parser struct {
	src      importer.Source
	emit     func(covered.Observation) error
	bad      func(*importer.RecordError)
	sawRun   bool
	runStart time.Time // <nmaprun start=...>, zero when absent
	hosts    int       // hosts read, good or bad
}

// run decodes from the current position of s until the end of input (nil),
// a malformed stretch (a *importer.RecordError: the caller reports it and
// resynchronizes), or a failure of emit or ctx.
func (p *parser) run(ctx context.Context, s *stream) error {
	d := xml.NewDecoder(s)
	base := s.line
	line := func() int { l, _ := d.InputPos(); return base + l - 1 }
	depth := 0
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		s.allow(s.off, MaxHostBytes) // one token outside a host
		s.mark()
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return p.recordError(s, base, line(), 0, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxOuterDepth {
				return p.recErr(line(), fmt.Errorf("elements nested deeper than %d", maxOuterDepth))
			}
			switch t.Name.Local {
			case "nmaprun":
				p.sawRun = true
				if ts, ok := unixTime(attr(t, "start")); ok {
					p.runStart = ts
				}
			case "host":
				if err := p.host(ctx, d, s, t, base, line()); err != nil {
					return err
				}
				depth--
			}
		case xml.EndElement:
			depth--
		}
	}
}

// host collects the tokens of one <host> element (start already read) and
// turns them into observations.
func (p *parser) host(ctx context.Context, d *xml.Decoder, s *stream, start xml.StartElement, base, at int) error {
	p.hosts++
	s.allow(s.off, MaxHostBytes)
	toks := []xml.Token{start.Copy()}
	depth, tooDeep := 1, false
	for depth > 0 {
		tok, err := d.Token()
		if err != nil {
			l, _ := d.InputPos()
			return p.recordError(s, base, base+l-1, at, err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > MaxDepth {
				tooDeep = true
			}
		case xml.EndElement:
			depth--
		}
		if !tooDeep {
			toks = append(toks, xml.CopyToken(tok))
		}
	}
	if tooDeep {
		p.bad(&importer.RecordError{File: p.src.Name, Line: at, Err: fmt.Errorf("host: elements nested deeper than %d", MaxDepth)})
		return nil
	}
	var h xHost
	if err := xml.NewTokenDecoder(&tokenList{toks: toks}).Decode(&h); err != nil {
		p.bad(&importer.RecordError{File: p.src.Name, Line: at, Err: fmt.Errorf("host: %w", err)})
		return nil
	}
	obs, err := p.observations(&h)
	if err != nil {
		p.bad(&importer.RecordError{File: p.src.Name, Line: at, Err: err})
		return nil
	}
	for i, o := range obs {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := p.emit(o); err != nil {
			return err
		}
	}
	return nil
}

// recordError turns a decoder failure at line into a record error. Inside
// a host (host > 0, the line the host starts on) the record is the host and
// the error names where it broke; outside, the record is the line itself.
func (p *parser) recordError(s *stream, base, line, host int, err error) error {
	if s.readErr != nil {
		return s.readErr
	}
	at, what := line, ""
	if host > 0 {
		at, what = host, fmt.Sprintf("host at line %d: ", host)
	}
	var se *xml.SyntaxError
	switch {
	case s.tripped && host > 0:
		err = fmt.Errorf("%selement larger than %d bytes", what, MaxHostBytes)
	case s.tripped:
		err = fmt.Errorf("token larger than %d bytes", MaxHostBytes)
	case errors.As(err, &se):
		if host == 0 {
			at = base + se.Line - 1
			if s.first > 0 && s.first < at {
				at = s.first // where the stretch the decoder choked on starts
			}
		}
		if host > 0 {
			err = fmt.Errorf("%sXML syntax error on line %d: %s", what, base+se.Line-1, se.Msg)
		} else {
			err = fmt.Errorf("XML syntax error: %s", se.Msg)
		}
	default:
		err = fmt.Errorf("%s%w", what, err)
	}
	return p.recErr(at, err)
}

func (p *parser) recErr(line int, err error) *importer.RecordError {
	return &importer.RecordError{File: p.src.Name, Line: line, Err: err}
}

// tokenList replays collected tokens to a second decoder.
type tokenList struct{ toks []xml.Token }

func (l *tokenList) Token() (xml.Token, error) {
	if len(l.toks) == 0 {
		return nil, io.EOF
	}
	t := l.toks[0]
	l.toks = l.toks[1:]
	return t, nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// unixTime parses nmap's Unix-seconds time attributes.
func unixTime(s string) (time.Time, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > 1<<40 {
		return time.Time{}, false
	}
	return time.Unix(n, 0).UTC(), true
}
