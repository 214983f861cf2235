package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a login session. The cookie holds a secret whose hex SHA-256
// is IDHash; CSRF is the token the session's forms must carry.
type Session struct {
	IDHash    string    `json:"-"`
	UserID    int64     `json:"user_id"`
	CSRF      string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	LastSeen  time.Time `json:"last_seen"`
}

// CreateSession stores a new session of an enabled user (ErrNotFound for
// a missing or disabled one). IDHash, CSRF and ExpiresAt are required; a
// zero CreatedAt is the store's clock, a zero LastSeen is CreatedAt. Times
// are kept in UTC to the microsecond. It also deletes sessions that have
// expired, so the table holds live sessions only. Sessions are not
// audited: the server records logins with AuditEvent.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if sess.IDHash == "" || sess.CSRF == "" || sess.ExpiresAt.IsZero() {
			return &ValidationError{"session", "id hash, CSRF token and expiry are required"}
		}
		if err := firstErr(checkSecretText("id_hash", sess.IDHash, maxHashBytes),
			checkSecretText("csrf", sess.CSRF, maxCSRFBytes)); err != nil {
			return err
		}
		now := s.clock()
		if sess.CreatedAt.IsZero() {
			sess.CreatedAt = now
		}
		if sess.LastSeen.IsZero() {
			sess.LastSeen = sess.CreatedAt
		}
		var disabled bool
		err := s.txQueryRow(ctx, tx, `SELECT disabled FROM users WHERE id = ?`, sess.UserID).Scan(&disabled)
		if errors.Is(err, sql.ErrNoRows) || disabled {
			return fmt.Errorf("user %d: %w", sess.UserID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := s.txExec(ctx, tx, `DELETE FROM sessions WHERE expires_at <= ?`, s.d.tv(now)); err != nil {
			return err
		}
		res, err := s.txExec(ctx, tx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at, last_seen)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id_hash) DO NOTHING`, sess.IDHash, sess.UserID, sess.CSRF,
			s.d.tv(sess.CreatedAt), s.d.tv(sess.ExpiresAt), s.d.tv(sess.LastSeen))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrExists
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: create session of user %d: %w", sess.UserID, err)
	}
	return nil
}

// SessionByHash returns a live session and its user. A session that does
// not exist, has expired by the store's clock (WithClock) or belongs to a
// disabled user is ErrNotFound.
func (s *Store) SessionByHash(ctx context.Context, idHash string) (Session, User, error) {
	var sess Session
	var u User
	err := s.queryRow(ctx, `SELECT s.id_hash, s.user_id, s.csrf, s.created_at, s.expires_at,
		s.last_seen, u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = FALSE`, idHash, s.d.tv(s.clock())).Scan(
		&sess.IDHash, &sess.UserID, &sess.CSRF, ts(&sess.CreatedAt), ts(&sess.ExpiresAt), ts(&sess.LastSeen),
		&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, ts(&u.CreatedAt), ts(&u.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		// The hash is not a secret, but it names the session; keep it out
		// of logs all the same.
		return Session{}, User{}, fmt.Errorf("store: session: %w", err)
	}
	return sess, u, nil
}

// TouchSession records activity on a live session and moves its expiry
// (sliding expiration). An expired or missing session is ErrNotFound: it
// cannot be revived. Each call is a write; call it when lastSeen has moved
// enough to matter (a minute), not on every request.
func (s *Store) TouchSession(ctx context.Context, idHash string, lastSeen, expiresAt time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if expiresAt.IsZero() || lastSeen.IsZero() {
			return &ValidationError{"session", "last seen and expiry are required"}
		}
		res, err := s.txExec(ctx, tx, `UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id_hash = ? AND expires_at > ?`,
			s.d.tv(lastSeen), s.d.tv(expiresAt), idHash, s.d.tv(s.clock()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends a session (logout). Deleting one that does not exist
// is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := s.txExec(ctx, tx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user ("log out everywhere")
// and returns how many there were.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := s.txExec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	return n, nil
}
