package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// resolver turns paths written in the config file into absolute ones.
// Relative paths are relative to the config file's directory, not to the
// directory covered runs in, so a config means the same wherever it is used
// from (cron, systemd, a shell in another directory).
type resolver struct {
	// dir is the absolute directory of the config file.
	dir string
	// home returns the user's home directory, for "~"; os.UserHomeDir in
	// Load, a fixed value in tests.
	home func() (string, error)
}

// path expands a leading "~" and makes p absolute. "~user" is refused
// rather than looked up: it needs the user database, and a file really
// named "~user" is rare enough that the error is the kinder guess.
func (r resolver) path(p string) (string, error) {
	if p == "" {
		return "", errors.New("empty path")
	}
	if strings.HasPrefix(p, "~") {
		rest := p[1:]
		if rest != "" && rest[0] != '/' && rest[0] != filepath.Separator {
			return "", fmt.Errorf("%q: only ~ and ~/... are expanded, not ~user; write the full path", p)
		}
		home, err := r.home()
		if err != nil {
			return "", fmt.Errorf("expand %q: %w", p, err)
		}
		return filepath.Join(home, rest), nil
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p), nil
	}
	return filepath.Join(r.dir, p), nil
}

// db checks the store DSN: a postgres:// or postgresql:// URL, kept as
// written, or else a SQLite file path, resolved like any other path.
func (v *validator) db(p *string) {
	if p == nil {
		return
	}
	dsn := *p
	scheme, _, isURL := strings.Cut(dsn, "://")
	if !isURL {
		v.c.DB = v.path("db", dsn)
		return
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
	default:
		v.errorf("db", "unsupported DSN scheme %q: use a SQLite file path or a postgres:// URL", scheme)
		return
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// url.Error quotes the whole DSN; say what is wrong without it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		v.errorf("db", "invalid postgres URL: %v", err)
		return
	}
	// A password here would sit in clear in a file that is copied and
	// shared; libpq and pgx read PGPASSWORD and ~/.pgpass instead.
	if _, ok := u.User.Password(); ok || u.Query().Has("password") {
		v.errorf("db", "the postgres URL contains a password; secrets do not belong in the config file: "+
			"set PGPASSWORD or use a ~/.pgpass file")
		return
	}
	v.c.DB = dsn
}
