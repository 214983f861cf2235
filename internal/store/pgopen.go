package store

import (
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPgx returns a *sql.DB over pgx connections made from dsn, through
// pgx's own database/sql adapter. Going through database/sql keeps one code
// path for both backends (queries, transactions, goose migrations); pgx's
// statement cache still prepares each distinct query once per connection,
// and COPY reaches the pgx connection underneath with sql.Conn.Raw.
func openPgx(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return stdlib.OpenDB(*cfg), nil
}
