package auth

import (
	"os"
	"testing"
)

// TestMain makes HashPassword cheap for the tests; the tests that check the
// defaults use defaultParams explicitly.
func TestMain(m *testing.M) {
	current = params{memory: 1024, time: 1, threads: 1, saltLen: 16, keyLen: 32}
	os.Exit(m.Run())
}

func TestParseRole(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Role
		wantErr string
	}{
		{in: "viewer", want: Viewer},
		{in: "operator", want: Operator},
		{in: "admin", want: Admin},
		{in: "Admin", wantErr: `auth: unknown role "Admin": want viewer, operator or admin`},
		{in: " admin", wantErr: `auth: unknown role " admin": want viewer, operator or admin`},
		{in: "", wantErr: `auth: unknown role "": want viewer, operator or admin`},
		{in: "root", wantErr: `auth: unknown role "root": want viewer, operator or admin`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRole(tc.in)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("ParseRole(%q) = %q, %v; want error %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseRole(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestRoleAllows(t *testing.T) {
	for _, tc := range []struct {
		name       string
		have, need Role
		want       bool
	}{
		{"admin does admin", Admin, Admin, true},
		{"admin operates", Admin, Operator, true},
		{"admin views", Admin, Viewer, true},
		{"operator cannot admin", Operator, Admin, false},
		{"operator operates", Operator, Operator, true},
		{"operator views", Operator, Viewer, true},
		{"viewer cannot admin", Viewer, Admin, false},
		{"viewer cannot operate", Viewer, Operator, false},
		{"viewer views", Viewer, Viewer, true},
		{"unknown role allows nothing", Role("root"), Viewer, false},
		{"empty role allows nothing", Role(""), Viewer, false},
		{"an unknown need is never met", Admin, Role("superuser"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.have.Allows(tc.need); got != tc.want {
				t.Errorf("%q.Allows(%q) = %v, want %v", tc.have, tc.need, got, tc.want)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	rs := Roles()
	if len(rs) != 3 || rs[0] != Viewer || rs[2] != Admin {
		t.Fatalf("Roles() = %v", rs)
	}
	for i := 1; i < len(rs); i++ {
		if !rs[i].Allows(rs[i-1]) || rs[i-1].Allows(rs[i]) {
			t.Errorf("%s and %s are out of order", rs[i-1], rs[i])
		}
	}
}
