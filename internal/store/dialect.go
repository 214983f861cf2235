package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	covered "github.com/coveredtool/covered"
)

// dialect holds every difference between the SQLite and PostgreSQL backends
// that the rest of the package must know about. Queries are written once,
// with "?" placeholders and SQL both engines accept (ON CONFLICT, RETURNING,
// TRUE/FALSE, LIMIT/OFFSET); only what cannot be written portably lives here.
// Keeping it this small is what lets one test suite cover both backends.
type dialect struct {
	name string // "sqlite" or "postgres"
	// maxParams bounds the bind parameters of one statement: SQLite's
	// default SQLITE_MAX_VARIABLE_NUMBER is 32766, PostgreSQL's wire limit
	// is 65535. Multi-row inserts are chunked below the smaller with room.
	maxParams int
}

var (
	sqliteDialect   = &dialect{name: "sqlite", maxParams: 30000}
	postgresDialect = &dialect{name: "postgres", maxParams: 60000}
)

func (d *dialect) postgres() bool { return d.name == "postgres" }

// rebind turns "?" placeholders into PostgreSQL's "$n". No query of this
// package has a literal question mark, so a plain scan is enough.
func (d *dialect) rebind(q string) string {
	if !d.postgres() {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// sqliteTime is the fixed-width UTC text form of times in SQLite. Fixed width
// makes string order equal time order, so range filters and ORDER BY work on
// the column directly.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// tv converts a time for binding. Times are truncated to microseconds on
// both backends (PostgreSQL's resolution), so the same data reads back
// identically whichever store holds it. The zero time binds as NULL.
func (d *dialect) tv(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	if d.postgres() {
		return t
	}
	return formatSQLiteTime(t)
}

// formatSQLiteTime is t.Format(sqliteTime) for a UTC time of years 0-9999,
// written digit by digit: ingest formats several times per row.
func formatSQLiteTime(t time.Time) string {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 || y > 9999 {
		return t.Format(sqliteTime)
	}
	var b [len(sqliteTime)]byte
	put := func(at, n, v int) {
		for i := at + n - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, 4, y)
	b[4] = '-'
	put(5, 2, int(mo))
	b[7] = '-'
	put(8, 2, d)
	b[10] = 'T'
	put(11, 2, h)
	b[13] = ':'
	put(14, 2, mi)
	b[16] = ':'
	put(17, 2, s)
	b[19] = '.'
	put(20, 6, t.Nanosecond()/1000)
	b[26] = 'Z'
	return string(b[:])
}

// greatest and least name the two-argument max/min functions.
func (d *dialect) greatest(a, b string) string {
	if d.postgres() {
		return "GREATEST(" + a + ", " + b + ")"
	}
	return "max(" + a + ", " + b + ")"
}

func (d *dialect) least(a, b string) string {
	if d.postgres() {
		return "LEAST(" + a + ", " + b + ")"
	}
	return "min(" + a + ", " + b + ")"
}

// lockWrites serialises writers. SQLite does it by itself (BEGIN IMMEDIATE
// through _txlock in the DSN); on PostgreSQL several processes (scan agents,
// the server) may write the same schema, and asset matching reads-then-writes
// identifiers, so two ingests must not interleave. A transaction-scoped
// advisory lock keyed by the schema does that without blocking readers.
func (d *dialect) lockWrites(ctx context.Context, tx *sql.Tx) error {
	if !d.postgres() {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext('covered.store:' || current_schema()))")
	return err
}

// timeScan reads a time column whichever way the driver delivers it: time.Time
// from pgx, text from SQLite.
type timeScan struct{ t *time.Time }

func (s timeScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = x.UTC()
	case string:
		return s.parse(x)
	case []byte:
		return s.parse(string(x))
	default:
		return fmt.Errorf("time column holds %T", v)
	}
	return nil
}

func (s timeScan) parse(x string) error {
	t, err := time.Parse(time.RFC3339Nano, x)
	if err != nil {
		return fmt.Errorf("time column: %w", err)
	}
	*s.t = t.UTC()
	return nil
}

// ts wraps a destination for Scan.
func ts(t *time.Time) timeScan { return timeScan{t} }

// nullInt scans a nullable integer into 0 when NULL; ids start at 1, so 0
// is a safe "none".
type nullInt struct{ p *int64 }

func (n nullInt) Scan(v any) error {
	var x sql.NullInt64
	if err := x.Scan(v); err != nil {
		return err
	}
	*n.p = x.Int64
	return nil
}

// ni binds an id that may be absent: 0 binds as NULL.
func ni(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// jsonText scans a JSON column (TEXT in SQLite, JSONB in PostgreSQL) into a
// string.
type jsonText struct{ p *string }

func (j jsonText) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*j.p = ""
	case string:
		*j.p = x
	case []byte:
		*j.p = string(x)
	default:
		return fmt.Errorf("json column holds %T", v)
	}
	return nil
}

