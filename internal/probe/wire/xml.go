package wire

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
)

// XMLDecoder reads any declared charset as bytes: discovery probes only look
// at element structure and ASCII fields, and devices declare charsets
// (GB2312) the standard library does not know.
func XMLDecoder(b []byte) *xml.Decoder {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return dec
}

// CheckXMLDepth scans b's tokens and fails when elements nest deeper than
// max or the XML is broken. encoding/xml gets superlinearly slower on deep
// nesting (about 0.1 s of CPU for one 64 KiB datagram of open tags), so
// replies are checked with this cheap scan before they are decoded.
func CheckXMLDepth(b []byte, max int) error {
	dec := XMLDecoder(b)
	depth := 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > max {
				return fmt.Errorf("elements nested deeper than %d", max)
			}
		case xml.EndElement:
			depth--
		}
	}
}
