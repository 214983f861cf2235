package importtest

import (
	"bytes"
	"context"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// Fuzz says what FuzzRead holds every format to beyond what it always
// checks.
type Fuzz struct {
	// Src is the Source of every Read; its Name is "fuzz" when empty.
	Src importer.Source
	// PerObs bounds the output by the input: every observation takes more
	// than PerObs bytes, so a read yields at most len(data)/PerObs+1+Slack
	// of them. 0 sets no bound (a compressed format).
	PerObs, Slack int
	// Check returns what is wrong with an observation beyond what FuzzRead
	// always checks, or "".
	Check func(o covered.Observation) string
	// ReadErr reports whether Read may fail with err on data after n
	// observations. When nil, Read must not fail: a bytes.Reader does not,
	// and a bad record is reported, not returned.
	ReadErr func(data []byte, n int, err error) bool
	// LineZero lets a bad record have line 0: a report on a whole document.
	LineZero bool
	// Timed says every observation has a time (Seen).
	Timed bool
}

// FuzzRead is the body of an importer's fuzz target: it runs each of
// formats on data. Detect (on the head a file gives it, and on all of
// data) and Read must not panic, and Read must not fail unless c.ReadErr
// allows it. Every observation carries the format's source
// ("import:"+Name), a host, a key and a value (and a time, with c.Timed)
// and passes c.Check; every bad record carries an error and a line from 1
// (or 0, with c.LineZero); and there are no more observations than
// c.PerObs allows.
func FuzzRead(t *testing.T, data []byte, c Fuzz, formats ...importer.Format) {
	t.Helper()
	src := c.Src
	if src.Name == "" {
		src.Name = "fuzz"
	}
	minLine := 1
	if c.LineZero {
		minLine = 0
	}
	for _, f := range formats {
		f.Detect(Head(data))
		if len(data) > importer.HeadSize {
			f.Detect(data)
		}
		n := 0
		err := f.Read(context.Background(), bytes.NewReader(data), src,
			func(o covered.Observation) error {
				t.Helper()
				n++
				if o.Source != "import:"+f.Name() || o.Host == "" || o.Key == "" || o.Value == "" || (c.Timed && o.Seen.IsZero()) {
					t.Errorf("%s: incomplete observation: %+v", f.Name(), o)
				} else if c.Check != nil {
					if problem := c.Check(o); problem != "" {
						t.Errorf("%s: %s: %+v", f.Name(), problem, o)
					}
				}
				return nil
			},
			func(e *importer.RecordError) {
				t.Helper()
				if e == nil || e.Err == nil || e.Line < minLine {
					t.Errorf("%s: bad record %+v", f.Name(), e)
				}
			})
		if err != nil && (c.ReadErr == nil || !c.ReadErr(data, n, err)) {
			t.Errorf("%s: Read: %v", f.Name(), err)
		}
		if c.PerObs > 0 && n > len(data)/c.PerObs+1+c.Slack {
			t.Errorf("%s: %d observations from %d bytes", f.Name(), n, len(data))
		}
	}
}
