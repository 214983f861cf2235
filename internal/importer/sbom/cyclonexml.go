package sbom

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/CycloneDX/cyclonedx-go"
)

// The XML form is walked token by token: the root must be <bom> in a
// CycloneDX 1.x namespace; <metadata> and each <component> of <components>
// are decoded by cyclonedx-go's XML mapping, and everything else is
// skipped.

// xmlDepth passes an XML decoder's tokens on and counts open elements.
// The BOM's structure is walked on it directly; each metadata and
// component element is decoded by a decoder of its own (see decode), so
// that an element the library rejects leaves no state behind: encoding/xml
// keeps a stale end marker after a failed UnmarshalXML, and its next Token
// would say io.EOF in the middle of the document.
type xmlDepth struct {
	d     *xml.Decoder
	depth int
}

func (x *xmlDepth) Token() (xml.Token, error) {
	t, err := x.d.Token()
	switch t.(type) {
	case xml.StartElement:
		x.depth++
	case xml.EndElement:
		x.depth--
	}
	return t, err
}

// startThen gives start, then the tokens of rest.
type startThen struct {
	start *xml.StartElement
	rest  xml.TokenReader
}

func (s *startThen) Token() (xml.Token, error) {
	if s.start != nil {
		t := *s.start
		s.start = nil
		return t, nil
	}
	return s.rest.Token()
}

// fatalXML reports whether err leaves the document unreadable (malformed
// XML, early end) rather than one element undecodable.
func fatalXML(err error) bool {
	var se *xml.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// cycloneXML reads one XML BOM.
type cycloneXML struct {
	*cycloneWalker
	toks *xmlDepth
}

func decodeCycloneXML(ctx context.Context, data []byte, rep *reporter) (*doc, error) {
	x := &cycloneXML{
		cycloneWalker: &cycloneWalker{ctx: ctx, rep: rep, d: &doc{}},
		toks:          &xmlDepth{d: xml.NewDecoder(bytes.NewReader(data))},
	}
	root, err := x.root()
	if err != nil {
		return nil, err
	}
	for _, a := range root.Attr {
		if a.Name.Local == "serialNumber" {
			x.d.title = a.Value
		}
	}
	for {
		tok, err := x.toks.Token()
		if err != nil {
			return nil, unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.EndElement: // </bom>
			return x.d, nil
		case xml.StartElement:
			switch t.Name.Local {
			case "metadata":
				err = x.metadata(t.Copy())
			case "components":
				err = x.components()
			default:
				err = x.skipTo(1)
			}
			if err != nil {
				return nil, unexpectedEOF(err)
			}
		}
	}
}

// unexpectedEOF says that a document ended inside its root element.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// root reads up to the <bom> element and checks its namespace.
func (x *cycloneXML) root() (xml.StartElement, error) {
	for {
		tok, err := x.toks.Token()
		if err == io.EOF {
			return xml.StartElement{}, errors.New("no bom element")
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "bom" || !strings.HasPrefix(se.Name.Space, cycloneNamespace) {
			return se, fmt.Errorf("root element <%s> in namespace %q is not a CycloneDX bom", se.Name.Local, se.Name.Space)
		}
		return se, checkCycloneVersion(strings.TrimPrefix(se.Name.Space, cycloneNamespace))
	}
}

// decode decodes the element start opened into v with a decoder of its
// own. After an error that leaves the document readable, the rest of the
// element is skipped.
func (x *cycloneXML) decode(start xml.StartElement, v any) (fatal bool, err error) {
	parent := x.toks.depth - 1
	dec := xml.NewTokenDecoder(&startThen{start: &start, rest: x.toks})
	if _, err = dec.Token(); err == nil { // start, onto dec's stack
		err = dec.DecodeElement(v, &start)
	}
	if err == nil {
		return false, nil
	}
	if fatalXML(err) {
		return true, err
	}
	if serr := x.skipTo(parent); serr != nil {
		return true, serr
	}
	return false, err
}

// metadata decodes <metadata>; a failure is reported and skipped.
func (x *cycloneXML) metadata(start xml.StartElement) error {
	var m cycloneMeta[*cyclonedx.Component]
	if fatal, err := x.decode(start, &m); fatal {
		return err
	} else if err != nil {
		x.rep.metadata(err)
		return nil
	}
	x.d.created = m.Timestamp
	if m.Component != nil {
		x.product(m.Component, m.Manufacture, m.Supplier)
		x.tree(m.Component.Components, 1)
	}
	return nil
}

// components decodes the <component> elements of <components> one by one.
func (x *cycloneXML) components() error {
	depth := x.toks.depth
	for {
		tok, err := x.toks.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement: // </components>
			return nil
		case xml.StartElement:
			if t.Name.Local != "component" {
				if err := x.skipTo(depth); err != nil {
					return err
				}
				continue
			}
			x.n++
			n := x.n
			if n%1024 == 0 && x.ctx.Err() != nil {
				return x.ctx.Err()
			}
			var c cyclonedx.Component
			if fatal, err := x.decode(t.Copy(), &c); fatal {
				return err
			} else if err != nil {
				x.rep.component(n, err)
				continue
			}
			x.add(n, &c)
			x.tree(c.Components, 1)
		}
	}
}

// skipTo reads tokens until depth elements are open: the rest of an
// element not read, or whose decoding failed.
func (x *cycloneXML) skipTo(depth int) error {
	for x.toks.depth > depth {
		if _, err := x.toks.Token(); err != nil {
			return err
		}
	}
	return nil
}
