// Package store is the last stage of the pipeline: the inventory record. It
// keeps runs, the append-only observations they produced, the assets
// (devices) those observations were matched to across runs and address
// churn, identifications and the findings derived from them, the remediation
// of every finding, and an audit log of every user change.
//
// Two backends sit behind one API: embedded SQLite (one file, the default
// for a single machine) and PostgreSQL (a shared store for several scan
// agents). Open picks the backend from the DSN and migrates the schema.
// Everything a compliance officer signs on is explainable from the tables:
// why two hosts are one asset (asset links and merges), which observations
// made an identification, and who changed a finding's remediation, when,
// from what to what.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

//go:embed migrations
var migrations embed.FS

// Backend names returned by Store.Backend.
const (
	BackendSQLite   = "sqlite"
	BackendPostgres = "postgres"
)

// ErrNotFound is returned (wrapped) when a run, asset or finding id does not
// exist.
var ErrNotFound = errors.New("not found")

// Store is an open inventory. It is safe for concurrent use: writes are
// serialised (one SQLite connection; a PostgreSQL advisory lock), reads run
// on their own pool so a report or the dashboard never waits for a scan.
type Store struct {
	d *dialect
	// w is the write pool. For SQLite it has exactly one connection, so
	// transactions queue in Go instead of spinning on SQLITE_BUSY.
	w *sql.DB
	// r is the read pool. For SQLite it is a separate set of query_only
	// connections to the same WAL file, which read the last committed state
	// while a write transaction is open. For PostgreSQL it is w.
	r *sql.DB
	// now is the clock (WithClock).
	now func() time.Time

	// colMu guards colTypes, the PostgreSQL column types of each table
	// that bulk inserts cast their arrays to.
	colMu    sync.Mutex
	colTypes map[string]map[string]string
	// txMu guards txs, the state of each open write transaction.
	txMu sync.Mutex
	txs  map[*sql.Tx]*txState
	// stmtMu guards stmts, the bulk inserts prepared on the SQLite write
	// pool by shape (insertStmt).
	stmtMu sync.Mutex
	stmts  map[stmtKey]*sql.Stmt
	// readMu guards reads, the prepared reads of the read pool (readStmt).
	readMu sync.Mutex
	reads  map[string]*sql.Stmt
	// searchIndex says the schema has the substring search index (migration
	// 8: SQLite's FTS5 table; PostgreSQL's trigram index, which a role that
	// may not install pg_trgm goes without). Set by Open.
	searchIndex bool
}

// Open opens (creating when needed) the store named by dsn and migrates its
// schema to the current version. A dsn starting with postgres:// or
// postgresql:// is PostgreSQL; anything else is a SQLite file path, whose
// parent directories are created.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	return open(ctx, dsn, 0, opts...)
}

// Option configures a store at Open.
type Option func(*Store)

