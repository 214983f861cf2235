package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/asn"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/policy"
	"github.com/schollz/progressbar/v3"
)

// options turns the import flags into the settings formats read: the
// column map and, with --asn-db or --asn-prefixes, a lookup that answers
// for the covered carriers' autonomous systems only. close releases the
// databases.
func (f *importFlags) options(lists *policy.Lists) (opts importer.Options, close func() error, err error) {
	close = func() error { return nil }
	if len(f.columns) > 0 {
		opts.Columns = map[string]string{}
		for _, m := range f.columns {
			field, column, ok := strings.Cut(m, "=")
			field, column = strings.TrimSpace(field), strings.TrimSpace(column)
			if !ok || field == "" || column == "" {
				return opts, close, usageErr("--map %q: want FIELD=COLUMN, e.g. --map serial=\"Serial No\"", m)
			}
			opts.Columns[strings.ToLower(field)] = column
		}
	}
	var dbs []*asn.DB
	closeAll := func() error {
		var first error
		for _, db := range dbs {
			if err := db.Close(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	for _, path := range append(append([]string{}, f.asnDB...), f.asnPrefixes...) {
		db, err := asn.Open(path)
		if err != nil {
			closeAll()
			return opts, close, fmt.Errorf("import: %w", err)
		}
		dbs = append(dbs, db)
	}
	if len(dbs) > 0 {
		opts.Networks = asn.Watch(asn.Merge(dbs...), func(n uint32) (string, bool) {
			c, ok := lists.CompanyByASN(n)
			if !ok {
				return "", false
			}
			return c.Name, true
		})
	}
	return opts, closeAll, nil
}

// progressMin is the file size from which an import shows a progress bar:
// smaller files are read before a bar could say anything.
const progressMin = 16 << 20

// readProgress wraps r with a byte progress bar on a terminal for files of
// at least progressMin bytes, or of unknown size (size < 0, standard input).
func readProgress(stderr io.Writer, quiet bool, name string, size int64, r io.Reader) (io.Reader, func()) {
	if quiet || !output.IsTerminal(stderr) || size >= 0 && size < progressMin {
		return r, func() {}
	}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("importing "+name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	pr := progressbar.NewReader(r, bar)
	return &pr, func() { bar.Finish() }
}
