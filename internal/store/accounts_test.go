package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
)

// fakeClock is a settable store clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// withFakeClock points the store's clock at a fake one at t0.
func withFakeClock(s *Store) *fakeClock {
	c := &fakeClock{t: t0}
	s.now = c.now
	return c
}

// auditOf returns the audit entries of action, oldest first.
func auditOf(t *testing.T, s *Store, action string) []AuditEntry {
	t.Helper()
	es, err := s.Audit(context.Background(), AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// auditHolds fails when any audit entry mentions one of secrets.
func auditHolds(t *testing.T, s *Store, secrets ...string) {
	t.Helper()
	es, err := s.Audit(context.Background(), AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		for _, sec := range secrets {
			if strings.Contains(string(e.Details), sec) || strings.Contains(e.Actor, sec) {
				t.Errorf("audit entry %s %s holds the secret %q: %s", e.Action, e.Actor, sec, e.Details)
			}
		}
	}
}

func wantErr(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Errorf("%s: %v, want %q", what, err, want)
	}
}

const hashA = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAaaaaAAAAaaaaAAAAaaaaAAAAaaaaAAAAaaaaAAA"

func TestCreateUser(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		withFakeClock(s)
		if n, err := s.CountUsers(ctx); n != 0 || err != nil {
			t.Fatalf("CountUsers on a new store = %d, %v", n, err)
		}
		alice, err := s.CreateUser(ctx, "Alice", "admin", hashA, "setup")
		if err != nil {
			t.Fatal(err)
		}
		want := User{ID: alice.ID, Name: "Alice", Role: "admin", PasswordHash: hashA, CreatedAt: t0, UpdatedAt: t0}
		if alice != want || alice.ID == 0 {
			t.Errorf("CreateUser = %+v, want %+v", alice, want)
		}
		bob, err := s.CreateUser(ctx, "bob.smith@agency.example", "viewer", "", "Alice")
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"alice", "ALICE", "Alice"} {
			if got, err := s.UserByName(ctx, name); err != nil || got != alice {
				t.Errorf("UserByName(%q) = %+v, %v; want %+v", name, got, err, alice)
			}
		}
		if got, err := s.User(ctx, bob.ID); err != nil || got != bob {
			t.Errorf("User(%d) = %+v, %v; want %+v", bob.ID, got, err, bob)
		}
		if _, err := s.UserByName(ctx, "carol"); !errors.Is(err, ErrNotFound) {
			t.Errorf("UserByName(carol) = %v, want ErrNotFound", err)
		}
		wantErr(t, "User(999)", func() error { _, err := s.User(ctx, 999); return err }(), "store: user 999: not found")
		users, err := s.Users(ctx)
		if err != nil || len(users) != 2 || users[0] != alice || users[1] != bob {
			t.Errorf("Users = %+v, %v; want alice then bob", users, err)
		}
		if n, err := s.CountUsers(ctx); n != 2 || err != nil {
			t.Errorf("CountUsers = %d, %v; want 2", n, err)
		}

		for _, tc := range []struct {
			name, user, role, hash, actor, want string
			is                                  error
		}{
			{name: "name taken in other case", user: "aLiCe", role: "viewer", actor: "x", is: ErrExists,
				want: `store: create user "aLiCe": already exists`},
			{name: "unknown role", user: "carol", role: "root", actor: "x",
				want: `store: create user "carol": role: unknown role "root": want viewer, operator or admin`},
			{name: "role in capitals", user: "carol", role: "Admin", actor: "x",
				want: `store: create user "carol": role: unknown role "Admin": want viewer, operator or admin`},
			{name: "empty name", user: "", role: "viewer", actor: "x",
				want: `store: create user "": name: a user name is required`},
			{name: "space in name", user: "carol smith", role: "viewer", actor: "x",
				want: `store: create user "carol smith": name: user name "carol smith": use letters, digits and . _ - @ + (starting with a letter or digit)`},
			{name: "leading dot", user: ".carol", role: "viewer", actor: "x",
				want: `store: create user ".carol": name: user name ".carol": use letters, digits and . _ - @ + (starting with a letter or digit)`},
			{name: "non-ASCII look-alike", user: "аlice", role: "viewer", actor: "x", // Cyrillic а
				want: `store: create user "аlice": name: user name "аlice": use letters, digits and . _ - @ + (starting with a letter or digit)`},
			{name: "long name", user: strings.Repeat("a", 65), role: "viewer", actor: "x",
				want: fmt.Sprintf(`store: create user %q: name: user name is 65 bytes long, the limit is 64`, strings.Repeat("a", 65))},
			{name: "NUL in hash", user: "carol", role: "viewer", hash: "a\x00b", actor: "x",
				want: `store: create user "carol": password_hash: not valid text`},
			{name: "no actor", user: "carol", role: "viewer", actor: " ",
				want: `store: create user "carol": actor: who makes the change is required`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateUser(ctx, tc.user, tc.role, tc.hash, tc.actor)
				wantErr(t, "CreateUser", err, tc.want)
				if tc.is != nil && !errors.Is(err, tc.is) {
					t.Errorf("CreateUser: %v is not %v", err, tc.is)
				}
				var ve *ValidationError
				if tc.is == nil && !errors.As(err, &ve) {
					t.Errorf("CreateUser: %v is not a ValidationError", err)
				}
			})
		}
		if n, _ := s.CountUsers(ctx); n != 2 {
			t.Errorf("refused creations left %d users, want 2", n)
		}
		es := auditOf(t, s, "user.create")
		if len(es) != 2 || es[0].Actor != "setup" || es[0].ObjectType != "user" || es[0].ObjectID != alice.ID ||
			string(es[0].Details) != `{"name":"Alice","password_set":true,"role":"admin"}` || !es[0].At.Equal(t0) {
			t.Errorf("user.create audit = %+v", es)
		}
		auditHolds(t, s, hashA, "argon2id")
	})
}

