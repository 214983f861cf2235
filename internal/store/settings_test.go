package store

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAllowedRanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		clock := withFakeClock(s)
		ranges, init, err := s.AllowedRanges(ctx)
		if err != nil || init || len(ranges) != 0 {
			t.Fatalf("AllowedRanges on a new store = %v, %v, %v", ranges, init, err)
		}
		// Empty still initializes: the list is authoritative from now on.
		if err := s.SetAllowedRanges(ctx, nil, "setup"); err != nil {
			t.Fatal(err)
		}
		if ranges, init, err = s.AllowedRanges(ctx); err != nil || !init || len(ranges) != 0 {
			t.Fatalf("after an empty set: %v, %v, %v", ranges, init, err)
		}
		set := func(actor string, ps ...string) {
			t.Helper()
			var in []netip.Prefix
			for _, p := range ps {
				in = append(in, netip.MustParsePrefix(p))
			}
			if err := s.SetAllowedRanges(ctx, in, actor); err != nil {
				t.Fatal(err)
			}
		}
		get := func() []string {
			t.Helper()
			ranges, init, err := s.AllowedRanges(ctx)
			if err != nil || !init {
				t.Fatalf("AllowedRanges = %v, %v, %v", ranges, init, err)
			}
			var out []string
			for _, p := range ranges {
				out = append(out, p.String())
			}
			return out
		}
		set("alice", "10.1.2.3/16", "127.0.0.0/8", "10.1.0.0/16", "2001:db8::1/48", "192.168.1.0/24", "10.0.0.0/8")
		want := []string{"10.0.0.0/8", "10.1.0.0/16", "127.0.0.0/8", "192.168.1.0/24", "2001:db8::/48"}
		if got := get(); !slices.Equal(got, want) {
			t.Errorf("AllowedRanges = %v, want %v", got, want)
		}
		clock.t = t0.Add(time.Hour)
		set("bob", "10.0.0.0/8", "192.168.1.0/24") // again: nothing to write
		set("bob", "10.0.0.0/8", "10.1.0.0/16", "127.0.0.0/8", "192.168.1.0/24", "2001:db8::/48")
		set("bob", "10.0.0.0/8", "172.16.0.0/12")
		if got := get(); !slices.Equal(got, []string{"10.0.0.0/8", "172.16.0.0/12"}) {
			t.Errorf("AllowedRanges = %v", got)
		}
		var by string
		var at time.Time
		if err := s.r.QueryRowContext(ctx, s.d.rebind(`SELECT added_by, added_at FROM allowed_ranges WHERE prefix = ?`),
			"10.0.0.0/8").Scan(&by, ts(&at)); err != nil || by != "alice" || !at.Equal(t0) {
			t.Errorf("a range that stayed: added by %q at %v, %v; want alice at %v", by, at, err, t0)
		}
		wantErr(t, "invalid prefix", s.SetAllowedRanges(ctx, []netip.Prefix{{}}, "bob"),
			`store: set allowed ranges: ranges: invalid prefix "invalid Prefix"`)
		wantErr(t, "no actor", s.SetAllowedRanges(ctx, nil, ""), `store: set allowed ranges: actor: who makes the change is required`)

		es := auditOf(t, s, "ranges.set")
		wantDetails := []string{
			`{"added":[],"ranges":[],"removed":[]}`,
			`{"added":["10.0.0.0/8","10.1.0.0/16","127.0.0.0/8","192.168.1.0/24","2001:db8::/48"],"ranges":["10.0.0.0/8","10.1.0.0/16","127.0.0.0/8","192.168.1.0/24","2001:db8::/48"],"removed":[]}`,
			`{"added":[],"ranges":["10.0.0.0/8","192.168.1.0/24"],"removed":["10.1.0.0/16","127.0.0.0/8","2001:db8::/48"]}`,
			`{"added":["10.1.0.0/16","127.0.0.0/8","2001:db8::/48"],"ranges":["10.0.0.0/8","10.1.0.0/16","127.0.0.0/8","192.168.1.0/24","2001:db8::/48"],"removed":[]}`,
			`{"added":["172.16.0.0/12"],"ranges":["10.0.0.0/8","172.16.0.0/12"],"removed":["10.1.0.0/16","127.0.0.0/8","192.168.1.0/24","2001:db8::/48"]}`,
		}
		if len(es) != len(wantDetails) {
			t.Fatalf("%d ranges.set entries, want %d: %+v", len(es), len(wantDetails), es)
		}
		for i, e := range es {
			if string(e.Details) != wantDetails[i] || e.ObjectType != "allowed_ranges" {
				t.Errorf("ranges.set %d = %s %s, want %s", i, e.ObjectType, e.Details, wantDetails[i])
			}
		}
	})
}

