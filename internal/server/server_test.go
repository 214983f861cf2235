package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/store"
)

// harness is a server over a fresh SQLite store with one user per role and
// an API token per role.
type harness struct {
	t      *testing.T
	st     *store.Store
	srv    *Server
	ts     *httptest.Server
	tokens map[auth.Role]string
	scans  []ScanRequest
	mu     sync.Mutex
}

// password is every test user's password.
const password = "correct horse battery"

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "covered.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &harness{t: t, st: st, tokens: map[auth.Role]string{}}
	h.srv, err = New(Config{
		Store: st, Version: "test",
		Scan: func(_ context.Context, req ScanRequest) (int64, func(), error) {
			h.mu.Lock()
			h.scans = append(h.scans, req)
			h.mu.Unlock()
			run, err := st.BeginRun(ctx, store.Run{Kind: store.RunScan, User: req.Actor, Scope: req.Targets, Exclusions: []string{}})
			return run, func() {}, err
		},
		Report: func(_ context.Context, req ReportRequest, w io.Writer) (string, string, error) {
			fmt.Fprintf(w, "report %s %s", req.Kind, req.Format)
			return "text/plain", "r." + req.Format, nil
		},
		OwnAddrs: []netip.Addr{netip.MustParseAddr("192.0.2.10")},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.srv.Close() })
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range auth.Roles() {
		u, err := st.CreateUser(ctx, string(r), string(r), hash, "test")
		if err != nil {
			t.Fatal(err)
		}
		plain, th := auth.NewSecret(tokenSecretPrefix)
		if _, err := st.CreateToken(ctx, store.Token{Name: string(r), Role: string(r), Hash: th, UserID: u.ID}, "test"); err != nil {
			t.Fatal(err)
		}
		h.tokens[r] = plain
	}
	if err := st.SetAllowedRanges(ctx, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}, "test"); err != nil {
		t.Fatal(err)
	}
	h.ts = httptest.NewServer(h.srv.Handler())
	t.Cleanup(h.ts.Close)
	return h
}

// do sends a request with an optional token and JSON body.
func (h *harness) do(method, path, token, body string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.ts.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return h.send(http.DefaultClient, req)
}

func (h *harness) send(c *http.Client, req *http.Request) (*http.Response, string) {
	h.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// concrete fills a route pattern's wildcards.
func concrete(pattern string) string {
	p := strings.ReplaceAll(pattern, "{id}", "1")
	p = strings.ReplaceAll(p, "{kind}", "inventory")
	p = strings.ReplaceAll(p, "{file}", "covered.css")
	return strings.ReplaceAll(p, "{$}", "")
}

// TestEveryRouteRefusesTheUnauthorized walks the route table: without
// credentials every non-public route is refused (401, or a redirect to the
// login page for pages), and a role below the route's is refused (403).
func TestEveryRouteRefusesTheUnauthorized(t *testing.T) {
	h := newHarness(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, rt := range h.srv.routes() {
		path := concrete(rt.pattern)
		req, _ := http.NewRequest(rt.method, h.ts.URL+path, nil)
		resp, _ := h.send(noRedirect, req)
		switch {
		case rt.need == "":
			// (A login without credentials is a failed login: 401.)
			if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized && rt.pattern != "/login" {
				t.Errorf("%s %s is public but answered %d", rt.method, path, resp.StatusCode)
			}
		case rt.api || strings.HasPrefix(rt.pattern, "/api/"):
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s without credentials: %d, want 401", rt.method, path, resp.StatusCode)
			}
		default:
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Errorf("%s %s without a session: %d to %q, want a redirect to /login", rt.method, path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		for _, role := range auth.Roles() {
			if rt.need == "" || role.Allows(rt.need) {
				continue
			}
			resp, body := h.do(rt.method, path, h.tokens[role], "")
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d %s, want 403", rt.method, path, role, resp.StatusCode, body)
			}
		}
	}
}

// TestOpenAPIMatchesRoutes: the document lists every API route with the
// role the route requires, and nothing else.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Role string `json:"x-required-role"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]string{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = op.Role
		}
	}
	h := newHarness(t)
	served := map[string]bool{}
	for _, rt := range h.srv.apiRoutes() {
		key := rt.method + " " + rt.pattern
		served[key] = true
		want := string(rt.need)
		if want == "" {
			want = "public"
		}
		role, ok := documented[key]
		switch {
		case !ok:
			t.Errorf("%s is served but not in openapi.json", key)
		case role != want:
			t.Errorf("%s: openapi.json says role %q, the route needs %q", key, role, want)
		}
	}
	for key := range documented {
		if !served[key] {
			t.Errorf("openapi.json documents %s, which is not served", key)
		}
	}
	resp, body := h.do("GET", "/api/v1/openapi.json", "", "")
	if resp.StatusCode != 200 || !json.Valid([]byte(body)) {
		t.Errorf("GET openapi.json: %d, valid JSON %v", resp.StatusCode, json.Valid([]byte(body)))
	}
}

