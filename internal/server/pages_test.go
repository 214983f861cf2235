package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/store"
	"golang.org/x/net/html"
)

// seed stores two complete scans of three hosts: a covered Huawei router
// whose banner holds markup and bytes that are not text, a suspected
// Hikvision camera and a Cisco switch, which the second scan no longer
// sees. Both scans run two security checks on the router: the first finds
// both, the second only the KEV one, so the other is cleared. It returns
// the two runs.
func (h *harness) seed() (run1, run2 int64) {
	h.t.Helper()
	ctx := context.Background()
	banner := "HTTP/1.1 200 OK\r\nServer: Huawei-AR <script>alert(1)</script>\x00\xff\r\n"
	hosts := []struct {
		ip  string
		obs map[string]string
		id  covered.Identification
	}{
		{"10.7.0.1", map[string]string{"http.banner": banner}, covered.Identification{Status: covered.StatusCovered,
			CoveredEntity: "Huawei", Manufacturer: "Huawei", Model: "AR6140", DeviceType: "router", Confidence: 0.95,
			Rationale: "the HTTP server names Huawei", Review: []string{"confirm the model"},
			Evidence: []covered.Evidence{{Key: "http.banner", Value: banner, Rule: "huawei-ar-http", Says: "Huawei", Role: "manufacturer", Certainty: 0.9, Source: "scan"}}}},
		{"10.7.0.2", map[string]string{"rtsp.server": "Hikvision RTSP"}, covered.Identification{Status: covered.StatusSuspected,
			CoveredEntity: "Hikvision", Manufacturer: "Hikvision", DeviceType: "camera", Confidence: 0.6}},
		{"10.7.0.3", map[string]string{"snmp.sysdescr": "Cisco IOS"}, covered.Identification{Status: covered.StatusNotCovered,
			Manufacturer: "Cisco", DeviceType: "switch", Confidence: 0.9}},
	}
	kev := store.CheckFinding{Check: "huawei-ar-kev", Title: "Huawei AR firmware in a KEV advisory", Severity: "critical",
		CVEs: []string{"CVE-2017-17215"}, KEV: true, KEVDateAdded: "2021-11-03", SideEffect: "none",
		Evidence: []store.CheckEvidence{{Key: "http.banner", Value: "Huawei-AR <b>bold</b>", Port: 80}}, Advice: "update the firmware"}
	weak := store.CheckFinding{Check: "cleartext-http", Title: "HTTP management in cleartext", Severity: "medium", SideEffect: "none",
		Evidence: []store.CheckEvidence{{Key: "http.banner", Value: "Huawei-AR", Port: 80}}, Advice: "use HTTPS"}
	checks := [][]store.CheckFinding{{kev, weak}, {kev}}
	scan := func(n int) int64 {
		run, err := h.st.BeginRun(ctx, store.Run{Kind: store.RunScan, User: "tester", Site: "hq", Scope: []string{"10.7.0.0/24"}})
		if err != nil {
			h.t.Fatal(err)
		}
		var obs []covered.Observation
		var ids []covered.Identification
		for _, x := range hosts[:n] {
			for k, v := range x.obs {
				obs = append(obs, covered.Observation{Host: x.ip, IP: x.ip, Key: k, Value: v, Port: 80, Transport: "tcp", Source: "scan", Seen: time.Now()})
			}
			id := x.id
			id.Host, id.RulesVersion, id.ListsVersion = x.ip, "r1", "l1"
			ids = append(ids, id)
		}
		if err := h.st.Ingest(ctx, run, obs, ids); err != nil {
			h.t.Fatal(err)
		}
		if err := h.st.RecordCheckFindings(ctx, run, []store.HostChecks{{Host: "10.7.0.1",
			Ran: []string{kev.Check, weak.Check}, Findings: checks[0]}}); err != nil {
			h.t.Fatal(err)
		}
		checks = checks[1:]
		if _, err := h.st.FinishRun(ctx, run, store.RunComplete, store.RunCounts{Hosts: int64(n), Observations: int64(len(obs))}); err != nil {
			h.t.Fatal(err)
		}
		return run
	}
	return scan(3), scan(2)
}

