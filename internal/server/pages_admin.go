package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/store"
)

// adminData is the admin page: users, API tokens, allowed ranges and the
// newest audit entries.
type adminData struct {
	Users  []userView
	Tokens []tokenView
	Roles  []auth.Role
	Ranges string
	Audit  []store.AuditEntry
	Self   int64
}

// auditShown is how many audit entries the admin page lists.
const auditShown = 50

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	ctx := r.Context()
	d := adminData{Roles: auth.Roles(), Self: p.userID}
	users, err := s.st.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		d.Users = append(d.Users, viewUser(u))
	}
	tokens, err := s.st.Tokens(ctx)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		d.Tokens = append(d.Tokens, viewToken(t))
	}
	ranges, _, err := s.st.AllowedRanges(ctx)
	if err != nil {
		return err
	}
	for _, rg := range ranges {
		d.Ranges += rg.String() + "\n"
	}
	if d.Audit, err = s.st.RecentAudit(ctx, auditShown); err != nil {
		return err
	}
	return s.page(w, r, p, http.StatusOK, "admin", "Administration", d)
}

func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request, p *principal) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	role, pw := r.PostFormValue("role"), r.PostFormValue("password")
	_, err := s.createUser(r, userBody{Name: name, Role: &role, Password: &pw}, p)
	return s.done(w, r, "/admin#users", err, "User not created", "User %s created with the %s role.", name, role)
}

// adminUpdateUser applies one of a user row's forms: "update" sets the
// role and whether the account is disabled, "password" sets a new
// password.
func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b userBody
	what, refused := "changed", "User not changed"
	switch r.PostFormValue("action") {
	case "update":
		role, disabled := r.PostFormValue("role"), r.PostFormValue("disabled") == "on"
		b.Role, b.Disabled = &role, &disabled
	case "password":
		pw := r.PostFormValue("password")
		b.Password, what, refused = &pw, "given a new password", "Password not changed"
	default:
		return badRequest("action: want update or password")
	}
	u, err := s.updateUser(r, id, b, p)
	return s.done(w, r, "/admin#users", err, refused, "User %s %s.", u.Name, what)
}

// tokenData is the page that shows a new API token's secret, once.
type tokenData struct{ Token tokenView }

func (s *Server) adminCreateToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	v, err := s.createToken(r, r.PostFormValue("name"), r.PostFormValue("role"), p)
	if err != nil {
		return s.done(w, r, "/admin#tokens", err, "Token not created", "")
	}
	// The secret is shown in this answer only: not in a redirect's URL, a
	// cookie or the store.
	return s.page(w, r, p, http.StatusOK, "token", "New API token", tokenData{v})
}

func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = s.st.RevokeToken(r.Context(), id, p.name)
	return s.done(w, r, "/admin#tokens", err, "Token not revoked", "Token #%d revoked.", id)
}

func (s *Server) adminSetRanges(w http.ResponseWriter, r *http.Request, p *principal) error {
	lines := strings.FieldsFunc(r.PostFormValue("ranges"), func(c rune) bool { return c == '\n' || c == '\r' || c == ',' || c == ' ' })
	ps, err := parsePrefixes(lines)
	if err == nil {
		err = s.st.SetAllowedRanges(r.Context(), ps, p.name)
	}
	return s.done(w, r, "/admin#ranges", err, "Allowed ranges not changed", "%s allowed.", plural(len(ps), "range"))
}

// plural is "1 range", "3 ranges".
func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
