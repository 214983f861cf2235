package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/store"
)

// route is one endpoint. need is the least role that may call it; "" makes
// it public. API routes answer JSON (errors too) and are documented in
// openapi.json; the others are the dashboard's pages and forms.
type route struct {
	method, pattern string
	need            auth.Role
	api             bool
	h               handler
}

// handler serves one route for an authenticated principal (nil on public
// routes without a session). An error it returns is written as the
// route's kind of error page.
type handler func(w http.ResponseWriter, r *http.Request, p *principal) error

// apiRoutes are the REST API.
func (s *Server) apiRoutes() []route {
	v, o, a := auth.Viewer, auth.Operator, auth.Admin
	return []route{
		{"GET", "/api/v1/openapi.json", "", true, s.openAPI},
		{"GET", "/api/v1/assets", v, true, s.apiAssets},
		{"GET", "/api/v1/assets/{id}", v, true, s.apiAsset},
		{"GET", "/api/v1/findings", v, true, s.apiFindings},
		{"GET", "/api/v1/findings/{id}", v, true, s.apiFinding},
		{"POST", "/api/v1/findings/{id}/remediation", o, true, s.apiSetRemediation},
		{"GET", "/api/v1/check-findings", v, true, s.apiCheckFindings},
		{"GET", "/api/v1/runs", v, true, s.apiRuns},
		{"GET", "/api/v1/runs/{id}", v, true, s.apiRun},
		{"GET", "/api/v1/diff", v, true, s.apiDiff},
		{"GET", "/api/v1/reports/{kind}", v, true, s.apiReport},
		{"POST", "/api/v1/scans", o, true, s.apiStartScan},
		{"GET", "/api/v1/allowed-ranges", v, true, s.apiAllowedRanges},
		{"PUT", "/api/v1/allowed-ranges", a, true, s.apiSetAllowedRanges},
		{"GET", "/api/v1/users", a, true, s.apiUsers},
		{"POST", "/api/v1/users", a, true, s.apiCreateUser},
		{"PATCH", "/api/v1/users/{id}", a, true, s.apiUpdateUser},
		{"GET", "/api/v1/tokens", a, true, s.apiTokens},
		{"POST", "/api/v1/tokens", a, true, s.apiCreateToken},
		{"DELETE", "/api/v1/tokens/{id}", a, true, s.apiRevokeToken},
		{"GET", "/api/v1/audit", a, true, s.apiAudit},
		{"GET", "/api/v1/me", v, true, s.apiMe},
	}
}

// routes is every endpoint: the API, the session routes, the dashboard
// and the operational endpoints.
func (s *Server) routes() []route {
	out := s.apiRoutes()
	out = append(out,
		route{"GET", "/healthz", "", false, s.healthz},
		route{"GET", "/metrics", "", false, s.metricsRoute},
		route{"GET", "/login", "", false, s.loginPage},
		route{"POST", "/login", "", false, s.login},
		route{"POST", "/logout", auth.Viewer, false, s.logout},
		route{"GET", "/setup", "", false, s.setupPage},
		route{"POST", "/setup", "", false, s.setup},
		route{"GET", "/static/{file}", "", false, s.static},
	)
	return append(out, s.pageRoutes()...)
}

func (s *Server) register() error {
	seen := map[string]bool{}
	for _, rt := range s.routes() {
		key := rt.method + " " + rt.pattern
		if seen[key] {
			return fmt.Errorf("server: route %s registered twice", key)
		}
		seen[key] = true
		s.mux.Handle(key, s.wrap(rt))
	}
	// Anything else: 404 in the caller's kind.
	s.mux.Handle("/", s.wrap(route{"", "/", "", false, func(w http.ResponseWriter, r *http.Request, _ *principal) error {
		return errNotFound
	}}))
	return nil
}

// maxBody bounds request bodies: forms and JSON documents of the API are
// small; anything larger is refused before it is read.
const maxBody = 1 << 20

// wrap applies authentication, authorization and CSRF protection to one
// route and renders its errors.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := rt.api || strings.HasPrefix(r.URL.Path, "/api/")
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		p, err := s.authenticate(r)
		if err == nil {
			err = s.authorize(r, rt, p)
		}
		if err == nil {
			err = rt.h(w, r, p)
		}
		if err != nil {
			s.fail(w, r, api, p, err)
		}
	})
}

// authorize checks the role and, for state-changing requests a browser
// session makes, the CSRF token.
func (s *Server) authorize(r *http.Request, rt route, p *principal) error {
	if rt.need == "" {
		if unsafeMethod(r.Method) && !sameOrigin(r) {
			// The login and setup forms have no session to hold a CSRF
			// token yet; another site posting them is refused by origin.
			return errCrossOrigin
		}
		return nil
	}
	if p == nil {
		return errUnauthenticated
	}
	if !p.role.Allows(rt.need) {
		return &httpError{http.StatusForbidden, fmt.Sprintf("this needs the %s role; %s has %s", rt.need, p.name, p.role)}
	}
	if p.session != nil && unsafeMethod(r.Method) {
		return s.checkCSRF(r, p)
	}
	return nil
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// httpError is an error with the status it answers.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

var (
	errCrossOrigin     = &httpError{http.StatusForbidden, "cross-origin request refused"}
	errNotFound        = &httpError{http.StatusNotFound, "not found"}
	errUnauthenticated = &httpError{http.StatusUnauthorized, "log in or give an API token (Authorization: Bearer ...)"}
)

func badRequest(format string, args ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// fail writes err: JSON for the API, a page (or the login page for a
// missing session) for the dashboard. Internal errors are logged and
// answered without detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, p *principal, err error) {
	code, msg := http.StatusInternalServerError, "internal error"
	var he *httpError
	var mbe *http.MaxBytesError
	var ve *store.ValidationError
	switch {
	case errors.As(err, &he):
		code, msg = he.code, he.msg
	case errors.As(err, &mbe):
		code, msg = http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", mbe.Limit)
	case errors.As(err, &ve):
		code, msg = http.StatusBadRequest, ve.Error()
	case errors.Is(err, store.ErrNotFound):
		code, msg = http.StatusNotFound, "not found"
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if !api && code == http.StatusUnauthorized {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
		return
	}
	if api {
		writeJSON(w, code, map[string]any{"error": msg, "status": code})
		return
	}
	s.errorPage(w, r, p, code, msg)
}

// writeJSON writes v as the response.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	// Compact: indentation cost a quarter of a page's time under load.
	json.NewEncoder(w).Encode(v)
}

// readJSON decodes a request body strictly: unknown fields and trailing
// data are errors, so a typo never silently does nothing.
func readJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &httpError{http.StatusUnsupportedMediaType, "send the body as application/json"}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest("malformed JSON body: %v", err)
	}
	if dec.More() {
		return badRequest("malformed JSON body: data after the object")
	}
	return nil
}
