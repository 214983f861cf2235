package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// ReserveAttempt claims the one authentication attempt of account on the
// device at address within window: it returns true and records now as the
// attempt when the account was not tried there within the window, false
// otherwise. The claim is one statement (insert, or update an attempt older
// than the window), made before anything is sent, so two processes checking
// the same device at once cannot both try the account. The account is kept
// as its SHA-256: some vendor defaults use the password as the user name
// (666666/666666), and the store holds no password, even a public one.
func (s *Store) ReserveAttempt(ctx context.Context, device, account string, window time.Duration) (bool, error) {
	if device == "" || account == "" {
		return false, &ValidationError{"attempt", "device and account are required"}
	}
	ok := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.clock()
		var got string
		err := s.txQueryRow(ctx, tx, `INSERT INTO check_attempts (device, account, tried_at) VALUES (?, ?, ?)
			ON CONFLICT (device, account) DO UPDATE SET tried_at = excluded.tried_at
			WHERE check_attempts.tried_at <= ? RETURNING device`,
			s.d.text(device), accountKey(account), s.d.tv(now), s.d.tv(now.Add(-window))).Scan(&got)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil // tried within the window
		case err != nil:
			return err
		}
		ok = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: reserve attempt of %q on %s: %w", account, device, err)
	}
	return ok, nil
}

func accountKey(account string) string {
	h := sha256.Sum256([]byte("covered check attempt\x00" + account))
	return hex.EncodeToString(h[:])
}
