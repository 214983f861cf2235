package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// insertRows writes rows in bulk. head is "INSERT INTO table (col, ...)";
// suffix follows the rows (ON CONFLICT ..., RETURNING ...); when scan is
// set it receives every returned row.
//
// SQLite gets multi-row VALUES statements, as many rows as the parameter
// limit allows. PostgreSQL gets one array parameter per column and
// INSERT ... SELECT FROM unnest(...): a handful of parameters however many
// rows, so the server neither parses nor plans a statement with tens of
// thousands of placeholders. Either way a batch is a few round trips, not
// one per row.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, head string, ncol int, rows [][]any, suffix string, scan func(*sql.Rows) error) error {
	if len(rows) == 0 {
		return nil
	}
	for _, r := range rows {
		if len(r) != ncol {
			return fmt.Errorf("insert row has %d values, want %d", len(r), ncol)
		}
	}
	if s.d.postgres() && suffix == "" && scan == nil {
		return s.copyRows(ctx, tx, head, ncol, rows)
	}
	if s.d.postgres() {
		q, args, err := s.unnestInsert(ctx, tx, head, ncol, rows)
		if err != nil {
			return err
		}
		if suffix != "" {
			q += " " + suffix
		}
		return runInsert(ctx, tx, s.d.rebind(q), args, scan)
	}
	// SQLite: statements of a fixed number of rows (128, and powers of
	// two below it for the remainder, so a remainder takes at most seven
	// statements rather than one per row), prepared once per store and
	// reused for every chunk of every batch.
	per := min(s.d.maxParams/ncol, 128)
	args := make([]any, 0, per*ncol)
	for start := 0; start < len(rows); {
		n := per
		for n > len(rows)-start {
			n /= 2
		}
		stmt, err := s.insertStmt(ctx, tx, head, ncol, n, suffix)
		if err != nil {
			return err
		}
		args = args[:0]
		for _, r := range rows[start : start+n] {
			args = append(args, r...)
		}
		if err := runStmt(ctx, stmt, args, scan); err != nil {
			return err
		}
		start += n
	}
	return nil
}

// insertStmt returns the multi-row insert of n rows for use in tx.
//
// Parsing a statement of a thousand parameters costs more than running
// it, so each shape is prepared once per store: the SQLite write pool has
// one connection, so a statement prepared on the pool (after the first
// transaction that needed it, since that transaction holds the connection)
// is already prepared on the connection every later transaction runs on,
// and Tx.Stmt reuses it as it is.
func (s *Store) insertStmt(ctx context.Context, tx *sql.Tx, head string, ncol, n int, suffix string) (*sql.Stmt, error) {
	key := stmtKey{head, n, suffix}
	st := s.txState(tx)
	if st == nil {
		return nil, fmt.Errorf("insert outside a store write transaction")
	}
	if stmt, ok := st.stmts[key]; ok {
		return stmt, nil
	}
	s.stmtMu.Lock()
	shared := s.stmts[key]
	s.stmtMu.Unlock()
	if shared != nil {
		stmt := tx.StmtContext(ctx, shared)
		st.stmts[key] = stmt
		return stmt, nil
	}
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(" VALUES ")
	ph := placeholders(ncol)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ph)
	}
	if suffix != "" {
		b.WriteByte(' ')
		b.WriteString(suffix)
	}
	stmt, err := tx.PrepareContext(ctx, b.String())
	if err != nil {
		return nil, err
	}
	st.stmts[key] = stmt
	st.unshared = append(st.unshared, unsharedStmt{key, b.String()})
	return stmt, nil
}

// stmtKey is the shape of a multi-row insert.
type stmtKey struct {
	head string
	rows int
	tail string
}

// unsharedStmt is a shape a transaction prepared for itself, to prepare on
// the pool when the transaction is over.
type unsharedStmt struct {
	key   stmtKey
	query string
}

// shareStmts prepares on the write pool the shapes a finished transaction
// prepared for itself, so that later transactions reuse them. A failure
// only means the next transaction prepares the shape again.
func (s *Store) shareStmts(ctx context.Context, shapes []unsharedStmt) {
	for _, u := range shapes {
		s.stmtMu.Lock()
		_, ok := s.stmts[u.key]
		s.stmtMu.Unlock()
		if ok {
			continue
		}
		stmt, err := s.w.PrepareContext(ctx, u.query)
		if err != nil {
			continue
		}
		s.stmtMu.Lock()
		if s.stmts == nil {
			s.stmts = map[stmtKey]*sql.Stmt{}
		}
		if _, ok := s.stmts[u.key]; ok {
			stmt.Close()
		} else {
			s.stmts[u.key] = stmt
		}
		s.stmtMu.Unlock()
	}
}