// placeholders returns "(?, ?, ...)" with n marks.
func placeholders(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

// inSet prepares a membership test against many values: cond(col) is
// "col IN (?, ...)" for SQLite, and for PostgreSQL "col = ANY(?)" with one
// array parameter, which keeps the statement and its (index) plan
// independent of how many values there are. args are the same for any col.
func inSet[T string | int64](d *dialect, values []T) (cond func(col string) string, args []any) {
	if d.postgres() {
		return func(col string) string { return col + " = ANY(?)" }, []any{values}
	}
	in, args := inList(values)
	return func(col string) string { return col + " IN (" + in + ")" }, args
}

// chunk is how many values one lookup takes: SQLite binds each value, so
// lists are split well below its parameter limit; PostgreSQL takes one array.
func (d *dialect) chunk() int {
	if d.postgres() {
		return 50000
	}
	return 500
}

// inChunks runs fn over values in pieces small enough for one IN (...) list.
func inChunks[T any](values []T, size int, fn func(part []T) error) error {
	for start := 0; start < len(values); start += size {
		if err := fn(values[start:min(start+size, len(values))]); err != nil {
			return err
		}
	}
	return nil
}

// inList returns "?, ?, ..." and the values as arguments.
func inList[T any](values []T) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", "), args
}

// hexValue is the export form of bytes that are not clean text, as in the
// observation contract.
func hexValue(b []byte) string { return "hex:" + hex.EncodeToString(b) }

// text makes a string safe for a TEXT column. PostgreSQL refuses NUL bytes
// and invalid UTF-8 in text, and devices answer with both (binary vendor
// protocol replies, truncated multi-byte names), so for PostgreSQL each NUL
// and each invalid byte sequence becomes U+FFFD. SQLite stores the bytes
// as they are. Observation values are not text: they stay exact bytes on
// both backends, and so do identification bodies (JSON, with \u0000
// escapes, in a json column).
func (d *dialect) text(s string) string {
	if !d.postgres() || (utf8.ValidString(s) && strings.IndexByte(s, 0) < 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// cleanObservations returns obs with every text field made safe by d.text,
// copying the slice only when something changes. Values are left exact.
func (d *dialect) cleanObservations(obs []covered.Observation) []covered.Observation {
	if !d.postgres() {
		return obs
	}
	var out []covered.Observation
	for i, o := range obs {
		c := o
		c.Host, c.Key, c.Transport, c.Path = d.text(o.Host), d.text(o.Key), d.text(o.Transport), d.text(o.Path)
		c.Source, c.IP, c.MAC = d.text(o.Source), d.text(o.IP), d.text(o.MAC)
		if c == o {
			if out != nil {
				out[i] = c
			}
			continue
		}
		if out == nil {
			out = slices.Clone(obs)
		}
		out[i] = c
	}
	if out == nil {
		return obs
	}
	return out
}

// cleanIdentification makes the fields of id that the store keeps in TEXT
// columns safe by d.text. The full identification is kept exactly in its
// body, which is encoded before this.
func (d *dialect) cleanIdentification(id covered.Identification) covered.Identification {
	id.Host, id.Status = d.text(id.Host), covered.Status(d.text(string(id.Status)))
	id.CoveredEntity, id.Manufacturer, id.Brand = d.text(id.CoveredEntity), d.text(id.Manufacturer), d.text(id.Brand)
	id.Model, id.DeviceType = d.text(id.Model), d.text(id.DeviceType)
	id.RulesVersion, id.ListsVersion = d.text(id.RulesVersion), d.text(id.ListsVersion)
	return id
}
