package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Accounts of `covered serve`: users here, sessions in sessions.go, API
// tokens in tokens.go, allowed ranges and settings in settings.go. The
// store keeps no secret: a user has an argon2id PHC string, a session or
// token the hex SHA-256 of what the client holds (internal/auth makes
// both). Every change except a session's writes an audit entry in its own
// transaction; the entry never holds a hash.

// ErrExists is returned (wrapped) when a user name (compared without case),
// session or token hash is already taken.
var ErrExists = errors.New("already exists")

// ErrLastAdmin is returned (wrapped) by UpdateUser when the change would
// leave no enabled admin, which would lock everybody out of user management.
var ErrLastAdmin = errors.New("would leave no enabled admin")

// Roles, weakest first. The store keeps them as text and checks them; what
// each may do is internal/auth's business.
var roles = []string{"viewer", "operator", "admin"}

func checkRole(role string) error {
	for _, r := range roles {
		if role == r {
			return nil
		}
	}
	return &ValidationError{"role", fmt.Sprintf("unknown role %q: want viewer, operator or admin", role)}
}

// Limits on account fields.
const (
	maxUserName  = 64   // bytes; ASCII only
	maxHashBytes = 1024 // a PHC string or hex digest is far shorter
	maxCSRFBytes = 256
)

// checkUserName accepts 1 to 64 ASCII letters, digits and . _ - @ +,
// starting with a letter or digit: enough for logins and e-mail addresses,
// with no look-alike Unicode names and one case folding on both backends.
func checkUserName(name string) error {
	if name == "" {
		return &ValidationError{"name", "a user name is required"}
	}
	if len(name) > maxUserName {
		return &ValidationError{"name", fmt.Sprintf("user name is %d bytes long, the limit is %d", len(name), maxUserName)}
	}
	for i, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !ok && (i == 0 || !strings.ContainsRune("._-@+", rune(c))) {
			return &ValidationError{"name", fmt.Sprintf("user name %q: use letters, digits and . _ - @ + (starting with a letter or digit)", name)}
		}
	}
	return nil
}

// checkSecretText accepts a stored hash or token: bounded, valid UTF-8, no
// NUL (PostgreSQL text refuses it).
func checkSecretText(field, v string, limit int) error {
	if len(v) > limit {
		return &ValidationError{field, fmt.Sprintf("%d bytes long, the limit is %d", len(v), limit)}
	}
	if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
		return &ValidationError{field, "not valid text"}
	}
	return nil
}

// firstErr returns the first non-nil error: a form shows one problem at a
// time.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func checkActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return &ValidationError{"actor", "who makes the change is required"}
	}
	return nil
}

// User is an account of the dashboard and API.
type User struct {
	ID   int64  `json:"id"`
	Name string `json:"name"` // unique without regard to case; ASCII
	Role string `json:"role"` // viewer, operator or admin
	// PasswordHash is the argon2id PHC string; empty when no password is
	// set, and then the user cannot log in. Never serialised.
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"` // a disabled user has no sessions and cannot log in
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

const userCols = `id, name, role, password_hash, disabled, created_at, updated_at`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	err := sc.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, ts(&u.CreatedAt), ts(&u.UpdatedAt))
	return u, err
}

// CreateUser adds a user. The name must be free regardless of case
// (ErrExists), the role one of viewer, operator and admin; passwordHash is
// what auth.HashPassword returned, or empty for a user who cannot log in
// yet. The audit entry (user.create) records the name and role.
func (s *Store) CreateUser(ctx context.Context, name, role, passwordHash, actor string) (User, error) {
	var u User
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		u, err = s.txCreateUser(ctx, tx, name, role, passwordHash, actor)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("store: create user %q: %w", name, err)
	}
	return u, nil
}

// CreateFirstAdmin creates the first administrator in exchange for the
// one-time setup setting: in one transaction it deletes the setting key if
// it still holds value (ErrNotFound otherwise: used or replaced), refuses if
// any user exists (ErrExists), and creates the user. Two requests racing
// with one setup link create one administrator: the second finds the
// setting gone (on PostgreSQL its DELETE waits for the first to commit).
func (s *Store) CreateFirstAdmin(ctx context.Context, key, value, name, passwordHash string) (User, error) {
	var u User
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := s.txExec(ctx, tx, `DELETE FROM settings WHERE key = ? AND value = ?`, key, value)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(ErrNotFound, err)
		}
		var users int
		if err := s.txQueryRow(ctx, tx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return ErrExists
		}
		if u, err = s.txCreateUser(ctx, tx, name, "admin", passwordHash, name); err != nil {
			return err
		}
		return s.audit(ctx, tx, s.clock(), name, "setting.delete", "setting", 0, map[string]any{"key": key})
	})
	if err != nil {
		return User{}, fmt.Errorf("store: create first administrator %q: %w", name, err)
	}
	return u, nil
}