// user is a logged-in browser session of the harness.
type user struct {
	h    *harness
	c    *http.Client
	csrf string
}

func (h *harness) as(role auth.Role) *user {
	h.t.Helper()
	u := &user{h: h, c: h.browser()}
	if resp := h.login(u.c, string(role), password); resp.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("login as %s: %d", role, resp.StatusCode)
	}
	_, page := u.get("/")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		h.t.Fatalf("no CSRF token on the overview of %s", role)
	}
	u.csrf = m[1]
	return u
}

func (u *user) get(path string) (*http.Response, string) {
	u.h.t.Helper()
	req, _ := http.NewRequest("GET", u.h.ts.URL+path, nil)
	return u.h.send(u.c, req)
}

// post sends a form with the session's CSRF token.
func (u *user) post(path string, form url.Values) (*http.Response, string) {
	u.h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", u.csrf)
	}
	req, _ := http.NewRequest("POST", u.h.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return u.h.send(u.c, req)
}

// follow posts a form and reads the page it redirects to.
func (u *user) follow(path string, form url.Values) string {
	u.h.t.Helper()
	resp, body := u.post(path, form)
	if resp.StatusCode != http.StatusSeeOther {
		u.h.t.Fatalf("POST %s: %d, want a redirect:\n%s", path, resp.StatusCode, body)
	}
	_, page := u.get(resp.Header.Get("Location"))
	return page
}

// checkPage parses a page and checks what every page must hold to: no
// inline script or style, no handler attributes, nothing from another
// host, a CSRF token in every form that posts, a label for every field.
func checkPage(t *testing.T, path, page string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	labels := map[string]bool{}
	var fields []string
	var walk func(n *html.Node, form *html.Node)
	walk = func(n *html.Node, form *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
				switch {
				case a.Key == "style":
					t.Errorf("%s: <%s style=...>: the CSP forbids inline style", path, n.Data)
				case strings.HasPrefix(a.Key, "on"):
					t.Errorf("%s: <%s %s=...>: no inline handlers", path, n.Data, a.Key)
				case (a.Key == "src" || a.Key == "href" || a.Key == "action") && (strings.Contains(a.Val, "//") || strings.HasPrefix(strings.ToLower(a.Val), "javascript:")):
					t.Errorf("%s: <%s %s=%q>: nothing from elsewhere", path, n.Data, a.Key, a.Val)
				}
			}
			switch n.Data {
			case "script":
				if attr["src"] == "" {
					t.Errorf("%s: inline <script>", path)
				}
			case "style":
				t.Errorf("%s: inline <style>", path)
			case "form":
				form = n
				if strings.EqualFold(attr["method"], "post") && !regexp.MustCompile(`name="csrf"`).MatchString(render(n)) {
					t.Errorf("%s: a form posting to %s has no csrf field", path, attr["action"])
				}
			case "label":
				labels[attr["for"]] = true
			case "input", "select", "textarea":
				if attr["type"] != "hidden" {
					if attr["id"] == "" {
						t.Errorf("%s: <%s name=%q> has no id for a label", path, n.Data, attr["name"])
					}
					fields = append(fields, attr["id"])
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, form)
		}
	}
	walk(doc, nil)
	for _, id := range fields {
		if id != "" && !labels[id] {
			t.Errorf("%s: field %q has no <label for>", path, id)
		}
	}
}

func render(n *html.Node) string {
	var b strings.Builder
	html.Render(&b, n)
	return b.String()
}

