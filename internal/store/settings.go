package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// rangesInitialized is the setting SetAllowedRanges writes: once it is
// there, the stored list is authoritative, even when empty, and the
// server's --allow flags no longer seed it.
const rangesInitialized = "allowed_ranges.initialized"

// Limits on settings.
const (
	maxSettingKey   = 128     // bytes
	maxSettingValue = 1 << 16 // bytes
	maxAuditActor   = 256     // bytes kept of an AuditEvent actor
)

// secretSetting reports whether a setting's value must stay out of the
// audit log: keys ending in "_hash" hold hashes of secrets (a one-time
// setup link, say).
func secretSetting(key string) bool { return strings.HasSuffix(key, "_hash") }

// checkSettingKey accepts lower-case ASCII letters, digits and . _ -,
// starting with a letter or digit.
func checkSettingKey(key string) error {
	if key == "" || len(key) > maxSettingKey {
		return &ValidationError{"key", fmt.Sprintf("a setting key is 1 to %d bytes long", maxSettingKey)}
	}
	for i, c := range []byte(key) {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !ok && (i == 0 || !strings.ContainsRune("._-", rune(c))) {
			return &ValidationError{"key", fmt.Sprintf("setting key %q: use lower-case letters, digits and . _ - (starting with a letter or digit)", key)}
		}
	}
	return nil
}

// Setting returns the value of a setting and whether it is set.
func (s *Store) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: setting %q: %w", key, err)
	}
	return value, true, nil
}

// SetSetting sets a setting. Keys are lower-case ASCII letters, digits and
// . _ -; values are text of at most 64 KiB. Setting the value it already
// has writes nothing. The audit entry (setting.set) records the key and the
// old and new values, except for keys ending in "_hash", whose values stay
// out of the log.
func (s *Store) SetSetting(ctx context.Context, key, value, actor string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := firstErr(checkActor(actor), checkSettingKey(key)); err != nil {
			return err
		}
		if len(value) > maxSettingValue || !utf8.ValidString(value) || strings.IndexByte(value, 0) >= 0 {
			return &ValidationError{"value", fmt.Sprintf("a setting value is text of at most %d bytes", maxSettingValue)}
		}
		var old string
		err := s.txQueryRow(ctx, tx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&old)
		existed := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if existed && old == value {
			return nil
		}
		now := s.clock()
		if err := s.putSetting(ctx, tx, key, value, now); err != nil {
			return err
		}
		details := map[string]any{"key": key}
		if !secretSetting(key) {
			details["new"] = value
			if existed {
				details["old"] = old
			}
		}
		return s.audit(ctx, tx, now, actor, "setting.set", "setting", 0, details)
	})
	if err != nil {
		return fmt.Errorf("store: set setting %q: %w", key, err)
	}
	return nil
}

func (s *Store) putSetting(ctx context.Context, tx *sql.Tx, key, value string, now time.Time) error {
	_, err := s.txExec(ctx, tx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, s.d.tv(now))
	return err
}

// DeleteSetting removes a setting. Removing one that is not set writes
// nothing and is not an error. The audit entry (setting.delete) records the
// key and, unless the key ends in "_hash", the old value.
func (s *Store) DeleteSetting(ctx context.Context, key, actor string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkActor(actor); err != nil {
			return err
		}
		var old string
		err := s.txQueryRow(ctx, tx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := s.txExec(ctx, tx, `DELETE FROM settings WHERE key = ?`, key); err != nil {
			return err
		}
		details := map[string]any{"key": key}
		if !secretSetting(key) {
			details["old"] = old
		}
		return s.audit(ctx, tx, s.clock(), actor, "setting.delete", "setting", 0, details)
	})
	if err != nil {
		return fmt.Errorf("store: delete setting %q: %w", key, err)
	}
	return nil
}

// AllowedRanges returns the ranges scans started from the web may target,
// in address order, and whether an administrator (or the first start) has
// set the list: until then the server seeds it from its --allow flags;
// from then on the stored list is authoritative, even when empty.
func (s *Store) AllowedRanges(ctx context.Context) (ranges []netip.Prefix, initialized bool, err error) {
	// One statement reads the list and the mark from one snapshot; the
	// mark comes back as an empty prefix.
	rows, err := s.query(ctx, `SELECT prefix FROM allowed_ranges UNION ALL SELECT '' FROM settings WHERE key = ?`,
		rangesInitialized)
	if err != nil {
		return nil, false, fmt.Errorf("store: allowed ranges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, false, fmt.Errorf("store: allowed ranges: %w", err)
		}
		if text == "" {
			initialized = true
			continue
		}
		p, err := netip.ParsePrefix(text)
		if err != nil {
			return nil, false, fmt.Errorf("store: allowed ranges: %w", err)
		}
		ranges = append(ranges, p)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("store: allowed ranges: %w", err)
	}
	sortPrefixes(ranges)
	return ranges, initialized, nil
}