func (s *Store) txCreateUser(ctx context.Context, tx *sql.Tx, name, role, passwordHash, actor string) (User, error) {
	if err := firstErr(checkActor(actor), checkUserName(name), checkRole(role),
		checkSecretText("password_hash", passwordHash, maxHashBytes)); err != nil {
		return User{}, err
	}
	var n int
	if err := s.txQueryRow(ctx, tx, `SELECT count(*) FROM users WHERE lower(name) = ?`, strings.ToLower(name)).Scan(&n); err != nil {
		return User{}, err
	}
	if n > 0 {
		return User{}, ErrExists
	}
	now := s.clock()
	var id int64
	if err := s.txQueryRow(ctx, tx, `INSERT INTO users (name, role, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, FALSE, ?, ?) RETURNING id`, name, role, passwordHash, s.d.tv(now), s.d.tv(now)).Scan(&id); err != nil {
		return User{}, err
	}
	u := User{ID: id, Name: name, Role: role, PasswordHash: passwordHash, CreatedAt: now, UpdatedAt: now}
	return u, s.audit(ctx, tx, now, actor, "user.create", "user", u.ID, map[string]any{
		"name": name, "role": role, "password_set": passwordHash != ""})
}

// User returns one user, disabled or not.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UserByName returns the user whose name equals name without regard to
// case, disabled or not.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE lower(name) = ?`,
		strings.ToLower(name)))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user %q: %w", name, err)
	}
	return u, nil
}

// Users lists every user, disabled ones too, by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	return list(ctx, s, "users", scanUser, `SELECT `+userCols+` FROM users ORDER BY lower(name), id`)
}

// CountUsers counts users, disabled ones too: zero means the server runs
// for the first time and must create its admin.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// UserChange is an edit of a user; nil fields are left as they are.
type UserChange struct {
	Role *string
	// PasswordHash replaces the password (auth.HashPassword's result); an
	// empty string removes it, so the user cannot log in.
	PasswordHash *string
	Disabled     *bool
}

// UpdateUser applies c to a user and returns the result. Changing the
// password or disabling the user ends all of the user's sessions (the
// caller's own included: log the user in again after a password change).
// A change that would leave no enabled admin fails with ErrLastAdmin. A
// change that changes nothing writes nothing. The audit entry
// (user.update) records old and new role and disabled, and only that the
// password changed.
func (s *Store) UpdateUser(ctx context.Context, id int64, c UserChange, actor string) (User, error) {
	var out User
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkActor(actor); err != nil {
			return err
		}
		cur, err := scanUser(s.txQueryRow(ctx, tx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		next := cur
		changes := map[string]any{}
		if c.Role != nil && *c.Role != cur.Role {
			if err := checkRole(*c.Role); err != nil {
				return err
			}
			next.Role = *c.Role
			changes["role"] = map[string]string{"old": cur.Role, "new": next.Role}
		}
		if c.Disabled != nil && *c.Disabled != cur.Disabled {
			next.Disabled = *c.Disabled
			changes["disabled"] = map[string]bool{"old": cur.Disabled, "new": next.Disabled}
		}
		passwordChanged := c.PasswordHash != nil && *c.PasswordHash != cur.PasswordHash
		if passwordChanged {
			if err := checkSecretText("password_hash", *c.PasswordHash, maxHashBytes); err != nil {
				return err
			}
			next.PasswordHash = *c.PasswordHash
			changes["password"] = "changed"
			if next.PasswordHash == "" {
				changes["password"] = "removed"
			}
		}
		if len(changes) == 0 {
			out = cur
			return nil
		}
		if cur.Role == "admin" && !cur.Disabled && (next.Role != "admin" || next.Disabled) {
			var others int
			if err := s.txQueryRow(ctx, tx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = FALSE AND id <> ?`,
				id).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return ErrLastAdmin
			}
		}
		next.UpdatedAt = s.clock()
		if _, err := s.txExec(ctx, tx, `UPDATE users SET role = ?, password_hash = ?, disabled = ?, updated_at = ? WHERE id = ?`,
			next.Role, next.PasswordHash, next.Disabled, s.d.tv(next.UpdatedAt), id); err != nil {
			return err
		}
		details := map[string]any{"name": cur.Name, "changes": changes}
		if passwordChanged || (next.Disabled && !cur.Disabled) {
			res, err := s.txExec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, id)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			details["sessions_ended"] = n
		}
		out = next
		return s.audit(ctx, tx, next.UpdatedAt, actor, "user.update", "user", id, details)
	})
	if err != nil {
		return User{}, fmt.Errorf("store: update user %d: %w", id, err)
	}
	return out, nil
}