// TestAPICheckFindings: the list of check findings filters by severity,
// asset and check, and shows cleared ones only when asked.
func TestAPICheckFindings(t *testing.T) {
	h := newHarness(t)
	h.seed()
	router := h.assetAt("10.7.0.1")
	viewer := h.tokens[auth.Viewer]
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"huawei-ar-kev"}},
		{"?inactive=true", []string{"huawei-ar-kev", "cleartext-http"}},
		{"?severity=medium,low&inactive=true", []string{"cleartext-http"}},
		{"?severity=medium", []string{}},
		{fmt.Sprintf("?asset=%d&check=huawei-ar-kev&site=hq", router), []string{"huawei-ar-kev"}},
		{"?site=elsewhere", []string{}},
		{"?inactive=true&limit=1&offset=1", []string{"cleartext-http"}},
	} {
		resp, body := h.do("GET", "/api/v1/check-findings"+tc.query, viewer, "")
		var pg struct {
			Items []store.CheckFinding `json:"items"`
			Limit int                  `json:"limit"`
		}
		if err := json.Unmarshal([]byte(body), &pg); resp.StatusCode != 200 || err != nil || pg.Items == nil {
			t.Errorf("%s: %d %v %s", tc.query, resp.StatusCode, err, body)
			continue
		}
		got := []string{}
		for _, c := range pg.Items {
			got = append(got, c.Check)
			if c.AssetID != router || c.IP != "10.7.0.1" || len(c.Evidence) == 0 {
				t.Errorf("%s: %+v", tc.query, c)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: checks %v, want %v", tc.query, got, tc.want)
		}
	}
	if resp, _ := h.do("GET", "/api/v1/check-findings", "", ""); resp.StatusCode != 401 {
		t.Errorf("without a token: %d, want 401", resp.StatusCode)
	}
}

// TestBadRequestsChangeNothing: malformed JSON, unknown fields, oversized
// bodies and bad parameters get a 4xx with a clear message, and the audit
// log shows no change.
func TestBadRequestsChangeNothing(t *testing.T) {
	h := newHarness(t)
	admin, op := h.tokens[auth.Admin], h.tokens[auth.Operator]
	before := h.auditCount()
	for _, tc := range []struct {
		method, path, token, body string
		code                      int
		msg                       string
	}{
		{"POST", "/api/v1/users", admin, `{"name": "x"`, 400, "malformed JSON"},
		{"POST", "/api/v1/users", admin, `{"name": "eve", "role": "admin", "password": "long enough password", "extra": 1}`, 400, `unknown field "extra"`},
		{"POST", "/api/v1/users", admin, `{"name": "eve", "role": "root", "password": "long enough password"}`, 400, "role"},
		{"POST", "/api/v1/users", admin, `{"name": "eve", "role": "viewer", "password": "short"}`, 400, "password"},
		{"POST", "/api/v1/users", admin, `{"name": "eve"} {"name": "mallory"}`, 400, "data after"},
		{"POST", "/api/v1/users", admin, `{"name": "` + strings.Repeat("a", 2<<20) + `"}`, 413, "over"},
		{"PUT", "/api/v1/allowed-ranges", admin, `{"ranges": ["10.0.0.0/33"]}`, 400, "CIDR"},
		{"POST", "/api/v1/findings/1/remediation", op, `{"state": "gone"}`, 404, "not found"},
		{"POST", "/api/v1/scans", op, `{"targets": []}`, 400, "at least one"},
		{"POST", "/api/v1/scans", op, `{"targets": ["example.com"]}`, 400, "want an address"},
		{"GET", "/api/v1/assets?limit=0", admin, "", 400, "parameter limit"},
		{"GET", "/api/v1/assets?status=broken", admin, "", 400, "unknown status"},
		{"GET", "/api/v1/assets?subnet=10.0.0.0/99", admin, "", 400, "parameter subnet"},
		{"GET", "/api/v1/assets?sort=name", admin, "", 400, "parameter sort"},
		{"GET", "/api/v1/assets?seen_since=yesterday", admin, "", 400, "parameter seen_since"},
		{"GET", "/api/v1/check-findings?severity=high,severe", admin, "", 400, "unknown severity"},
		{"GET", "/api/v1/check-findings?asset=x", admin, "", 400, "parameter asset"},
		{"GET", "/api/v1/assets/abc", admin, "", 400, "id"},
		{"GET", "/api/v1/assets/999", admin, "", 404, "not found"},
		{"GET", "/api/v1/reports/secret?format=html", admin, "", 400, "kind"},
		{"GET", "/api/v1/reports/inventory?format=doc", admin, "", 400, "format"},
		{"GET", "/api/v1/nothing", admin, "", 404, "not found"},
	} {
		resp, body := h.do(tc.method, tc.path, tc.token, tc.body)
		var e struct{ Error string }
		json.Unmarshal([]byte(body), &e)
		if resp.StatusCode != tc.code || !strings.Contains(e.Error, tc.msg) {
			t.Errorf("%s %s: %d %q, want %d with %q", tc.method, tc.path, resp.StatusCode, e.Error, tc.code, tc.msg)
		}
	}
	if after := h.auditCount(); after != before {
		t.Errorf("the audit log grew from %d to %d entries after refused requests", before, after)
	}
	if len(h.scans) != 0 {
		t.Errorf("refused scan requests started scans: %v", h.scans)
	}
}