// TestPagesRender: every page answers for every role that may see it,
// holds to checkPage, and shows in its navigation what the role may use.
func TestPagesRender(t *testing.T) {
	h := newHarness(t)
	run1, run2 := h.seed()
	assets, err := h.st.Assets(context.Background(), store.AssetFilter{})
	if err != nil || len(assets) != 3 {
		t.Fatalf("seeded assets: %v, %v", assets, err)
	}
	paths := []string{"/", "/assets", "/assets?q=huawei&status=covered&sort=-ip", "/findings", "/findings?state=open&inactive=true",
		fmt.Sprintf("/assets/%d", assets[0].ID), "/runs", fmt.Sprintf("/runs/%d", run1), "/diff", fmt.Sprintf("/diff?from=%d&to=%d", run1, run2),
		"/reports", "/scan"}
	for _, role := range auth.Roles() {
		u := h.as(role)
		for _, path := range paths {
			resp, page := u.get(path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s as %s: %d\n%s", path, role, resp.StatusCode, page)
				continue
			}
			checkPage(t, path, page)
		}
		_, page := u.get("/")
		for label, need := range map[string]auth.Role{"Assets": auth.Viewer, "Scan": auth.Operator, "Admin": auth.Admin} {
			if shown := strings.Contains(page, `">`+label+`</a>`); shown != role.Allows(need) {
				t.Errorf("nav of %s shows %s: %v", role, label, shown)
			}
		}
	}
	resp, page := h.as(auth.Admin).get("/admin")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/admin: %d", resp.StatusCode)
	}
	checkPage(t, "/admin", page)
}

// TestPageContent: the figures and evidence the pages show, escaped.
func TestPageContent(t *testing.T) {
	h := newHarness(t)
	run1, run2 := h.seed()
	u := h.as(auth.Viewer)
	// The overview's figures are kept between views: concurrent views
	// share them.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", h.ts.URL+"/", nil)
			if resp, err := u.c.Do(req); err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("concurrent overview: %v %v", resp, err)
			} else {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	_, page := u.get("/")
	for _, want := range []string{"Huawei", "Hikvision", "router", "camera", "<polyline", "10.0.0.0/8", "never scanned", "#" + fmt.Sprint(run2)} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	_, page = u.get("/assets?q=AR6140")
	if !strings.Contains(page, "1 asset<") || !strings.Contains(page, "10.7.0.1") || strings.Contains(page, "10.7.0.2<") {
		t.Errorf("search for the model: want the router alone:\n%s", page)
	}
	_, page = u.get("/assets?status=not_covered")
	if !strings.Contains(page, "10.7.0.3") || strings.Contains(page, "10.7.0.1<") {
		t.Errorf("status filter: want the switch alone")
	}
	// The id order pages by key: forwards, and back from a later page.
	_, page = u.get("/assets?limit=2")
	if !strings.Contains(page, "2 assets of 3, #1 to #2") || !strings.Contains(page, `href="/assets?after=2&amp;limit=2" rel="next"`) || strings.Contains(page, `rel="prev"`) {
		t.Errorf("first page of two: want 2 of 3 and a next link:\n%s", page)
	}
	_, page = u.get("/assets?after=2&limit=2")
	if !strings.Contains(page, "1 asset of 3, #3 to #3") || !strings.Contains(page, `href="/assets?before=3&amp;limit=2" rel="prev"`) || strings.Contains(page, `rel="next"`) {
		t.Errorf("second page of two: want the third asset and a previous link:\n%s", page)
	}
	_, page = u.get("/assets?before=3&limit=2")
	if !strings.Contains(page, "2 assets of 3, #1 to #2") || strings.Contains(page, `rel="prev"`) || !strings.Contains(page, `rel="next"`) {
		t.Errorf("back to the first page: want #1 to #2 and no previous link:\n%s", page)
	}
	_, page = u.get("/assets?sort=-id&limit=2&after=3")
	if !strings.Contains(page, "2 assets of 3, #2 to #1") {
		t.Errorf("the reversed id order after #3: want #2 then #1")
	}
	// Other orders page by offset.
	_, page = u.get("/assets?limit=2&sort=ip")
	if !strings.Contains(page, "1–2 of 3") || !strings.Contains(page, `href="/assets?limit=2&amp;offset=2&amp;sort=ip" rel="next"`) || strings.Contains(page, `rel="prev"`) {
		t.Errorf("first page of two by address: want 1–2 of 3 and a next link:\n%s", page)
	}
	_, page = u.get("/assets?limit=2&sort=ip&offset=2")
	if !strings.Contains(page, "3–3 of 3") || !strings.Contains(page, `rel="prev"`) || strings.Contains(page, `rel="next"`) || !strings.Contains(page, "10.7.0.3") {
		t.Errorf("second page by address: want 3–3 of 3 and a previous link")
	}
	if !strings.Contains(page, `aria-sort="ascending"><a href="/assets?limit=2&amp;sort=-ip">Address ↑`) {
		t.Errorf("the address column sorted ascending should link to the descending order")
	}
	if resp, _ := u.get("/assets?before=3&sort=ip"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("before= with another order: %d, want 400", resp.StatusCode)
	}
	resp, page := u.get("/assets?subnet=10.0.0.0/99")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "parameter subnet") {
		t.Errorf("bad subnet: %d, want 400 with the reason", resp.StatusCode)
	}
	_, page = u.get("/")
	if !regexp.MustCompile(`Open security check findings by severity <span class="count">1</span>`).MatchString(page) {
		t.Error("overview: want one open security check finding")
	}
	router := h.assetAt("10.7.0.1")
	_, page = u.get(fmt.Sprintf("/assets/%d", router))
	for _, want := range []string{"huawei-ar-http", "&lt;script&gt;alert(1)&lt;/script&gt;", `\x00\xff`, "the HTTP server names Huawei", "confirm the model", "AR6140"} {
		if !strings.Contains(page, want) {
			t.Errorf("asset page lacks %q", want)
		}
	}
	for _, want := range []string{"Huawei AR firmware in a KEV advisory", "CVE-2017-17215", "KEV 2021-11-03", "Huawei-AR &lt;b&gt;bold&lt;/b&gt;", "update the firmware"} {
		if !strings.Contains(page, want) {
			t.Errorf("asset page: security checks lack %q", want)
		}
	}
	if strings.Contains(page, "HTTP management in cleartext") {
		t.Error("asset page shows a cleared check finding")
	}
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "Save finding") {
		t.Error("asset page: raw markup, or a remediation form for a viewer")
	}
	_, page = u.get(fmt.Sprintf("/diff?from=%d&to=%d", run1, run2))
	if !strings.Contains(page, "10.7.0.3") || !strings.Contains(page, "1 gone") {
		t.Errorf("diff: want the switch gone:\n%s", page)
	}
	_, page = u.get("/diff")
	if !strings.Contains(page, fmt.Sprintf("to run <a href=\"/runs/%d\">", run2)) {
		t.Errorf("diff without runs named: want the last two runs")
	}
	resp, body := u.get("/reports/download?kind=889&format=csv")
	if resp.StatusCode != http.StatusOK || body != "report 889 csv" || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("report download: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, _ := u.get("/reports/download?kind=secret"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown report kind: %d, want 400", resp.StatusCode)
	}
}

