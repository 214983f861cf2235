// Package observations imports covered's own observation files (JSON Lines,
// the DESIGN observation contract): what `covered scan --observations`
// writes, and what other tools can produce to feed covered directly.
package observations

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/obsfile"
)

func init() { importer.Register(format{}) }

type format struct{}

func (format) Name() string { return "observations" }

func (format) Description() string {
	return "covered observations, JSON Lines (covered scan --observations, or any tool that writes the contract)"
}

func (format) Example() string {
	return `{"host":"10.1.2.3","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5","port":22,"transport":"tcp","source":"scan"}`
}

// Detect claims files whose first non-blank line is a JSON object with the
// contract's "host", "key" and "value" fields, and not an identification
// (which names keys inside its "evidence").
func (format) Detect(head []byte) bool {
	line, _, _ := bytes.Cut(bytes.TrimLeft(head, " \t\r\n"), []byte("\n"))
	has := func(s string) bool { return bytes.Contains(line, []byte(s)) }
	return bytes.HasPrefix(line, []byte("{")) && has(`"host"`) && has(`"key"`) && has(`"value"`) && !has(`"evidence"`)
}

// Read streams the file's observations. Records keep their own source when
// they name one; the others get "import:observations". A record without a
// time takes src.Seen.
func (f format) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	rd := obsfile.NewReader(r, src.Name)
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		o, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var le *obsfile.LineError
		if errors.As(err, &le) {
			bad(&importer.RecordError{File: le.File, Line: le.Line, Err: le.Err})
			continue
		}
		if err != nil {
			return err
		}
		if o.Source == "" {
			o.Source = "import:" + f.Name()
		}
		if o.Seen.IsZero() {
			o.Seen = src.Seen
		}
		if err := emit(o); err != nil {
			return err
		}
	}
}