func (h *harness) auditCount() int {
	es, err := h.st.Audit(context.Background(), store.AuditFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return len(es)
}

// TestScansOnlyInAllowedRanges: operators scan allowed ranges only, and
// loopback and the server's own addresses only when named alone.
func TestScansOnlyInAllowedRanges(t *testing.T) {
	h := newHarness(t)
	op := h.tokens[auth.Operator]
	for _, tc := range []struct {
		targets string
		code    int
	}{
		{`["127.0.0.1"]`, 202},
		{`["10.1.2.0/24", "10.9.9.9"]`, 202},
		{`["10.1.2.10-10.1.2.20"]`, 202},
		{`["192.168.1.0/24"]`, 403},
		{`["9.0.0.0/7"]`, 403},
	} {
		resp, body := h.do("POST", "/api/v1/scans", op, `{"targets": `+tc.targets+`}`)
		if resp.StatusCode != tc.code {
			t.Errorf("scan %s: %d %s, want %d", tc.targets, resp.StatusCode, body, tc.code)
		}
	}
	if resp, _ := h.do("POST", "/api/v1/scans", h.tokens[auth.Viewer], `{"targets": ["127.0.0.1"]}`); resp.StatusCode != 403 {
		t.Errorf("a viewer started a scan: %d", resp.StatusCode)
	}
	if len(h.scans) != 3 || !slices.Equal(h.scans[2].Targets, []string{"10.1.2.10/31", "10.1.2.12/30", "10.1.2.16/30", "10.1.2.20"}) {
		t.Errorf("scans started: %+v", h.scans)
	}
	// A broad range does not allow loopback or the server's own address.
	if resp, _ := h.do("PUT", "/api/v1/allowed-ranges", h.tokens[auth.Admin], `{"ranges": ["0.0.0.0/0"]}`); resp.StatusCode != 200 {
		t.Fatalf("set allowed ranges: %d", resp.StatusCode)
	}
	for _, target := range []string{"127.0.0.1", "192.0.2.10"} {
		if resp, _ := h.do("POST", "/api/v1/scans", op, `{"targets": ["`+target+`"]}`); resp.StatusCode != 403 {
			t.Errorf("scan %s under 0.0.0.0/0: %d, want 403", target, resp.StatusCode)
		}
	}
	if resp, _ := h.do("POST", "/api/v1/scans", op, `{"targets": ["198.51.100.7"]}`); resp.StatusCode != 202 {
		t.Errorf("scan of an ordinary address under 0.0.0.0/0: %d, want 202", resp.StatusCode)
	}
}

// browser is a cookie-keeping client that does not follow redirects.
func (h *harness) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (h *harness) login(c *http.Client, name, pw string) *http.Response {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.ts.URL+"/login", strings.NewReader(url.Values{"name": {name}, "password": {pw}, "next": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ := h.send(c, req)
	return resp
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestSessionsAndCSRF: a login sets an HttpOnly, SameSite session cookie;
// a state-changing request of that session without its CSRF token, or
// from another origin, is refused and changes nothing; with it, it works.
func TestSessionsAndCSRF(t *testing.T) {
	h := newHarness(t)
	c := h.browser()
	if resp := h.login(c, "admin", "wrong password!!"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", resp.StatusCode)
	}
	// Another site posting the login form (login CSRF) is refused.
	req, _ := http.NewRequest("POST", h.ts.URL+"/login", strings.NewReader(url.Values{"name": {"admin"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	if resp, _ := h.send(h.browser(), req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin login: %d, want 403", resp.StatusCode)
	}
	resp := h.login(c, "admin", password)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookieInsec {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v: want HttpOnly and SameSite=Strict", cookie)
	}
	req, _ = http.NewRequest("GET", h.ts.URL+"/", nil)
	_, page := h.send(c, req)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", page)
	}
	body := `{"ranges": ["10.0.0.0/8"]}`
	put := func(token, origin string) int {
		req, _ := http.NewRequest("PUT", h.ts.URL+"/api/v1/allowed-ranges", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("X-CSRF-Token", token)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, _ := h.send(c, req)
		return resp.StatusCode
	}
	before := h.auditCount()
	if code := put("", ""); code != http.StatusForbidden {
		t.Errorf("without a CSRF token: %d, want 403", code)
	}
	if code := put("forged", ""); code != http.StatusForbidden {
		t.Errorf("with a wrong CSRF token: %d, want 403", code)
	}
	if code := put(m[1], "http://evil.example"); code != http.StatusForbidden {
		t.Errorf("from another origin: %d, want 403", code)
	}
	if after := h.auditCount(); after != before {
		t.Errorf("refused CSRF attempts changed the audit log: %d to %d", before, after)
	}
	if code := put(m[1], h.ts.URL); code != http.StatusOK {
		t.Errorf("with the CSRF token: %d, want 200", code)
	}
	// Logging out ends the session for good.
	req, _ = http.NewRequest("POST", h.ts.URL+"/logout", strings.NewReader(url.Values{"csrf": {m[1]}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := h.send(c, req); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("GET", h.ts.URL+"/api/v1/me", nil)
	req.AddCookie(cookie)
	if resp, _ := h.send(http.DefaultClient, req); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old session cookie after logout: %d, want 401", resp.StatusCode)
	}
}

// TestLoginRateLimit: after the burst, logins from one address are
// refused even with the right password.
func TestLoginRateLimit(t *testing.T) {
	h := newHarness(t)
	c := h.browser()
	limited := false
	for i := 0; i < 15 && !limited; i++ {
		limited = h.login(c, "viewer", "not the password").StatusCode == http.StatusTooManyRequests
	}
	if !limited {
		t.Fatal("15 failed logins were never rate limited")
	}
	if resp := h.login(c, "viewer", password); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password while limited: %d, want 429", resp.StatusCode)
	}
}

// TestTokens: an admin creates a token (its secret shown once), it works
// with its role, and once revoked it does not.
func TestTokens(t *testing.T) {
	h := newHarness(t)
	resp, body := h.do("POST", "/api/v1/tokens", h.tokens[auth.Admin], `{"name": "ci", "role": "viewer"}`)
	var tok tokenView
	if err := json.Unmarshal([]byte(body), &tok); resp.StatusCode != 201 || err != nil || !strings.HasPrefix(tok.Token, tokenSecretPrefix) {
		t.Fatalf("create token: %d %s", resp.StatusCode, body)
	}
	if resp, _ := h.do("GET", "/api/v1/assets", tok.Token, ""); resp.StatusCode != 200 {
		t.Errorf("new token: %d", resp.StatusCode)
	}
	_, list := h.do("GET", "/api/v1/tokens", h.tokens[auth.Admin], "")
	if strings.Contains(list, tok.Token) || strings.Contains(list, auth.HashSecret(tok.Token)) {
		t.Error("the token list shows a secret or its hash")
	}
	if resp, _ := h.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", tok.ID), h.tokens[auth.Admin], ""); resp.StatusCode != 204 {
		t.Errorf("revoke: %d", resp.StatusCode)
	}
	if resp, _ := h.do("GET", "/api/v1/assets", tok.Token, ""); resp.StatusCode != 401 {
		t.Errorf("revoked token: %d, want 401", resp.StatusCode)
	}
}

// TestSecurityHeaders: every answer carries the CSP without inline script,
// frame denial and no-sniff.
func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/login", "/api/v1/openapi.json", "/healthz", "/nothing"} {
		resp, _ := h.do("GET", path, "", "")
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
}

// TestSetupLink: an empty store gets a one-time link that creates the
// administrator once.
func TestSetupLink(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "covered.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tok, err := srv.Bootstrap(ctx, "")
	if err != nil || tok == "" {
		t.Fatalf("Bootstrap: %q, %v", tok, err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	if resp, _ := http.Get(ts.URL + "/setup?token=wrong"); resp.StatusCode != 404 {
		t.Errorf("wrong setup token: %d", resp.StatusCode)
	}
	form := url.Values{"token": {tok}, "name": {"root"}, "password": {password}, "confirm": {password}}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(ts.URL+"/setup", form)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %v %v", resp.StatusCode, err)
	}
	if u, err := st.UserByName(ctx, "root"); err != nil || u.Role != "admin" {
		t.Errorf("admin after setup: %+v %v", u, err)
	}
	if resp, _ := noRedirect.PostForm(ts.URL+"/setup", form); resp.StatusCode != 404 {
		t.Errorf("second use of the setup link: %d, want 404", resp.StatusCode)
	}
	if again, err := srv.Bootstrap(ctx, ""); again != "" || err != nil {
		t.Errorf("Bootstrap with an admin present: %q, %v", again, err)
	}
}

// TestSafeNext: a post-login redirect never leaves the site.
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/assets?status=covered&q=x": "/assets?status=covered&q=x",
		"/findings/7":                "/findings/7",
		"":                           "/",
		"https://evil.example/":      "/",
		"//evil.example":             "/",
		"/\\evil.example":            "/",
		"/../\\evil.example":         "/",
		"/\t/evil.example":           "/",
		"/\x7f/evil.example":         "/",
		"/login?next=/x":             "/",
		"assets":                     "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMappedLoopbackRefused: an IPv4-mapped IPv6 target is checked as the
// IPv4 address the scanner would reach, so a broad IPv6 allowance does not
// let the server scan itself.
func TestMappedLoopbackRefused(t *testing.T) {
	h := newHarness(t)
	if resp, _ := h.do("PUT", "/api/v1/allowed-ranges", h.tokens[auth.Admin], `{"ranges": ["::/0"]}`); resp.StatusCode != 200 {
		t.Fatalf("set allowed ranges: %d", resp.StatusCode)
	}
	for _, target := range []string{"::ffff:127.0.0.1", "::ffff:127.0.0.0/104", "::ffff:192.0.2.10", "::ffff:0.0.0.0/96"} {
		if resp, body := h.do("POST", "/api/v1/scans", h.tokens[auth.Operator], `{"targets": ["`+target+`"]}`); resp.StatusCode != 403 {
			t.Errorf("scan %s under ::/0: %d %s, want 403", target, resp.StatusCode, body)
		}
	}
}

// TestDemotedCreatorDemotesTokens: a token never does more than its
// creator may do now.
func TestDemotedCreatorDemotesTokens(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	u, err := h.st.UserByName(ctx, "operator")
	if err != nil {
		t.Fatal(err)
	}
	viewer := "viewer"
	if _, err := h.st.UpdateUser(ctx, u.ID, store.UserChange{Role: &viewer}, "test"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := h.do("POST", "/api/v1/scans", h.tokens[auth.Operator], `{"targets": ["127.0.0.1"]}`); resp.StatusCode != 403 {
		t.Errorf("a demoted operator's token started a scan: %d", resp.StatusCode)
	}
	if resp, _ := h.do("GET", "/api/v1/assets", h.tokens[auth.Operator], ""); resp.StatusCode != 200 {
		t.Errorf("a demoted operator's token cannot read: %d", resp.StatusCode)
	}
}

// TestServeNegotiatesHTTP2: under TLS, Serve offers HTTP/2 by ALPN and
// still speaks HTTP/1.1 to clients that ask for it.
func TestServeNegotiatesHTTP2(t *testing.T) {
	cfg, err := TLSConfig("", "", []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) })
	go func() { done <- Serve(ctx, slog.New(slog.DiscardHandler), Listener{Addr: addr, Handler: h, TLS: cfg}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	pool := x509.NewCertPool()
	leaf, err := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool.AddCert(leaf)
	for _, tc := range []struct {
		h2   bool
		want string
	}{{true, "HTTP/2.0"}, {false, "HTTP/1.1"}} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: tc.h2}
		if !tc.h2 {
			tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		}
		var resp *http.Response
		for range 50 { // the listener may not be up yet
			if resp, err = (&http.Client{Transport: tr}).Get("https://" + addr + "/"); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Proto != tc.want || string(body) != tc.want {
			t.Errorf("h2=%v: response %s, handler saw %q; want %s", tc.h2, resp.Proto, body, tc.want)
		}
		tr.CloseIdleConnections()
	}
}
