package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/store"
)

// principal is who is making a request: a user through a browser session,
// or an API token with its own role.
type principal struct {
	name    string // user name, or "token:<name>"
	userID  int64
	role    auth.Role
	session *store.Session // nil for API tokens
}

// sessionCookie is the session cookie's name. The __Host- prefix makes
// browsers refuse it unless it is Secure, host-only and for path /.
const (
	sessionCookie       = "__Host-covered_session"
	sessionCookieInsec  = "covered_session" // when SecureCookies is off (plain-HTTP tests)
	sessionSecretPrefix = auth.SessionPrefix
	tokenSecretPrefix   = auth.TokenPrefix
)

func (s *Server) cookieName() string {
	if s.cfg.SecureCookies {
		return sessionCookie
	}
	return sessionCookieInsec
}

// authenticate finds the principal of r: a bearer token, else a session
// cookie. No credentials is not an error (nil principal); bad ones are.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		plain, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !strings.HasPrefix(plain, tokenSecretPrefix) {
			return nil, &httpError{http.StatusUnauthorized, "the Authorization header must be: Bearer cvt_..."}
		}
		t, err := s.st.TokenByHash(r.Context(), auth.HashSecret(plain))
		if errors.Is(err, store.ErrNotFound) {
			return nil, &httpError{http.StatusUnauthorized, "unknown or revoked API token"}
		}
		if err != nil {
			return nil, err
		}
		role, err := auth.ParseRole(t.Role)
		if err != nil {
			return nil, err
		}
		// A token never does more than its creator may do now: demoting a
		// user demotes the tokens they made.
		creator, err := s.st.User(r.Context(), t.UserID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if cr, cerr := auth.ParseRole(creator.Role); err != nil || cerr != nil {
			return nil, &httpError{http.StatusUnauthorized, "the API token's creator no longer exists"}
		} else if !cr.Allows(role) {
			role = cr
		}
		if now := s.now(); now.Sub(t.LastUsed) > time.Minute {
			// Last use to the minute is enough, and spares a write per call.
			if err := s.st.TouchToken(r.Context(), t.ID, now); err != nil {
				s.log.Warn("token last use not recorded", "token", t.ID, "err", err)
			}
		}
		return &principal{name: "token:" + t.Name, userID: t.UserID, role: role}, nil
	}
	c, err := r.Cookie(s.cookieName())
	if err != nil || !strings.HasPrefix(c.Value, sessionSecretPrefix) {
		return nil, nil
	}
	sess, user, err := s.st.SessionByHash(r.Context(), auth.HashSecret(c.Value))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // expired or logged out: treated as no session
	}
	if err != nil {
		return nil, err
	}
	role, err := auth.ParseRole(user.Role)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.Sub(sess.LastSeen) > time.Minute {
		exp := now.Add(sessionIdle)
		if limit := sess.CreatedAt.Add(sessionMax); exp.After(limit) {
			exp = limit
		}
		if err := s.st.TouchSession(r.Context(), sess.IDHash, now, exp); err != nil {
			s.log.Warn("session not extended", "user", user.Name, "err", err)
		}
	}
	return &principal{name: user.Name, userID: user.ID, role: role, session: &sess}, nil
}

// checkCSRF requires the session's CSRF token in the X-CSRF-Token header
// (scripts) or the csrf form field (forms), and a same-origin Origin header
// when the browser sends one.
func (s *Server) checkCSRF(r *http.Request, p *principal) error {
	if !sameOrigin(r) {
		return errCrossOrigin
	}
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" {
		tok = r.PostFormValue("csrf")
	}
	if tok == "" || !auth.CSRFEqual(tok, p.session.CSRF) {
		return &httpError{http.StatusForbidden, "missing or wrong CSRF token: reload the page and try again"}
	}
	return nil
}