func sortPrefixes(ps []netip.Prefix) {
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
}

// SetAllowedRanges replaces the allowed ranges with ranges (masked to their
// prefix length, duplicates dropped) and marks the list initialized, even
// when it is empty. Ranges that stay keep who added them and when. Setting
// the list it already is writes nothing. The audit entry (ranges.set)
// records the new list and what was added and removed.
func (s *Store) SetAllowedRanges(ctx context.Context, ranges []netip.Prefix, actor string) error {
	next := make([]netip.Prefix, 0, len(ranges))
	for _, p := range ranges {
		if !p.IsValid() {
			return fmt.Errorf("store: set allowed ranges: %w", &ValidationError{"ranges", fmt.Sprintf("invalid prefix %q", p.String())})
		}
		next = append(next, p.Masked())
	}
	sortPrefixes(next)
	next = slices.Compact(next)
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkActor(actor); err != nil {
			return err
		}
		rows, err := s.txQuery(ctx, tx, `SELECT prefix FROM allowed_ranges`)
		if err != nil {
			return err
		}
		cur := map[string]bool{}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return err
			}
			cur[p] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var n int
		if err := s.txQueryRow(ctx, tx, `SELECT count(*) FROM settings WHERE key = ?`, rangesInitialized).Scan(&n); err != nil {
			return err
		}
		list, added, removed := []string{}, []string{}, []string{}
		for _, p := range next {
			list = append(list, p.String())
			if !cur[p.String()] {
				added = append(added, p.String())
			}
			delete(cur, p.String())
		}
		for p := range cur {
			removed = append(removed, p)
		}
		slices.Sort(removed)
		if n > 0 && len(added) == 0 && len(removed) == 0 {
			return nil
		}
		now := s.clock()
		for _, p := range removed {
			if _, err := s.txExec(ctx, tx, `DELETE FROM allowed_ranges WHERE prefix = ?`, p); err != nil {
				return err
			}
		}
		for _, p := range added {
			if _, err := s.txExec(ctx, tx, `INSERT INTO allowed_ranges (prefix, added_by, added_at) VALUES (?, ?, ?)`,
				p, actor, s.d.tv(now)); err != nil {
				return err
			}
		}
		if err := s.putSetting(ctx, tx, rangesInitialized, "true", now); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, actor, "ranges.set", "allowed_ranges", 0, map[string]any{
			"ranges": list, "added": added, "removed": removed})
	})
	if err != nil {
		return fmt.Errorf("store: set allowed ranges: %w", err)
	}
	return nil
}

// AuditEvent records an event that is not a change of the store, in the
// audit log, with the store's clock: logins and logouts (session.login,
// session.logout), failed logins, refused requests. details must hold no
// secret. The actor may be empty (a login form sent without a name); one
// longer than 256 bytes (a name typed into a login form) is cut.
func (s *Store) AuditEvent(ctx context.Context, actor, action, objType string, objID int64, details any) error {
	actor = s.d.text(strings.ToValidUTF8(actor, "\uFFFD"))
	if len(actor) > maxAuditActor {
		n := maxAuditActor
		for n > 0 && !utf8.RuneStart(actor[n]) {
			n--
		}
		actor = actor[:n]
	}
	if details == nil {
		details = map[string]any{}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkAction(action); err != nil {
			return err
		}
		return s.audit(ctx, tx, s.clock(), actor, action, s.d.text(objType), objID, details)
	})
	if err != nil {
		return fmt.Errorf("store: audit event %q: %w", action, err)
	}
	return nil
}

func checkAction(action string) error {
	if action == "" || len(action) > 64 || !utf8.ValidString(action) || strings.ContainsFunc(action, func(r rune) bool { return r <= ' ' }) {
		return &ValidationError{"action", fmt.Sprintf("action %q: want a short name such as session.login", action)}
	}
	return nil
}
