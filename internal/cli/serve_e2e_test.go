package cli

// The dashboard's end-to-end test lives here rather than in internal/server
// because it needs the real scan and report operations that `covered serve`
// passes to the server (webScan, webReport: unexported here), and the
// device lab helpers of this package's tests. The server's own tests cover
// the pages and forms without a browser.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/server"
	"github.com/coveredtool/covered/internal/store"
)

// chromiumPath is Debian's headless Chromium. Without it the test skips,
// except under CI (CI=true), where a missing browser fails.
func chromiumPath(t *testing.T) string {
	t.Helper()
	const bin = "/usr/lib/chromium/chromium-headless-shell"
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	const hint = "install it with: apt-get install chromium-headless-shell (test.sh does when it is missing)"
	if os.Getenv("CI") == "true" {
		t.Fatalf("no headless Chromium at %s: %s", bin, hint)
	}
	t.Skipf("no headless Chromium at %s: %s", bin, hint)
	return ""
}

// browserTest drives one tab of headless Chromium against the server at
// base, and records what the tab loads and logs.
type browserTest struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	requests []string // every URL the tab requested
	problems []string // console errors, exceptions, CSP violations
}

func (b *browserTest) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// navigate runs steps that load a page (a link, a form) and waits for it.
func (b *browserTest) navigate(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		b.t.Fatalf("%s: no page loaded", what)
	}
	return resp.Status
}

func (b *browserTest) open(path string) {
	b.t.Helper()
	if code := b.navigate("open "+path, chromedp.Navigate(b.base+path)); code != 200 {
		b.t.Fatalf("open %s: HTTP %d", path, code)
	}
}

func (b *browserTest) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func evalJS[T any](b *browserTest, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (b *browserTest) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// login fills the login form the tab shows and expects the overview.
func (b *browserTest) login(name, password string) {
	b.t.Helper()
	b.do("fill the login form", chromedp.SetValue(chromedp.ID("name"), name), chromedp.SendKeys(chromedp.ID("password"), password))
	b.navigate("log in", chromedp.Click(chromedp.CSS(`form[action="/login"] button`)))
	if h1 := b.text("h1"); h1 != "Overview" {
		b.t.Fatalf("after logging in as %s: %q, want the overview", name, h1)
	}
}

// listen records the tab's requests and its problems.
func (b *browserTest) listen() {
	err := chromedp.Listen(b.ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, ev.Request.URL)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				b.problems = append(b.problems, fmt.Sprintf("%s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception: "+ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				b.problems = append(b.problems, fmt.Sprintf("console.%s", ev.Type))
			}
		}
	})
	if err != nil {
		b.t.Fatal(err)
	}
}