func (h *harness) assetAt(ip string) int64 {
	h.t.Helper()
	as, err := h.st.Assets(context.Background(), store.AssetFilter{Search: ip})
	if err != nil || len(as) != 1 {
		h.t.Fatalf("asset at %s: %v, %v", ip, as, err)
	}
	return as[0].ID
}

// TestRemediationForm: an operator's form changes a finding and says so
// once; a refused change says why and changes nothing; a viewer cannot
// post; a quick action returns to the queue it came from.
func TestRemediationForm(t *testing.T) {
	h := newHarness(t)
	h.seed()
	router := h.assetAt("10.7.0.1")
	fs, _ := h.st.Findings(context.Background(), store.FindingFilter{AssetID: router})
	if len(fs) != 1 {
		t.Fatalf("findings of the router: %v", fs)
	}
	id := fs[0].ID
	op := h.as(auth.Operator)
	openCount := regexp.MustCompile(`Open findings by covered entity <span class="count">(\d+)</span>`)
	if _, page := op.get("/"); openCount.FindStringSubmatch(page)[1] != "2" {
		t.Errorf("overview before: %v open findings, want 2", openCount.FindStringSubmatch(page))
	}
	back := fmt.Sprintf("/assets/%d#finding-%d", router, id)
	form := url.Values{"state": {"replaced"}, "owner": {"net-team"}, "ticket": {"CHG-7"}, "due": {"2026-12-31"}, "notes": {""},
		"reason": {""}, "expires": {""}, "reported": {""}, "follow_up": {""}, "comment": {"swapped for a Juniper"}, "back": {back}}
	page := op.follow(fmt.Sprintf("/findings/%d/remediation", id), form)
	if !strings.Contains(page, "is now replaced") || !strings.Contains(page, "net-team") || !strings.Contains(page, "swapped for a Juniper") {
		t.Errorf("after the form: want the flash, the owner and the comment:\n%s", page)
	}
	if _, again := op.get(fmt.Sprintf("/assets/%d", router)); strings.Contains(again, "is now replaced") {
		t.Error("the flash showed twice")
	}
	if _, page := op.get("/"); openCount.FindStringSubmatch(page)[1] != "1" {
		t.Errorf("overview after the router was replaced: %v open findings, want 1 (a stale cache?)", openCount.FindStringSubmatch(page))
	}
	f, _ := h.st.Finding(context.Background(), id)
	if f.Remediation.State != store.StateReplaced || f.Remediation.Owner != "net-team" || f.Remediation.Due.Format(time.DateOnly) != "2026-12-31" {
		t.Errorf("stored remediation: %+v", f.Remediation)
	}
	// Accepted risk needs a reason: refused, and said so.
	page = op.follow(fmt.Sprintf("/findings/%d/remediation", id), url.Values{"state": {"accepted_risk"}, "back": {back}})
	if !strings.Contains(page, "not changed") || !strings.Contains(page, "reason") {
		t.Errorf("accepted risk without a reason: want the refusal on the page")
	}
	if f, _ := h.st.Finding(context.Background(), id); f.Remediation.State != store.StateReplaced {
		t.Errorf("a refused change changed the state to %s", f.Remediation.State)
	}
	// A viewer may not post, and without the CSRF token nobody may.
	if resp, _ := h.as(auth.Viewer).post(fmt.Sprintf("/findings/%d/remediation", id), url.Values{"state": {"open"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer posting the form: %d, want 403", resp.StatusCode)
	}
	if resp, _ := op.post(fmt.Sprintf("/findings/%d/remediation", id), url.Values{"state": {"open"}, "csrf": {"forged"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged CSRF token: %d, want 403", resp.StatusCode)
	}
	// The queue's quick action: the camera's finding to replacing, back to
	// the filtered queue.
	_, queue := op.get("/findings?entity=Hikvision")
	if !strings.Contains(queue, "Mark replacing<span class=\"sr\">") {
		t.Fatalf("queue: no quick action:\n%s", queue)
	}
	cam, _ := h.st.Findings(context.Background(), store.FindingFilter{Entity: "Hikvision"})
	resp, _ := op.post(fmt.Sprintf("/findings/%d/remediation", cam[0].ID), url.Values{"state": {"replacing"}, "back": {"/findings?entity=Hikvision"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/findings?entity=Hikvision" {
		t.Errorf("quick action: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = op.post(fmt.Sprintf("/findings/%d/remediation", cam[0].ID), url.Values{"state": {"replacing"}, "back": {"//evil.example/"}})
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("a back link to another host redirected to %q, want /", loc)
	}
}

// TestScanForm: a refused scan shows the form again with the reason and
// what was typed; an accepted one goes to its run.
func TestScanForm(t *testing.T) {
	h := newHarness(t)
	op := h.as(auth.Operator)
	resp, page := op.post("/scan", url.Values{"targets": {"192.168.9.0/24"}, "site": {"lab"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "outside the ranges") || !strings.Contains(page, "192.168.9.0/24</textarea>") {
		t.Errorf("scan outside the allowed ranges: %d\n%s", resp.StatusCode, page)
	}
	resp, _ = op.post("/scan", url.Values{"targets": {"10.9.0.1\n10.9.0.8/30"}, "site": {"lab"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/runs/") {
		t.Fatalf("scan: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(h.scans) != 1 || strings.Join(h.scans[0].Targets, " ") != "10.9.0.1 10.9.0.8/30" || h.scans[0].Site != "lab" || h.scans[0].Actor != "operator" {
		t.Errorf("scans started: %+v", h.scans)
	}
	_, page = op.get(resp.Header.Get("Location"))
	if !strings.Contains(page, "Scan started as run") || !strings.Contains(page, "http-equiv=\"refresh\"") {
		t.Errorf("run page after the scan form: want the flash and a refresh while running")
	}
	if resp, _ := h.as(auth.Viewer).post("/scan", url.Values{"targets": {"10.9.0.1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer starting a scan: %d, want 403", resp.StatusCode)
	}
}

// TestAdminForms: users, tokens and ranges through the admin page.
func TestAdminForms(t *testing.T) {
	h := newHarness(t)
	a := h.as(auth.Admin)
	page := a.follow("/admin/users", url.Values{"name": {"carol"}, "role": {"viewer"}, "password": {"a long enough password"}})
	if !strings.Contains(page, "User carol created") {
		t.Errorf("create user: no confirmation")
	}
	carol, err := h.st.UserByName(context.Background(), "carol")
	if err != nil {
		t.Fatal(err)
	}
	page = a.follow(fmt.Sprintf("/admin/users/%d", carol.ID), url.Values{"action": {"update"}, "role": {"operator"}, "disabled": {"on"}})
	if carol, _ = h.st.UserByName(context.Background(), "carol"); carol.Role != "operator" || !carol.Disabled || !strings.Contains(page, "User carol changed") {
		t.Errorf("update user: %+v", carol)
	}
	page = a.follow(fmt.Sprintf("/admin/users/%d", carol.ID), url.Values{"action": {"password"}, "password": {"short"}})
	if !strings.Contains(page, "Password not changed") {
		t.Errorf("short password: no refusal shown")
	}
	admin, _ := h.st.UserByName(context.Background(), "admin")
	page = a.follow(fmt.Sprintf("/admin/users/%d", admin.ID), url.Values{"action": {"update"}, "role": {"viewer"}})
	if !strings.Contains(page, "no enabled administrator") {
		t.Errorf("demoting the last admin: no refusal shown")
	}
	resp, page := a.post("/admin/tokens", url.Values{"name": {"ci"}, "role": {"viewer"}})
	m := regexp.MustCompile(`value="(cvt_[^"]+)"`).FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create token: %d, no secret on the page", resp.StatusCode)
	}
	if resp, _ := h.do("GET", "/api/v1/me", m[1], ""); resp.StatusCode != http.StatusOK {
		t.Errorf("the new token: %d", resp.StatusCode)
	}
	if _, page := a.get("/admin"); strings.Contains(page, m[1]) {
		t.Error("the admin page shows a token's secret again")
	}
	ts, _ := h.st.Tokens(context.Background())
	var ci int64
	for _, tk := range ts {
		if tk.Name == "ci" {
			ci = tk.ID
		}
	}
	a.follow(fmt.Sprintf("/admin/tokens/%d/revoke", ci), nil)
	if resp, _ := h.do("GET", "/api/v1/me", m[1], ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the revoked token: %d, want 401", resp.StatusCode)
	}
	page = a.follow("/admin/ranges", url.Values{"ranges": {"10.20.0.0/16\n127.50.0.0/16\n"}})
	ranges, _, _ := h.st.AllowedRanges(context.Background())
	if !strings.Contains(page, "2 ranges allowed") || len(ranges) != 2 {
		t.Errorf("set ranges: %v", ranges)
	}
	page = a.follow("/admin/ranges", url.Values{"ranges": {"10.0.0.0/33"}})
	if ranges, _, _ := h.st.AllowedRanges(context.Background()); !strings.Contains(page, "not changed") || len(ranges) != 2 {
		t.Errorf("a bad range: want a refusal and no change, got %v", ranges)
	}
	if _, body := a.get("/admin"); !strings.Contains(body, "token.revoke") || !strings.Contains(body, "user.update") {
		t.Error("the audit log on the admin page lacks the revocation or the user change")
	}
}