func runStmt(ctx context.Context, st *sql.Stmt, args []any, scan func(*sql.Rows) error) error {
	if scan == nil {
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	rs, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	for rs.Next() {
		if err := scan(rs); err != nil {
			rs.Close()
			return err
		}
	}
	return closeRows(rs)
}

func runInsert(ctx context.Context, tx *sql.Tx, q string, args []any, scan func(*sql.Rows) error) error {
	if scan == nil {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	rs, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	for rs.Next() {
		if err := scan(rs); err != nil {
			rs.Close()
			return err
		}
	}
	return closeRows(rs)
}

// copyRows writes plain appends (no ON CONFLICT, no RETURNING) with
// PostgreSQL COPY, inside the store's transaction: the fastest way in, and
// what observations, identifications and history rows are.
func (s *Store) copyRows(ctx context.Context, tx *sql.Tx, head string, ncol int, rows [][]any) error {
	table, cols, err := parseInsertHead(head, ncol)
	if err != nil {
		return err
	}
	st := s.txState(tx)
	if st == nil {
		return fmt.Errorf("insert outside a store write transaction")
	}
	return st.conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs the store's PostgreSQL connection, not %T", dc)
		}
		n, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		if err == nil && n != int64(len(rows)) {
			err = fmt.Errorf("COPY into %s wrote %d of %d rows", table, n, len(rows))
		}
		return err
	})
}

func parseInsertHead(head string, ncol int) (table string, cols []string, err error) {
	m := insertHead.FindStringSubmatch(head)
	if m == nil {
		return "", nil, fmt.Errorf("insert head %q is not INSERT INTO table (columns)", head)
	}
	for _, c := range strings.Split(m[2], ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	if len(cols) != ncol {
		return "", nil, fmt.Errorf("insert into %s names %d columns, want %d", m[1], len(cols), ncol)
	}
	return m[1], cols, nil
}

var insertHead = regexp.MustCompile(`^\s*INSERT INTO (\w+) \(([^)]*)\)\s*$`)

// unnestInsert turns rows into one typed array per column. The element
// types come from the catalog (cached per table), so NULLs and empty
// batches of a column need no guessing from Go values.
func (s *Store) unnestInsert(ctx context.Context, tx *sql.Tx, head string, ncol int, rows [][]any) (string, []any, error) {
	table, cols, err := parseInsertHead(head, ncol)
	if err != nil {
		return "", nil, err
	}
	types, err := s.columnTypes(ctx, tx, table)
	if err != nil {
		return "", nil, err
	}
	args := make([]any, ncol)
	casts := make([]string, ncol)
	for i, c := range cols {
		udt, ok := types[c]
		if !ok {
			return "", nil, fmt.Errorf("table %s has no column %s", table, c)
		}
		if args[i], err = columnArray(udt, rows, i); err != nil {
			return "", nil, fmt.Errorf("column %s.%s: %w", table, c, err)
		}
		casts[i] = "?::" + udt + "[]"
	}
	return head + " SELECT * FROM unnest(" + strings.Join(casts, ", ") + ")", args, nil
}

// columnTypes returns column name -> PostgreSQL type name (udt_name) of a
// table in the current schema.
func (s *Store) columnTypes(ctx context.Context, tx *sql.Tx, table string) (map[string]string, error) {
	s.colMu.Lock()
	defer s.colMu.Unlock()
	if t, ok := s.colTypes[table]; ok {
		return t, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT column_name, udt_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return nil, err
	}
	t := map[string]string{}
	for rows.Next() {
		var c, u string
		if err := rows.Scan(&c, &u); err != nil {
			rows.Close()
			return nil, err
		}
		t[c] = u
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}
	if len(t) == 0 {
		return nil, fmt.Errorf("table %s not found in the current schema", table)
	}
	if s.colTypes == nil {
		s.colTypes = map[string]map[string]string{}
	}
	s.colTypes[table] = t
	return t, nil
}

// columnArray collects column i of rows into a slice pgx encodes as an
// array of udt; nil values become NULL elements.
func columnArray(udt string, rows [][]any, i int) (any, error) {
	switch udt {
	case "int8", "int4", "int2":
		out := make([]*int64, len(rows))
		for r, row := range rows {
			switch v := row[i].(type) {
			case nil:
			case int64:
				out[r] = &v
			case int:
				n := int64(v)
				out[r] = &n
			default:
				return nil, fmt.Errorf("%T for %s", v, udt)
			}
		}
		return out, nil
	case "float8", "float4":
		out := make([]*float64, len(rows))
		for r, row := range rows {
			switch v := row[i].(type) {
			case nil:
			case float64:
				out[r] = &v
			default:
				return nil, fmt.Errorf("%T for %s", v, udt)
			}
		}
		return out, nil
	case "bool":
		out := make([]*bool, len(rows))
		for r, row := range rows {
			switch v := row[i].(type) {
			case nil:
			case bool:
				out[r] = &v
			default:
				return nil, fmt.Errorf("%T for %s", v, udt)
			}
		}
		return out, nil
	case "bytea":
		out := make([][]byte, len(rows))
		for r, row := range rows {
			switch v := row[i].(type) {
			case nil:
			case []byte:
				if v == nil {
					v = []byte{}
				}
				out[r] = v
			default:
				return nil, fmt.Errorf("%T for %s", v, udt)
			}
		}
		return out, nil
	case "timestamptz", "timestamp":
		out := make([]*time.Time, len(rows))
		for r, row := range rows {
			switch v := row[i].(type) {
			case nil:
			case time.Time:
				out[r] = &v
			default:
				return nil, fmt.Errorf("%T for %s", v, udt)
			}
		}
		return out, nil
	case "text", "varchar", "jsonb", "json":
		out := make([]*string, len(rows))
		for r, row := range rows {
			switch v := row[i].(type) {
			case nil:
			case string:
				out[r] = &v
			default:
				return nil, fmt.Errorf("%T for %s", v, udt)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("no array encoding for type %s", udt)
}