func TestSettings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		withFakeClock(s)
		if v, ok, err := s.Setting(ctx, "site_name"); v != "" || ok || err != nil {
			t.Fatalf("Setting on a new store = %q, %v, %v", v, ok, err)
		}
		for _, kv := range [][2]string{{"site_name", "HQ"}, {"site_name", "HQ"}, {"site_name", "Branch ✓"}, {"setup_token_hash", "abc123"},
			{"setup_token_hash", "def456"}, {"empty", ""}} {
			if err := s.SetSetting(ctx, kv[0], kv[1], "admin"); err != nil {
				t.Fatal(err)
			}
		}
		for k, want := range map[string]string{"site_name": "Branch ✓", "setup_token_hash": "def456", "empty": ""} {
			if v, ok, err := s.Setting(ctx, k); v != want || !ok || err != nil {
				t.Errorf("Setting(%q) = %q, %v, %v; want %q", k, v, ok, err, want)
			}
		}
		for _, k := range []string{"setup_token_hash", "site_name", "never_set"} {
			if err := s.DeleteSetting(ctx, k, "admin"); err != nil {
				t.Fatal(err)
			}
			if _, ok, _ := s.Setting(ctx, k); ok {
				t.Errorf("%s still set after DeleteSetting", k)
			}
		}
		for _, tc := range []struct{ key, value, actor, want string }{
			{"Site", "x", "a", `store: set setting "Site": key: setting key "Site": use lower-case letters, digits and . _ - (starting with a letter or digit)`},
			{"", "x", "a", `store: set setting "": key: a setting key is 1 to 128 bytes long`},
			{"k", "a\x00b", "a", `store: set setting "k": value: a setting value is text of at most 65536 bytes`},
			{"k", strings.Repeat("x", 65537), "a", `store: set setting "k": value: a setting value is text of at most 65536 bytes`},
			{"k", "x", "", `store: set setting "k": actor: who makes the change is required`},
		} {
			wantErr(t, "SetSetting "+tc.key, s.SetSetting(ctx, tc.key, tc.value, tc.actor), tc.want)
		}

		var got []string
		for _, e := range append(auditOf(t, s, "setting.set"), auditOf(t, s, "setting.delete")...) {
			got = append(got, e.Action+" "+string(e.Details))
		}
		want := []string{
			`setting.set {"key":"site_name","new":"HQ"}`,
			`setting.set {"key":"site_name","new":"Branch ✓","old":"HQ"}`,
			`setting.set {"key":"setup_token_hash"}`,
			`setting.set {"key":"setup_token_hash"}`,
			`setting.set {"key":"empty","new":""}`,
			`setting.delete {"key":"setup_token_hash"}`,
			`setting.delete {"key":"site_name","old":"Branch ✓"}`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("settings audit:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		auditHolds(t, s, "abc123", "def456")
	})
}

func TestAuditEvent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		withFakeClock(s)
		if err := s.AuditEvent(ctx, "alice", "session.login", "user", 7, map[string]any{"ip": "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		// A failed login names whatever was typed.
		typed := "mallory\x00x" + strings.Repeat("é", 200)
		if err := s.AuditEvent(ctx, typed, "session.login_failed", "", 0, nil); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "no action", s.AuditEvent(ctx, "alice", "", "user", 7, nil),
			`store: audit event "": action: action "": want a short name such as session.login`)
		if err := s.AuditEvent(ctx, "", "session.login_failed", "user", 0, nil); err != nil {
			t.Errorf("a failed login without a name: %v", err)
		}
		es := auditOf(t, s, "")
		if len(es) != 3 || es[2].Actor != "" {
			t.Fatalf("audit = %+v", es)
		}
		if e := es[0]; e.Actor != "alice" || e.Action != "session.login" || e.ObjectType != "user" || e.ObjectID != 7 ||
			string(e.Details) != `{"ip":"127.0.0.1"}` || !e.At.Equal(t0) {
			t.Errorf("login entry = %+v", e)
		}
		if e := es[1]; len(e.Actor) != 255 || !utf8.ValidString(e.Actor) || !strings.HasPrefix(e.Actor, "mallory") || string(e.Details) != `{}` {
			t.Errorf("failed login entry = %+v (actor %d bytes)", e, len(e.Actor))
		}
	})
}
