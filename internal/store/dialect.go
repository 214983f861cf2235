package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
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
	return t.Format(sqliteTime)
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
