package obsfile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/coveredtool/covered"
)

// Writer writes observations as JSON Lines. It is not safe for concurrent use.
type Writer struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

// NewWriter writes to w; call Flush at the end. HTML characters are not
// escaped: values are banners and bodies that people read.
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &Writer{bw: bw, enc: enc}
}

// Write writes one observation on one line.
func (w *Writer) Write(o covered.Observation) error {
	o.Value = EncodeValue(o.Value)
	if err := w.enc.Encode(o); err != nil {
		return fmt.Errorf("write observation of %s: %w", o.Host, err)
	}
	return nil
}

// Flush writes buffered lines to the underlying writer.
func (w *Writer) Flush() error { return w.bw.Flush() }