// Two servers creating the first admin at once: one wins, the other gets
// ErrExists.
func TestCreateUserRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = s.CreateUser(context.Background(), []string{"admin", "ADMIN", "Admin"}[i%3], "admin", hashA, "setup")
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, ErrExists):
				t.Errorf("concurrent CreateUser: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d concurrent creations of one name succeeded, want 1", ok)
		}
	})
}

// One setup link posted several times at once, with different names:
// exactly one administrator, and the link is gone.
func TestCreateFirstAdminRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.SetSetting(ctx, "setup_token_hash", "h1 2099-01-01T00:00:00Z", "bootstrap"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateFirstAdmin(ctx, "setup_token_hash", "h0 2099-01-01T00:00:00Z", "mallory", hashA); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a stale setup value: %v, want ErrNotFound", err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = s.CreateFirstAdmin(ctx, "setup_token_hash", "h1 2099-01-01T00:00:00Z", fmt.Sprintf("admin%d", i), hashA)
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, ErrNotFound):
				t.Errorf("concurrent CreateFirstAdmin: %v", err)
			}
		}
		if n, err := s.CountUsers(ctx); ok != 1 || n != 1 || err != nil {
			t.Errorf("%d setups succeeded, %d users (%v); want 1 and 1", ok, n, err)
		}
		if _, found, _ := s.Setting(ctx, "setup_token_hash"); found {
			t.Error("the setup setting survived its use")
		}
		// A setting put back while an administrator exists does not make a second one.
		if err := s.SetSetting(ctx, "setup_token_hash", "h2 2099-01-01T00:00:00Z", "bootstrap"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateFirstAdmin(ctx, "setup_token_hash", "h2 2099-01-01T00:00:00Z", "late", hashA); !errors.Is(err, ErrExists) {
			t.Errorf("setup with an administrator present: %v, want ErrExists", err)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		clock := withFakeClock(s)
		admin, _ := s.CreateUser(ctx, "admin", "admin", hashA, "setup")
		op, _ := s.CreateUser(ctx, "op", "operator", hashA, "admin")
		session := func(u User, id string) {
			t.Helper()
			if err := s.CreateSession(ctx, Session{IDHash: id, UserID: u.ID, CSRF: "csrf-" + id, ExpiresAt: clock.t.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		live := func(id string) bool {
			_, _, err := s.SessionByHash(ctx, id)
			if err != nil && !errors.Is(err, ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		session(op, "op-1")
		session(op, "op-2")
		session(admin, "admin-1")

		clock.t = t0.Add(time.Minute)
		got, err := s.UpdateUser(ctx, op.ID, UserChange{Role: new("viewer")}, "admin")
		if err != nil || got.Role != "viewer" || !got.UpdatedAt.Equal(clock.t) || !got.CreatedAt.Equal(t0) {
			t.Fatalf("role change = %+v, %v", got, err)
		}
		if !live("op-1") || !live("op-2") {
			t.Error("a role change ended sessions")
		}
		if _, u, _ := s.SessionByHash(ctx, "op-1"); u.Role != "viewer" {
			t.Errorf("session's user has role %q after the change, want viewer", u.Role)
		}

		const hashB = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$BBBBbbbbBBBBbbbbBBBBbbbbBBBBbbbbBBBBbbbbBBB"
		got, err = s.UpdateUser(ctx, op.ID, UserChange{PasswordHash: new(hashB)}, "op")
		if err != nil || got.PasswordHash != hashB {
			t.Fatalf("password change = %+v, %v", got, err)
		}
		if live("op-1") || live("op-2") || !live("admin-1") {
			t.Error("a password change must end the user's sessions and only theirs")
		}

		session(op, "op-3")
		if got, err = s.UpdateUser(ctx, op.ID, UserChange{Disabled: new(true)}, "admin"); err != nil || !got.Disabled {
			t.Fatalf("disable = %+v, %v", got, err)
		}
		if live("op-3") {
			t.Error("disabling kept a session")
		}
		wantErr(t, "session of a disabled user", s.CreateSession(ctx, Session{IDHash: "op-4", UserID: op.ID, CSRF: "c",
			ExpiresAt: clock.t.Add(time.Hour)}), fmt.Sprintf("store: create session of user %d: user %d: not found", op.ID, op.ID))

		// A change that changes nothing writes nothing.
		before := len(auditOf(t, s, "user.update"))
		clock.t = t0.Add(time.Hour)
		if got, err = s.UpdateUser(ctx, op.ID, UserChange{Disabled: new(true), Role: new("viewer"), PasswordHash: new(hashB)}, "admin"); err != nil ||
			!got.UpdatedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("no-op update = %+v, %v", got, err)
		}
		if n := len(auditOf(t, s, "user.update")); n != before {
			t.Errorf("no-op update wrote %d audit entries", n-before)
		}

		// The last enabled admin stays.
		for _, c := range []UserChange{{Role: new("operator")}, {Disabled: new(true)}} {
			_, err := s.UpdateUser(ctx, admin.ID, c, "admin")
			if !errors.Is(err, ErrLastAdmin) || err.Error() != fmt.Sprintf("store: update user %d: would leave no enabled admin", admin.ID) {
				t.Errorf("UpdateUser(last admin, %+v) = %v, want ErrLastAdmin", c, err)
			}
		}
		// A disabled admin does not count.
		if _, err := s.UpdateUser(ctx, op.ID, UserChange{Role: new("admin")}, "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, admin.ID, UserChange{Role: new("viewer")}, "admin"); !errors.Is(err, ErrLastAdmin) {
			t.Errorf("demoting the last enabled admin beside a disabled one: %v, want ErrLastAdmin", err)
		}
		if _, err := s.UpdateUser(ctx, op.ID, UserChange{Disabled: new(false)}, "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, admin.ID, UserChange{Disabled: new(true)}, "op"); err != nil {
			t.Errorf("disabling one of two admins: %v", err)
		}

		wantErr(t, "unknown role", func() error {
			_, err := s.UpdateUser(ctx, op.ID, UserChange{Role: new("god")}, "admin")
			return err
		}(), fmt.Sprintf(`store: update user %d: role: unknown role "god": want viewer, operator or admin`, op.ID))
		if _, err := s.UpdateUser(ctx, 999, UserChange{Role: new("viewer")}, "admin"); !errors.Is(err, ErrNotFound) {
			t.Errorf("update of a missing user: %v, want ErrNotFound", err)
		}

		es := auditOf(t, s, "user.update")
		if len(es) != 6 {
			t.Fatalf("%d user.update entries, want 6", len(es))
		}
		for i, want := range []string{
			`{"changes":{"role":{"new":"viewer","old":"operator"}},"name":"op"}`,
			`{"changes":{"password":"changed"},"name":"op","sessions_ended":2}`,
			`{"changes":{"disabled":{"new":true,"old":false}},"name":"op","sessions_ended":1}`,
		} {
			if string(es[i].Details) != want || es[i].ObjectID != op.ID {
				t.Errorf("user.update %d = %s, want %s", i, es[i].Details, want)
			}
		}
		if es[1].Actor != "op" || !es[1].At.Equal(t0.Add(time.Minute)) {
			t.Errorf("password change audited as %s at %v", es[1].Actor, es[1].At)
		}
		auditHolds(t, s, hashA, hashB)
	})
}

func TestSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		clock := withFakeClock(s)
		u, _ := s.CreateUser(ctx, "alice", "operator", hashA, "setup")
		created := t0.Add(123456789 * time.Nanosecond)
		sess := Session{IDHash: "h1", UserID: u.ID, CSRF: "csrf1", CreatedAt: created, ExpiresAt: created.Add(time.Hour)}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		got, gu, err := s.SessionByHash(ctx, "h1")
		want := Session{IDHash: "h1", UserID: u.ID, CSRF: "csrf1", CreatedAt: t0.Add(123456 * time.Microsecond),
			ExpiresAt: t0.Add(time.Hour + 123456*time.Microsecond), LastSeen: t0.Add(123456 * time.Microsecond)}
		if err != nil || got != want || gu != u {
			t.Fatalf("SessionByHash = %+v, %+v, %v; want %+v, %+v", got, gu, err, want, u)
		}
		wantErr(t, "duplicate", s.CreateSession(ctx, sess), fmt.Sprintf("store: create session of user %d: already exists", u.ID))
		wantErr(t, "no user", s.CreateSession(ctx, Session{IDHash: "h2", UserID: 99, CSRF: "c", ExpiresAt: t0.Add(time.Hour)}),
			"store: create session of user 99: user 99: not found")
		wantErr(t, "no CSRF", s.CreateSession(ctx, Session{IDHash: "h2", UserID: u.ID, ExpiresAt: t0.Add(time.Hour)}),
			fmt.Sprintf("store: create session of user %d: session: id hash, CSRF token and expiry are required", u.ID))
		if _, _, err := s.SessionByHash(ctx, "nope"); !errors.Is(err, ErrNotFound) || err.Error() != "store: session: not found" {
			t.Errorf("SessionByHash(missing) = %v", err)
		}

		// Sliding expiry.
		clock.t = t0.Add(50 * time.Minute)
		if err := s.TouchSession(ctx, "h1", clock.t, clock.t.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		clock.t = t0.Add(90 * time.Minute)
		got, _, err = s.SessionByHash(ctx, "h1")
		if err != nil || !got.LastSeen.Equal(t0.Add(50*time.Minute)) || !got.ExpiresAt.Equal(t0.Add(110*time.Minute)) {
			t.Fatalf("after touch: %+v, %v", got, err)
		}
		// Expiry, by the store's clock: not found, and not revived.
		clock.t = t0.Add(110 * time.Minute)
		if _, _, err := s.SessionByHash(ctx, "h1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("expired session: %v, want ErrNotFound", err)
		}
		if err := s.TouchSession(ctx, "h1", clock.t, clock.t.Add(time.Hour)); !errors.Is(err, ErrNotFound) {
			t.Errorf("touch of an expired session: %v, want ErrNotFound", err)
		}
		// A new session sweeps the expired ones away.
		if n := count(t, s, `SELECT count(*) FROM sessions`); n != 1 {
			t.Fatalf("%d sessions stored, want 1", n)
		}
		if err := s.CreateSession(ctx, Session{IDHash: "h3", UserID: u.ID, CSRF: "c3", ExpiresAt: clock.t.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM sessions WHERE id_hash = 'h1'`); n != 0 {
			t.Error("the expired session was not deleted")
		}
		got, _, err = s.SessionByHash(ctx, "h3")
		if err != nil || !got.CreatedAt.Equal(clock.t) || !got.LastSeen.Equal(clock.t) {
			t.Errorf("zero times default to the store's clock: %+v, %v", got, err)
		}

		if err := s.DeleteSession(ctx, "h3"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionByHash(ctx, "h3"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted session: %v", err)
		}
		if err := s.DeleteSession(ctx, "h3"); err != nil {
			t.Errorf("deleting twice: %v", err)
		}

		for _, id := range []string{"a", "b"} {
			if err := s.CreateSession(ctx, Session{IDHash: id, UserID: u.ID, CSRF: "c", ExpiresAt: clock.t.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.DeleteUserSessions(ctx, u.ID); n != 2 || err != nil {
			t.Errorf("DeleteUserSessions = %d, %v; want 2", n, err)
		}
		if es := auditOf(t, s, ""); len(es) != 1 {
			t.Errorf("sessions wrote audit entries: %+v", es[1:])
		}
	})
}

// The accounts migration goes down and up again cleanly.
func TestAccountsMigrationDown(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.CreateUser(ctx, "alice", "admin", hashA, "setup"); err != nil {
			t.Fatal(err)
		}
		p := migrationProvider(t, s)
		if _, err := p.DownTo(ctx, 2); err != nil {
			t.Fatal(err)
		}
		s.forgetReads()
		if _, err := s.CountUsers(ctx); err == nil {
			t.Error("users survived the down migration")
		}
		if _, err := p.Up(ctx); err != nil {
			t.Fatal(err)
		}
		s.forgetReads()
		if n, err := s.CountUsers(ctx); n != 0 || err != nil {
			t.Errorf("CountUsers after down and up = %d, %v", n, err)
		}
		if es := auditOf(t, s, "user.create"); len(es) != 1 {
			t.Errorf("the audit log of version 2 lost entries: %+v", es)
		}
	})
}

func migrationProvider(t *testing.T, s *Store) *goose.Provider {
	t.Helper()
	sub, err := fs.Sub(migrations, "migrations/"+s.d.name)
	if err != nil {
		t.Fatal(err)
	}
	d := goose.DialectSQLite3
	if s.d.postgres() {
		d = goose.DialectPostgres
	}
	p, err := goose.NewProvider(d, s.w, sub)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