// sameOrigin reports whether the request's Origin header, when the browser
// sent one, names this server.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// clientNet is the client's address for rate limiting: the address for
// IPv4, its /64 for IPv6 (one host commonly holds a whole /64).
func clientNet(r *http.Request) string {
	a, err := netip.ParseAddr(clientAddr(r))
	if err != nil || a.Unmap().Is4() {
		return clientAddr(r)
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// clientAddr is the request's remote address without the port, for rate
// limiting. The server is not meant to sit behind a proxy, so
// X-Forwarded-For is not trusted.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// startSession creates a session for user u and sets its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u store.User) error {
	plain, hash := auth.NewSecret(sessionSecretPrefix)
	csrf, _ := auth.NewSecret("")
	now := s.now()
	sess := store.Session{IDHash: hash, UserID: u.ID, CSRF: csrf, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(sessionIdle)}
	if err := s.st.CreateSession(r.Context(), sess); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: plain, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteStrictMode, MaxAge: int(sessionMax / time.Second),
	})
	return nil
}

// login checks a user name and password from the login form. Failures are
// rate limited per client address and per name, and audited.
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *principal) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	if !validUserName(name) {
		return s.loginForm(w, r, http.StatusUnauthorized, "", next, "Wrong user name or password.")
	}
	// Limits per client network and per name from that network: a
	// guesser is slowed down, but cannot lock a name out for everyone
	// else by failing on purpose.
	now, from := s.now(), clientNet(r)
	if !s.logins.Allow("net:"+from, now) || !s.logins.Allow("user:"+strings.ToLower(name)+"@"+from, now) {
		s.log.Warn("login rate limited", "user", name, "from", from)
		w.Header().Set("Retry-After", "30")
		return s.loginForm(w, r, http.StatusTooManyRequests, name, next, "Too many attempts: wait a minute and try again.")
	}
	u, err := s.st.UserByName(r.Context(), name)
	ok := false
	switch {
	case err == nil && !u.Disabled:
		var cerr error
		if ok, cerr = auth.CheckPassword(u.PasswordHash, password); cerr != nil {
			// A user without a usable hash cannot log in; say why in the
			// log, not to the client.
			s.log.Warn("login refused: stored password hash unusable", "user", u.Name, "err", cerr)
			auth.DummyCheck(password)
		}
	case err == nil || errors.Is(err, store.ErrNotFound):
		// Unknown or disabled: spend the time of a real check, so that the
		// response time does not tell which names exist.
		auth.DummyCheck(password)
		err = nil
	}
	if err != nil {
		return err
	}
	if !ok {
		s.st.AuditEvent(r.Context(), name, "session.login_failed", "user", u.ID, map[string]any{"addr": clientAddr(r)})
		return s.loginForm(w, r, http.StatusUnauthorized, name, next, "Wrong user name or password.")
	}
	// A success forgives this name's earlier failures from this network.
	s.logins.Reset("user:" + strings.ToLower(name) + "@" + from)
	if auth.NeedsRehash(u.PasswordHash) {
		// Hashed under older parameters: the password is at hand now, so
		// bring the hash up to the current ones.
		if hash, err := auth.HashPassword(password); err == nil {
			if _, err := s.st.UpdateUser(r.Context(), u.ID, store.UserChange{PasswordHash: &hash}, u.Name); err != nil {
				s.log.Warn("password rehash not stored", "user", u.Name, "err", err)
			}
		}
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	s.st.AuditEvent(r.Context(), u.Name, "session.login", "user", u.ID, map[string]any{"addr": clientAddr(r)})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *principal) error {
	if p.session != nil {
		if err := s.st.DeleteSession(r.Context(), p.session.IDHash); err != nil {
			return err
		}
		s.st.AuditEvent(r.Context(), p.name, "session.logout", "user", p.userID, nil)
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.SecureCookies})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login redirect on this site: a local absolute path
// only. Backslashes and control characters are refused outright (browsers
// read "\" as "/" and drop tabs, so "/\evil.example" or "/\t/evil.example"
// would leave the site), and the cleaned path is checked again.
func safeNext(next string) string {
	for i := 0; i < len(next); i++ {
		if c := next[i]; c == '\\' || c < 0x20 || c == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(next, "//") || strings.HasPrefix(path.Clean(u.Path), "//") || strings.HasPrefix(u.Path, "/login") {
		return "/"
	}
	return next
}

// setupTokenKey is the setting holding the hash of the one-time setup
// token, and setupTokenTTL how long the link works.
const (
	setupTokenKey = "setup_token_hash"
	setupTokenTTL = 24 * time.Hour
)

// Bootstrap prepares the first administrator of an empty store: with a
// password (--admin-password-file) it creates the user "admin"; without,
// it returns a one-time token for the /setup?token= link, valid for a day.
// With users already present it does nothing and returns "".
func (s *Server) Bootstrap(ctx context.Context, adminPassword string) (setupToken string, err error) {
	n, err := s.st.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	if adminPassword != "" {
		hash, err := auth.HashPassword(adminPassword)
		if err != nil {
			return "", fmt.Errorf("admin password: %w", err)
		}
		_, err = s.st.CreateUser(ctx, "admin", string(auth.Admin), hash, "bootstrap")
		return "", err
	}
	plain, hash := auth.NewSecret("cvu_")
	value := hash + " " + s.now().Add(setupTokenTTL).UTC().Format(time.RFC3339)
	if err := s.st.SetSetting(ctx, setupTokenKey, value, "bootstrap"); err != nil {
		return "", err
	}
	return plain, nil
}

// checkSetupToken reports whether plain is the live setup token of an
// empty store, with the setting that holds it (setup consumes exactly that
// value, so a link used twice at once creates one administrator).
func (s *Server) checkSetupToken(r *http.Request, plain string) (string, bool, error) {
	v, ok, err := s.st.Setting(r.Context(), setupTokenKey)
	if err != nil || !ok || plain == "" {
		return "", false, err
	}
	hash, exp, _ := strings.Cut(v, " ")
	until, err := time.Parse(time.RFC3339, exp)
	if err != nil || s.now().After(until) || !auth.CSRFEqual(hash, auth.HashSecret(plain)) {
		return "", false, nil
	}
	n, err := s.st.CountUsers(r.Context())
	return v, n == 0, err
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	tok := r.URL.Query().Get("token")
	_, ok, err := s.checkSetupToken(r, tok)
	if err != nil {
		return err
	}
	if !ok {
		return &httpError{http.StatusNotFound, "this setup link is not valid (used, expired, or an administrator exists already)"}
	}
	return s.setupForm(w, r, http.StatusOK, tok, "")
}

// setup creates the first administrator from the setup form.
func (s *Server) setup(w http.ResponseWriter, r *http.Request, _ *principal) error {
	tok := r.PostFormValue("token")
	setting, ok, err := s.checkSetupToken(r, tok)
	if err != nil {
		return err
	}
	if !ok {
		return &httpError{http.StatusNotFound, "this setup link is not valid (used, expired, or an administrator exists already)"}
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	pw := r.PostFormValue("password")
	switch {
	case !validUserName(name):
		return s.setupForm(w, r, http.StatusBadRequest, tok, "A user name is 1 to 64 letters, digits, dots, dashes or underscores.")
	case pw != r.PostFormValue("confirm"):
		return s.setupForm(w, r, http.StatusBadRequest, tok, "The two passwords differ.")
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return s.setupForm(w, r, http.StatusBadRequest, tok, err.Error())
	}
	u, err := s.st.CreateFirstAdmin(r.Context(), setupTokenKey, setting, name, hash)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExists) {
		return &httpError{http.StatusNotFound, "this setup link is not valid (used, expired, or an administrator exists already)"}
	}
	if err != nil {
		return err
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// validUserName keeps names printable and short.
func validUserName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '@') {
			return false
		}
	}
	return true
}
