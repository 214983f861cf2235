package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		clock := withFakeClock(s)
		admin, _ := s.CreateUser(ctx, "admin", "admin", hashA, "setup")
		other, _ := s.CreateUser(ctx, "other", "admin", hashA, "setup")
		const h1, h2, h3 = "1111111111111111111111111111111111111111111111111111111111111111",
			"2222222222222222222222222222222222222222222222222222222222222222",
			"3333333333333333333333333333333333333333333333333333333333333333"
		ci, err := s.CreateToken(ctx, Token{Name: " ci ", Role: "operator", Hash: h1, UserID: admin.ID,
			LastUsed: t0.Add(time.Hour), RevokedAt: t0.Add(time.Hour)}, "admin")
		if err != nil {
			t.Fatal(err)
		}
		want := Token{ID: ci.ID, Name: "ci", Role: "operator", Hash: h1, UserID: admin.ID, CreatedAt: t0}
		if ci != want || ci.ID == 0 {
			t.Errorf("CreateToken = %+v, want %+v", ci, want)
		}
		metrics, err := s.CreateToken(ctx, Token{Name: "metrics", Role: "viewer", Hash: h2}, "covered")
		if err != nil || metrics.UserID != 0 {
			t.Fatalf("token without a user: %+v, %v", metrics, err)
		}
		other3, _ := s.CreateToken(ctx, Token{Name: "other's", Role: "admin", Hash: h3, UserID: other.ID}, "other")

		for _, tc := range []struct {
			name string
			tok  Token
			want string
		}{
			{"bad role", Token{Name: "x", Role: "owner", Hash: "h"}, `store: create token "x": role: unknown role "owner": want viewer, operator or admin`},
			{"no role", Token{Name: "x", Hash: "h"}, `store: create token "x": role: unknown role "": want viewer, operator or admin`},
			{"no name", Token{Name: " ", Role: "viewer", Hash: "h"}, `store: create token " ": name: a token name is required`},
			{"control in name", Token{Name: "a\nb", Role: "viewer", Hash: "h"}, `store: create token "a\nb": name: token name must be text without control characters`},
			{"no hash", Token{Name: "x", Role: "viewer"}, `store: create token "x": hash: the token hash is required`},
			{"hash taken", Token{Name: "x", Role: "viewer", Hash: h1}, `store: create token "x": already exists`},
			{"no such user", Token{Name: "x", Role: "viewer", Hash: "h", UserID: 99}, `store: create token "x": user 99: not found`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateToken(ctx, tc.tok, "admin")
				wantErr(t, "CreateToken", err, tc.want)
			})
		}

		if got, err := s.TokenByHash(ctx, h1); err != nil || got != ci {
			t.Errorf("TokenByHash = %+v, %v; want %+v", got, err, ci)
		}
		if _, err := s.TokenByHash(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("TokenByHash(missing) = %v", err)
		}
		clock.t = t0.Add(time.Minute)
		if err := s.TouchToken(ctx, ci.ID, t0.Add(30*time.Second+7*time.Nanosecond)); err != nil {
			t.Fatal(err)
		}
		if err := s.TouchToken(ctx, 999, t0); !errors.Is(err, ErrNotFound) {
			t.Errorf("TouchToken(missing) = %v", err)
		}
		if got, _ := s.TokenByHash(ctx, h1); !got.LastUsed.Equal(t0.Add(30 * time.Second)) {
			t.Errorf("last used %v after touch", got.LastUsed)
		}

		// A disabled creator's tokens stop working, and work again with them.
		if _, err := s.UpdateUser(ctx, other.ID, UserChange{Disabled: new(true)}, "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenByHash(ctx, h3); !errors.Is(err, ErrNotFound) {
			t.Errorf("token of a disabled user: %v, want ErrNotFound", err)
		}
		if _, err := s.UpdateUser(ctx, other.ID, UserChange{Disabled: new(false)}, "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenByHash(ctx, h3); err != nil {
			t.Errorf("token of a re-enabled user: %v", err)
		}

		clock.t = t0.Add(2 * time.Minute)
		if err := s.RevokeToken(ctx, ci.ID, "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenByHash(ctx, h1); !errors.Is(err, ErrNotFound) {
			t.Errorf("revoked token: %v, want ErrNotFound", err)
		}
		clock.t = t0.Add(3 * time.Minute)
		if err := s.RevokeToken(ctx, ci.ID, "admin"); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		wantErr(t, "revoke missing", s.RevokeToken(ctx, 999, "admin"), "store: revoke token 999: not found")
		wantErr(t, "revoke without actor", s.RevokeToken(ctx, metrics.ID, ""),
			fmt.Sprintf("store: revoke token %d: actor: who makes the change is required", metrics.ID))

		toks, err := s.Tokens(ctx)
		if err != nil || len(toks) != 3 {
			t.Fatalf("Tokens = %+v, %v", toks, err)
		}
		ci.LastUsed, ci.RevokedAt = t0.Add(30*time.Second), t0.Add(2*time.Minute)
		if toks[0] != ci || toks[1] != metrics || toks[2] != other3 {
			t.Errorf("Tokens = %+v\nwant %+v %+v %+v", toks, ci, metrics, other3)
		}

		creates, revokes := auditOf(t, s, "token.create"), auditOf(t, s, "token.revoke")
		if len(creates) != 3 || string(creates[0].Details) != fmt.Sprintf(`{"name":"ci","role":"operator","user_id":%d}`, admin.ID) ||
			creates[0].ObjectType != "token" || creates[0].ObjectID != ci.ID {
			t.Errorf("token.create audit = %+v", creates)
		}
		if len(revokes) != 1 || string(revokes[0].Details) != `{"name":"ci","role":"operator"}` || !revokes[0].At.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("token.revoke audit = %+v", revokes)
		}
		auditHolds(t, s, h1, h2, h3)
	})
}
