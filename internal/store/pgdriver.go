package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// The PostgreSQL backend reaches pgx through a small database/sql driver of
// its own rather than pgx/v5/stdlib: stdlib pulls in pgxpool and with it a
// module (jackc/puddle) this repository does not carry, and the store needs
// only what is below. Going through database/sql keeps one code path for
// both backends (queries, transactions, goose migrations). pgx's statement
// cache still prepares each distinct query once per connection.

// openPgx returns a *sql.DB over pgx connections made from dsn.
func openPgx(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(pgConnector{cfg}), nil
}

type pgConnector struct{ cfg *pgx.ConnConfig }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, c.cfg.Copy())
	if err != nil {
		return nil, err
	}
	return &pgConn{conn: conn}, nil
}

func (c pgConnector) Driver() driver.Driver { return pgDriver{} }

// pgDriver exists because driver.Connector must name one; connections are
// only ever made through the connector.
type pgDriver struct{}

func (pgDriver) Open(string) (driver.Conn, error) {
	return nil, errors.New("store: pgx driver opens through its connector only")
}

type pgConn struct{ conn *pgx.Conn }

var (
	_ driver.ConnBeginTx        = (*pgConn)(nil)
	_ driver.ExecerContext      = (*pgConn)(nil)
	_ driver.QueryerContext     = (*pgConn)(nil)
	_ driver.NamedValueChecker  = (*pgConn)(nil)
	_ driver.Pinger             = (*pgConn)(nil)
	_ driver.SessionResetter    = (*pgConn)(nil)
	_ driver.Validator          = (*pgConn)(nil)
	_ driver.ConnPrepareContext = (*pgConn)(nil)
)

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext returns a statement that runs through the connection's
// statement cache; database/sql only calls it for explicit Prepare.
func (c *pgConn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	return &pgStmt{c: c, query: query}, nil
}

func (c *pgConn) Close() error { return c.conn.Close(context.Background()) }

func (c *pgConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	q := "BEGIN"
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault:
	case sql.LevelReadCommitted:
		q += " ISOLATION LEVEL READ COMMITTED"
	case sql.LevelRepeatableRead, sql.LevelSnapshot:
		q += " ISOLATION LEVEL REPEATABLE READ"
	case sql.LevelSerializable:
		q += " ISOLATION LEVEL SERIALIZABLE"
	default:
		return nil, fmt.Errorf("isolation level %d is not supported", opts.Isolation)
	}
	if opts.ReadOnly {
		q += " READ ONLY"
	}
	if _, err := c.conn.Exec(ctx, q); err != nil {
		return nil, err
	}
	return pgTx{c}, nil
}

func (c *pgConn) CheckNamedValue(*driver.NamedValue) error { return nil } // pgx encodes Go values itself

func (c *pgConn) Ping(ctx context.Context) error { return c.conn.Ping(ctx) }

func (c *pgConn) ResetSession(context.Context) error {
	if c.conn.IsClosed() {
		return driver.ErrBadConn
	}
	return nil
}

func (c *pgConn) IsValid() bool { return !c.conn.IsClosed() }

func args(named []driver.NamedValue) []any {
	out := make([]any, len(named))
	for i, n := range named {
		out[i] = n.Value
	}
	return out
}

func (c *pgConn) ExecContext(ctx context.Context, query string, named []driver.NamedValue) (driver.Result, error) {
	tag, err := c.conn.Exec(ctx, query, args(named)...)
	if err != nil {
		return nil, err
	}
	return pgResult(tag), nil
}

func (c *pgConn) QueryContext(ctx context.Context, query string, named []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.conn.Query(ctx, query, args(named)...)
	if err != nil {
		return nil, err
	}
	return &pgRows{rows: rows, m: c.conn.TypeMap()}, nil
}

type pgTx struct{ c *pgConn }

func (t pgTx) Commit() error {
	_, err := t.c.conn.Exec(context.Background(), "COMMIT")
	return err
}

func (t pgTx) Rollback() error {
	if t.c.conn.IsClosed() {
		return nil
	}
	_, err := t.c.conn.Exec(context.Background(), "ROLLBACK")
	return err
}

type pgResult pgconn.CommandTag

func (r pgResult) LastInsertId() (int64, error) {
	return 0, errors.New("LastInsertId is not supported by PostgreSQL; use RETURNING")
}

func (r pgResult) RowsAffected() (int64, error) { return pgconn.CommandTag(r).RowsAffected(), nil }

type pgStmt struct {
	c     *pgConn
	query string
}

func (s *pgStmt) Close() error  { return nil }
func (s *pgStmt) NumInput() int { return -1 }
func (s *pgStmt) Exec(a []driver.Value) (driver.Result, error) {
	return s.c.ExecContext(context.Background(), s.query, toNamed(a))
}
func (s *pgStmt) Query(a []driver.Value) (driver.Rows, error) {
	return s.c.QueryContext(context.Background(), s.query, toNamed(a))
}

func toNamed(a []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(a))
	for i, v := range a {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// pgRows decodes each column into the plain Go types database/sql scans
// from: int64, float64, bool, string, []byte, time.Time. JSON comes back as
// its text, which is what the store keeps in Go.
type pgRows struct {
	rows pgx.Rows
	m    *pgtype.Map
	cols []string
}

func (r *pgRows) Columns() []string {
	if r.cols == nil {
		for _, f := range r.rows.FieldDescriptions() {
			r.cols = append(r.cols, f.Name)
		}
	}
	return r.cols
}

func (r *pgRows) Close() error {
	r.rows.Close()
	return r.rows.Err()
}

func (r *pgRows) Next(dest []driver.Value) error {
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	fields := r.rows.FieldDescriptions()
	for i, raw := range r.rows.RawValues() {
		if raw == nil {
			dest[i] = nil
			continue
		}
		f := fields[i]
		var err error
		switch f.DataTypeOID {
		case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.OIDOID:
			var v int64
			err = r.m.Scan(f.DataTypeOID, f.Format, raw, &v)
			dest[i] = v
		case pgtype.Float4OID, pgtype.Float8OID:
			var v float64
			err = r.m.Scan(f.DataTypeOID, f.Format, raw, &v)
			dest[i] = v
		case pgtype.BoolOID:
			var v bool
			err = r.m.Scan(f.DataTypeOID, f.Format, raw, &v)
			dest[i] = v
		case pgtype.ByteaOID:
			var v []byte
			err = r.m.Scan(f.DataTypeOID, f.Format, raw, &v)
			dest[i] = v
		case pgtype.TimestamptzOID, pgtype.TimestampOID, pgtype.DateOID:
			var v pgtype.Timestamptz
			if f.DataTypeOID == pgtype.TimestamptzOID {
				err = r.m.Scan(f.DataTypeOID, f.Format, raw, &v)
				dest[i] = v.Time
				break
			}
			var any any
			err = r.m.Scan(f.DataTypeOID, f.Format, raw, &any)
			dest[i] = any
		case pgtype.JSONBOID, pgtype.JSONOID:
			var v string
			err = r.m.Scan(f.DataTypeOID, f.Format, raw, &v)
			dest[i] = v
		default:
			if f.Format == pgtype.TextFormatCode {
				dest[i] = strings.Clone(string(raw))
				continue
			}
			var v string
			if err = r.m.Scan(f.DataTypeOID, f.Format, raw, &v); err != nil {
				var any any
				err = r.m.Scan(f.DataTypeOID, f.Format, raw, &any)
				dest[i] = any
			} else {
				dest[i] = v
			}
		}
		if err != nil {
			return fmt.Errorf("column %s: %w", f.Name, err)
		}
	}
	return nil
}