// TestDashboardInBrowser drives the dashboard in headless Chromium as an
// operator would, over a real server, store, scanner and device lab: log
// in (a wrong password first), use the assets page by keyboard alone,
// filter assets, read an asset's evidence, mark its finding replaced, download a
// report, scan a second part of the lab from the scan form and watch its
// findings arrive, screenshot the overview, log out. Throughout, the
// pages load nothing from another host and log no error.
func TestDashboardInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives headless Chromium over scans of the device lab")
	}
	chromium := chromiumPath(t)
	began := time.Now()
	ctx := context.Background()

	// A first part of the lab is in the store already (a CLI scan); the
	// second part is scanned from the dashboard.
	db := filepath.Join(t.TempDir(), "covered.db")
	first := startTestLab(t, "127.50.0.1", false, "hikvision-ipc", "juniper-switch")
	second := startTestLab(t, "127.50.1.1", false, "huawei-ar-router", "dahua-ipc")
	mustRun(t, append([]string{"scan", "-q", "--no-neighbor", "--db", db, "--site", "lab"}, labTargets(first)...)...)

	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const pw = "a browser test password"
	hash, err := auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range auth.Roles() {
		if _, err := st.CreateUser(ctx, string(role), string(role), hash, "test"); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetAllowedRanges(ctx, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, "test"); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	p := Program{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, g: &globals{db: db}}
	srv, err := server.New(server.Config{Store: st, Version: "e2e", Scan: p.webScan(&knowFlags{}), Report: p.webReport(st)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler()) // on 127.0.0.1
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
		if stderr.Len() > 0 {
			t.Logf("server stderr: %s", stderr.String())
		}
	})

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 768), chromedp.DisableGPU)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	if err := chromedp.Do(tabCtx); err != nil { // starts the browser, without the deadline below
		t.Fatalf("start Chromium: %v", err)
	}
	runCtx, cancel := context.WithTimeout(tabCtx, 3*time.Minute)
	defer cancel()
	b := &browserTest{t: t, ctx: runCtx, base: ts.URL}
	b.listen()

	// Log in: a wrong password first.
	b.open("/")
	if loc := b.location(); !strings.HasPrefix(loc, "/login") {
		t.Fatalf("an anonymous visit landed on %s, want the login page", loc)
	}
	b.do("type a wrong password", chromedp.SendKeys(chromedp.ID("name"), "operator"), chromedp.SendKeys(chromedp.ID("password"), "not the password"))
	if code := b.navigate("log in", chromedp.Click(chromedp.CSS(`form[action="/login"] button`))); code != 401 {
		t.Errorf("wrong password: HTTP %d, want 401", code)
	}
	if msg := b.text(".error"); !strings.Contains(msg, "Wrong user name or password") {
		t.Errorf("wrong password: the page says %q", msg)
	}
	b.login("operator", pw)

	// Keyboard alone: the first Tab reaches the skip link, which leads to
	// the content, where the next Tab reaches the search box, with a
	// visible focus; Enter searches.
	b.open("/assets")
	b.do("tab", chromedp.KeyEvent("\t"))
	if got := evalJS[string](b, `document.activeElement.textContent`); got != "Skip to content" {
		t.Errorf("the first Tab reached %q, want the skip link", got)
	}
	b.do("skip", chromedp.KeyEvent("\r"), chromedp.KeyEvent("\t"))
	if id := evalJS[string](b, `document.activeElement.id`); id != "q" {
		t.Fatalf("Tab after the skip link reached #%s, want the search box #q", id)
	}
	if outline := evalJS[string](b, `getComputedStyle(document.activeElement).outlineStyle + " " + getComputedStyle(document.activeElement).outlineWidth`); strings.HasPrefix(outline, "none") || strings.HasSuffix(outline, " 0px") {
		t.Errorf("the focused search box has no visible outline: %s", outline)
	}
	b.navigate("search by keyboard", chromedp.KeyEvent("hikvision\r"))
	if loc := b.location(); !strings.Contains(loc, "q=hikvision") {
		t.Errorf("Enter in the search box went to %s", loc)
	}
	if got := b.text("#asset-count"); got != "1 asset" {
		t.Errorf("search for hikvision: %q, want 1 asset", got)
	}

	// Filter assets with the form.
	b.open("/assets")
	b.do("fill the filters", chromedp.SetValue(chromedp.ID("status"), "covered"), chromedp.SendKeys(chromedp.ID("entity"), "Hikvision"))
	b.navigate("filter", chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`)))
	rows := b.text("table tbody")
	if !strings.Contains(rows, "127.50.0.1") || strings.Contains(rows, "127.50.0.2") || b.text("#asset-count") != "1 asset" {
		t.Fatalf("covered Hikvision assets: want 127.50.0.1 alone, got:\n%s", rows)
	}

	// Open the asset and its evidence.
	b.navigate("open the asset", chromedp.Click(chromedp.CSS(`table tbody a[href^="/assets/"]`)))
	assetPath := b.location()
	if h1 := b.text("h1"); !strings.Contains(h1, "127.50.0.1") || !strings.Contains(h1, "covered") {
		t.Errorf("asset page heading %q", h1)
	}
	b.do("go to the evidence", chromedp.Click(chromedp.CSS(`nav.toc a[href="#evidence"]`)))
	if !strings.HasSuffix(b.location(), "#evidence") {
		t.Errorf("the evidence link went to %s", b.location())
	}
	evidence := b.text("#evidence table")
	if !strings.Contains(evidence, "Hikvision") || !regexp.MustCompile(`(?i)hik`).MatchString(b.text("#evidence pre.raw")) {
		t.Errorf("evidence table without the Hikvision evidence:\n%s", evidence)
	}
	if n := evalJS[int](b, `document.querySelectorAll("#observations pre.raw").length`); n == 0 {
		t.Error("no raw observation on the asset page")
	}

	// Mark the finding replaced.
	b.do("fill the remediation form",
		chromedp.SetValue(chromedp.CSS(`form.remediation select[name="state"]`), "replaced"),
		chromedp.SendKeys(chromedp.CSS(`form.remediation input[name="owner"]`), "cctv-team"),
		chromedp.SendKeys(chromedp.CSS(`form.remediation input[name="comment"]`), "taken down by the browser test"))
	b.navigate("save the finding", chromedp.Click(chromedp.CSS(`form.remediation button[type="submit"]`)))
	if flash := b.text(".flash"); !strings.Contains(flash, "is now replaced") {
		t.Errorf("after saving the finding the page says %q", flash)
	}
	if loc := b.location(); !strings.HasPrefix(loc, assetPath) {
		t.Errorf("the form returned to %s, want %s", loc, assetPath)
	}
	hik, err := st.Findings(ctx, store.FindingFilter{Entity: "Hikvision"})
	if err != nil || len(hik) != 1 || hik[0].Remediation.State != store.StateReplaced || hik[0].Remediation.Owner != "cctv-team" || hik[0].Remediation.UpdatedBy != "operator" {
		t.Errorf("the Hikvision finding in the store: %+v, %v", hik, err)
	}

	// Download a report.
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(runCtx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true)}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	b.open("/reports")
	progress := chromedp.BrowserEvents(runCtx, browser.DownloadProgress)
	b.do("download the inventory as CSV", chromedp.Click(chromedp.CSS(`a[href="/reports/download?kind=inventory&format=csv"]`)))
	var guid string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			guid = ev.GUID
			break
		}
	}
	csv, err := os.ReadFile(filepath.Join(downloads, guid))
	if err != nil || !bytes.Contains(csv, []byte("127.50.0.1")) || !bytes.Contains(csv, []byte("Hikvision")) {
		t.Errorf("downloaded report: %v\n%.500s", err, csv)
	}

	// Scan the second part of the lab from the scan form.
	b.open("/scan")
	targets := fmt.Sprintf("%s-%s", second.Devices()[0].Addr, second.Devices()[len(second.Devices())-1].Addr)
	b.do("fill the scan form", chromedp.SendKeys(chromedp.ID("targets"), targets), chromedp.SendKeys(chromedp.ID("site"), "lab"))
	b.navigate("start the scan", chromedp.Click(chromedp.CSS(`form[action="/scan"] button`)))
	runPath := b.location()
	if !regexp.MustCompile(`^/runs/\d+$`).MatchString(runPath) || !strings.Contains(b.text(".flash"), "Scan started as run") {
		t.Fatalf("after the scan form: %s, %q", runPath, b.text("main"))
	}

	// Its findings appear in the queue.
	deadline := time.Now().Add(90 * time.Second)
	for {
		b.open("/findings")
		queue := b.text("#findings-table")
		if strings.Contains(queue, "Huawei") && strings.Contains(queue, "Dahua") && strings.Contains(queue, "127.50.1.") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the findings of the scanned lab did not appear in 90 s:\n%s", queue)
		}
		time.Sleep(time.Second)
	}
	for {
		b.open(runPath)
		if strings.Contains(b.text("h1"), "complete") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s did not complete in time: %q", runPath, b.text("h1"))
		}
		time.Sleep(time.Second)
	}

	// The overview, for review.
	b.open("/")
	if got := b.text("main"); !strings.Contains(got, "Huawei") || !strings.Contains(got, "Dahua") {
		t.Errorf("the overview lacks the new findings:\n%s", got)
	}
	shot, err := chromedp.Run(runCtx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, "overview.png", shot)
	if dir := os.Getenv("COVERED_SCREENSHOT_DIR"); dir != "" {
		// The other pages too, as a 1366x768 screen shows them, for a look;
		// not kept elsewhere.
		for name, path := range map[string]string{"assets": "/assets", "asset": assetPath, "asset-findings": assetPath + "#findings",
			"asset-evidence": assetPath + "#evidence", "findings": "/findings", "run": runPath, "runs": "/runs", "diff": "/diff",
			"reports": "/reports", "scan": "/scan"} {
			b.do("open "+path, chromedp.Navigate(b.base+path))
			shot, err := chromedp.Run(runCtx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Log out: the session is gone.
	b.navigate("log out", chromedp.Click(chromedp.CSS(`form.logout button`)))
	b.open("/")
	if loc := b.location(); !strings.HasPrefix(loc, "/login") {
		t.Errorf("after logging out / went to %s, want the login page", loc)
	}

	if dir := os.Getenv("COVERED_SCREENSHOT_DIR"); dir != "" {
		b.open("/")
		b.login("admin", pw)
		b.open("/admin")
		shot, err := chromedp.Run(runCtx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "admin.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.requests {
		if !strings.HasPrefix(u, ts.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("a page loaded %s, which is not the server", u)
		}
	}
	if len(b.requests) == 0 {
		t.Error("no request recorded: the network listener saw nothing")
	}
	for _, p := range b.problems {
		if strings.Contains(p, "status of 401") { // the wrong password's answer
			continue
		}
		t.Errorf("the browser reported: %s", p)
	}
	t.Logf("browser test took %v (%d requests)", time.Since(began).Round(100*time.Millisecond), len(b.requests))
}

// saveScreenshot writes a screenshot to the test's artifact directory (kept
// with go test -artifacts), to $COVERED_SCREENSHOT_DIR when set, and with
// -update to testdata/, where the committed copy is for review.
func saveScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	const limit = 300 << 10
	if len(png) > limit {
		t.Errorf("screenshot %s is %d KiB, over %d KiB", name, len(png)>>10, limit>>10)
	}
	dirs := []string{t.ArtifactDir()}
	if d := os.Getenv("COVERED_SCREENSHOT_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	if *update {
		dirs = append(dirs, "testdata")
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(d, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}
