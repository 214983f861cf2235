package server

import (
	"bytes"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/coveredtool/covered/internal/auth"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are the dashboard's templates, each joined with the layout.
var pages = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		// Files named _*.html are partials every page may use.
		out[strings.TrimSuffix(base, ".html")] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n))
	}
	return out
}()

// view is what every page template gets: the page's own data, the user and
// the CSRF token for its forms.
type view struct {
	Title   string
	User    *principal
	CSRF    string
	Version string
	Flash   *flash // the result of the form posted just before, once
	Nav     []navLink
	Data    any
}

// UserName and Role are for the layout.
func (p *principal) UserName() string { return p.name }
func (p *principal) Role() string     { return string(p.role) }

// Can reports whether the principal has role need ("operator", "admin"),
// for templates that show a form only to those who may post it.
func (p *principal) Can(need string) bool { return p != nil && p.role.Allows(auth.Role(need)) }

// render writes page name with data. The page is rendered to memory first
// so that a template error is a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, p *principal, code int, name, title string, data any) error {
	return s.renderView(w, code, name, s.newView(p, "", title, data))
}

// page renders a dashboard page for the request r: with the navigation
// marking where the user is and the flash message of a preceding form.
func (s *Server) page(w http.ResponseWriter, r *http.Request, p *principal, code int, name, title string, data any) error {
	v := s.newView(p, r.URL.Path, title, data)
	v.Flash = s.takeFlash(w, r)
	return s.renderView(w, code, name, v)
}

func (s *Server) newView(p *principal, path, title string, data any) view {
	v := view{Title: title, User: p, Version: s.cfg.Version, Data: data, Nav: navFor(p, path)}
	if p != nil && p.session != nil {
		v.CSRF = p.session.CSRF
	}
	return v
}

func (s *Server) renderView(w http.ResponseWriter, code int, name string, v view) error {
	t, ok := pages[name]
	if !ok {
		return &httpError{http.StatusInternalServerError, "no page " + name}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, err := buf.WriteTo(w)
	return err
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, p *principal, code int, msg string) {
	v := s.newView(p, r.URL.Path, http.StatusText(code), map[string]any{"Code": code, "Message": msg})
	if err := s.renderView(w, code, "error", v); err != nil {
		http.Error(w, msg, code)
	}
}

type loginData struct {
	Name, Next, Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, p *principal) error {
	if p != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return s.loginForm(w, r, http.StatusOK, "", safeNext(r.URL.Query().Get("next")), "")
}

func (s *Server) loginForm(w http.ResponseWriter, _ *http.Request, code int, name, next, msg string) error {
	return s.render(w, nil, code, "login", "Log in", loginData{Name: name, Next: next, Error: msg})
}

func (s *Server) setupForm(w http.ResponseWriter, _ *http.Request, code int, token, msg string) error {
	return s.render(w, nil, code, "setup", "Create the administrator", map[string]string{"Token": token, "Error": msg})
}

// static serves the embedded CSS and script, cacheable for a day.
func (s *Server) static(w http.ResponseWriter, r *http.Request, _ *principal) error {
	name := r.PathValue("file")
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		return errNotFound
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err = w.Write(b)
	return err
}

// navLink is one entry of the layout's navigation.
type navLink struct {
	Href, Label string
	Current     bool
}

// navFor lists the pages p's role may use, marking the one at path.
func navFor(p *principal, path string) []navLink {
	if p == nil {
		return nil
	}
	links := []struct {
		href, label string
		need        auth.Role
	}{
		{"/", "Overview", auth.Viewer}, {"/assets", "Assets", auth.Viewer}, {"/findings", "Findings", auth.Viewer},
		{"/runs", "Runs", auth.Viewer}, {"/diff", "Diff", auth.Viewer}, {"/reports", "Reports", auth.Viewer},
		{"/scan", "Scan", auth.Operator}, {"/admin", "Admin", auth.Admin},
	}
	var out []navLink
	for _, l := range links {
		if !p.role.Allows(l.need) {
			continue
		}
		cur := path == l.href || l.href != "/" && strings.HasPrefix(path, l.href+"/")
		out = append(out, navLink{l.href, l.label, cur})
	}
	return out
}

// flash is the outcome of a form, shown once on the page the form
// redirects to. It travels in a short-lived cookie rather than the URL, so
// that a link cannot make the dashboard display a message of its choosing.
type flash struct {
	Error bool
	Text  string
}

const maxFlash = 600 // bytes of message text

func (s *Server) flashCookie() string {
	if s.cfg.SecureCookies {
		return "__Host-covered_flash"
	}
	return "covered_flash"
}

// redirect answers a form post: a 303 to the local path to, with the
// outcome to show there.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to string, f flash) {
	if len(f.Text) > maxFlash {
		f.Text = f.Text[:maxFlash] + "…"
	}
	kind := "ok:"
	if f.Error {
		kind = "error:"
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.flashCookie(), Value: base64.RawURLEncoding.EncodeToString([]byte(kind + f.Text)), Path: "/",
		MaxAge: 60, HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, safeNext(to), http.StatusSeeOther)
}

// takeFlash reads the flash cookie of r, if any, and clears it.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(s.flashCookie())
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: s.flashCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil
	}
	if text, ok := strings.CutPrefix(string(b), "error:"); ok {
		return &flash{Error: true, Text: text}
	}
	if text, ok := strings.CutPrefix(string(b), "ok:"); ok {
		return &flash{Text: text}
	}
	return nil
}