// WithClock makes the store take the times it stamps by itself (run
// starts left zero, run ends, identifications, findings, remediation
// changes, the audit log) from now instead of the system clock, so that a
// fixture or test builds the same store every time. now is called once
// per stamp; the store keeps its result in UTC at microsecond resolution.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// open migrates to version, or to the latest when version is 0; tests use
// an older version to check upgrades.
func open(ctx context.Context, dsn string, version int64, opts ...Option) (*Store, error) {
	s := &Store{now: time.Now, txs: map[*sql.Tx]*txState{}}
	for _, o := range opts {
		o(s)
	}
	var err error
	if isPostgres(dsn) {
		err = s.openPostgres(dsn)
	} else {
		err = s.openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx, version); err != nil {
		s.Close()
		return nil, err
	}
	if s.searchIndex, err = s.hasSearchIndex(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func (s *Store) openSQLite(path string) error {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return fmt.Errorf("store: open sqlite %q: want a file path (the store needs a file for its separate read pool)", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("store: open sqlite %q: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return fmt.Errorf("store: open sqlite %q: %w", path, err)
	}
	// WAL lets readers work during a write transaction. synchronous=NORMAL
	// in WAL mode keeps every commit across a crash or kill of the process
	// (the kill test checks it) and never corrupts the file; only a power
	// loss can drop the last commits, which leaves that run "running" with
	// fewer batches, never a partial batch. FULL would add an fsync per
	// commit for that case. busy_timeout covers another process holding the
	// write lock; foreign keys are off by default in SQLite; the page cache
	// is sized for bulk ingest into a large inventory.
	u := url.URL{Scheme: "file", Path: abs}
	common := "_pragma=busy_timeout(15000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=cache_size(-131072)&_pragma=temp_store(MEMORY)"
	w, err := sql.Open("sqlite", u.String()+"?"+common+"&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("store: open sqlite %q: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", u.String()+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return fmt.Errorf("store: open sqlite %q: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s.d, s.w, s.r = sqliteDialect, w, r
	return nil
}

func (s *Store) openPostgres(dsn string) error {
	db, err := openPgx(dsn)
	if err != nil {
		return fmt.Errorf("store: open postgres: %w", err)
	}
	db.SetMaxOpenConns(8)
	s.d, s.w, s.r = postgresDialect, db, db
	return nil
}

// migrate applies the embedded migrations of the backend's dialect. Each
// migration runs in its own transaction, so a crash mid-upgrade leaves the
// previous version intact and the next Open finishes the job.
func (s *Store) migrate(ctx context.Context, version int64) error {
	sub, err := fs.Sub(migrations, "migrations/"+s.d.name)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	goDialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.d.postgres() {
		goDialect = goose.DialectPostgres
		// Two processes opening a fresh database at once must not both
		// run the migrations.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(goDialect, s.w, sub, opts...)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if version == 0 {
		_, err = p.Up(ctx)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	if err != nil {
		return fmt.Errorf("store: migrate %s schema: %w", s.d.name, err)
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
	if s.d == sqliteDialect && s.w != nil {
		// Keep the query planner's statistics current, as SQLite advises
		// for long-lived databases; cheap when nothing changed.
		_, err := s.w.Exec("PRAGMA optimize")
		errs = append(errs, err)
	}
	s.stmtMu.Lock()
	for _, stmt := range s.stmts {
		errs = append(errs, stmt.Close())
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	s.readMu.Lock()
	for _, stmt := range s.reads {
		errs = append(errs, stmt.Close())
	}
	s.reads = nil
	s.readMu.Unlock()
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// Backend reports "sqlite" or "postgres", for status output and for the few
// callers that need to say where data lives.
func (s *Store) Backend() string { return s.d.name }

// write runs fn in one write transaction and commits it, or rolls it back
// when fn fails. All changes of the package go through here, so every
// public write is atomic and serialised.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	// The transaction runs on a dedicated connection so that bulk copies
	// (PostgreSQL COPY) can reach the driver connection inside it.
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	s.txMu.Lock()
	st := &txState{conn: conn, stmts: map[stmtKey]*sql.Stmt{}}
	s.txs[tx] = st
	s.txMu.Unlock()
	defer func() {
		// The transaction's end closes its statements; drop the state.
		s.txMu.Lock()
		delete(s.txs, tx)
		s.txMu.Unlock()
	}()
	err = s.writeTx(ctx, tx, fn)
	// The connection goes back to the pool before the transaction's own
	// statements are prepared there for the next ones.
	conn.Close()
	if err == nil && len(st.unshared) > 0 {
		s.shareStmts(ctx, st.unshared)
	}
	return err
}

func (s *Store) writeTx(ctx context.Context, tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	if err := s.d.lockWrites(ctx, tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// txState is what the store keeps per open write transaction.
type txState struct {
	conn     *sql.Conn             // the connection the transaction runs on
	stmts    map[stmtKey]*sql.Stmt // bulk inserts usable in the transaction, by shape (SQLite)
	unshared []unsharedStmt        // of those, the ones prepared in the transaction only
}

func (s *Store) txState(tx *sql.Tx) *txState {
	s.txMu.Lock()
	defer s.txMu.Unlock()
	return s.txs[tx]
}

// query runs a read on the read pool with rebinding.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.readStmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, s.d.rebind(q), args...)
}

// list runs a read and scans every row with scan; errors name the store
// operation what.
func list[T any](ctx context.Context, s *Store, what string, scan func(interface{ Scan(...any) error }) (T, error), q string, args ...any) ([]T, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// queryRow runs a one-row read on the read pool with rebinding.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.readStmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, s.d.rebind(q), args...)
}

// maxReadStmts bounds the prepared read statements kept; the queries the
// store builds from filters come in a few hundred shapes at most.
const maxReadStmts = 512

// forgetReads closes the prepared reads. Migrations run before any read in
// Open; a test that migrates a live store calls this, as a schema change
// under a prepared statement is more than the SQLite driver survives.
func (s *Store) forgetReads() {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	for _, st := range s.reads {
		st.Close()
	}
	s.reads = nil
}

// readStmt returns the prepared statement of a read on SQLite, preparing it
// once: compiling a statement costs as much as running a small one, and the
// dashboard and API run the same few reads over and over. PostgreSQL's
// driver caches statements per connection itself. Nil means "run it
// unprepared" (PostgreSQL, a full cache, or a failed prepare, whose error
// the unprepared run reports).
func (s *Store) readStmt(ctx context.Context, q string) *sql.Stmt {
	if s.d.postgres() {
		return nil
	}
	s.readMu.Lock()
	defer s.readMu.Unlock()
	if st, ok := s.reads[q]; ok {
		return st
	}
	if len(s.reads) >= maxReadStmts {
		return nil
	}
	st, err := s.r.PrepareContext(context.WithoutCancel(ctx), s.d.rebind(q))
	if err != nil {
		return nil
	}
	if s.reads == nil {
		s.reads = map[string]*sql.Stmt{}
	}
	s.reads[q] = st
	return st
}

// txExec and txQuery rebind and run inside a transaction.
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	return tx.ExecContext(ctx, s.d.rebind(q), args...)
}

func (s *Store) txQuery(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	return tx.QueryContext(ctx, s.d.rebind(q), args...)
}

func (s *Store) txQueryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	return tx.QueryRowContext(ctx, s.d.rebind(q), args...)
}

// clock is the store's "now": UTC at microsecond resolution, the
// resolution both backends keep, so a time returned by a write equals the
// time read back later.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
