package check

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/probe"
)

// Env is what an active check gets: a dialer that only reaches the device
// and only as often as the check's budget allows, the device, and its own
// declaration.
type Env struct {
	Dialer probe.Dialer
	Device *Device
	Check  *Check

	attempt func(host, checkID, account string) bool
}

// Attempt reserves the single authentication attempt for account on this
// device within the engine's window; false means skip (already tried).
func (e *Env) Attempt(account string) bool {
	return e.attempt(e.Device.Host, e.Check.ID, account)
}

// ActiveFunc is the Go part of a read or auth check: it sends what the
// check declares through env.Dialer and says whether the device is
// affected, with the evidence. It must never put a credential in evidence
// or errors.
type ActiveFunc func(ctx context.Context, env *Env) (ev []Evidence, found bool, err error)

// actives are the registered active checks by name (the probe field).
var actives = map[string]ActiveFunc{
	"zte-web-shell-page":      zteWebShellPage,
	"hikvision-basic-default": hikvisionBasicDefault,
	"dahua-rtsp-default":      dahuaRTSPDefault,
}

// Response bounds of the HTTP helper.
const (
	maxHeaderBytes = 16 << 10
	maxBodyBytes   = 16 << 10
)

// httpPort is the first plain-HTTP port the evidence shows for the device
// (an http.response observed on it), else 80.
func httpPort(d *Device) uint16 {
	for _, o := range d.Observations {
		if o.Key == "http.response" && o.Port > 0 && o.Port < 65536 && o.Port != 443 && o.Port != 8443 {
			return uint16(o.Port)
		}
	}
	return 80
}

// httpGet sends one GET with Connection: close and reads the status and up
// to maxBodyBytes of body. header is extra request header lines.
func httpGet(ctx context.Context, d probe.Dialer, addr netip.Addr, port uint16, path string, header http.Header) (int, []byte, error) {
	target := netip.AddrPortFrom(addr, port).String()
	c, err := d.DialContext(ctx, "tcp", target)
	if err != nil {
		return 0, nil, err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	} else {
		c.SetDeadline(time.Now().Add(5 * time.Second))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: covered-check\r\nAccept: */*\r\nConnection: close\r\n", path, target)
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(c, b.String()); err != nil {
		return 0, nil, fmt.Errorf("GET %s: %w", path, err)
	}
	br := bufio.NewReaderSize(io.LimitReader(c, maxHeaderBytes+maxBodyBytes), 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("GET %s: read reply: %w", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	return resp.StatusCode, body, nil
}

// zteWebShellPage asks whether the F460/F660 maintenance shell page exists
// (CVE-2014-2321): one GET of /web_shell_cmd.gch, never a form submission.
// The markers are the ones public detection templates match on (nuclei
// http/cves/2014/CVE-2014-2321.yaml via shared/domain cves_safe_checks.csv).
func zteWebShellPage(ctx context.Context, env *Env) ([]Evidence, bool, error) {
	const path = "/web_shell_cmd.gch"
	port := httpPort(env.Device)
	status, body, err := httpGet(ctx, env.Dialer, env.Device.Addr, port, path, nil)
	if err != nil {
		return nil, false, nil // no answer: undecided, not an error of the device
	}
	if status != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), "please input shell command") {
		return nil, false, nil
	}
	return []Evidence{{Key: "http.status", Value: strconv.Itoa(status) + " page present (marker \"please input shell command\")", Port: int(port), Path: path}}, true, nil
}

// defaultAccount is a vendor's published default account. The password is
// public (vendor advisories and manuals) and still never leaves this
// package: evidence names the account only.
type defaultAccount struct {
	user, password, source string
}

// hikvisionDefault is the pre-activation default (Hikvision advisory
// 2017-03-02, shared/domain cves_safe_checks.csv).
var hikvisionDefault = defaultAccount{"admin", "12345", "Hikvision security advisory 2017-03-02 (activation since March 2015)"}

// hikvisionBasicDefault makes one authenticated GET of the ISAPI device
// information with the legacy default account, over HTTP Basic, only when
// the device's evidence shows a Basic challenge (a Digest-only device is
// left alone: a Digest login takes two requests and is not attempted). One
// attempt per account per device per window.
func hikvisionBasicDefault(ctx context.Context, env *Env) ([]Evidence, bool, error) {
	basic := false
	for _, o := range env.Device.Observations {
		if o.Key == "http.header.www_authenticate" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(o.Value)), "basic") {
			basic = true
		}
	}
	acct := hikvisionDefault
	if !basic || !env.Attempt(acct.user) {
		return nil, false, nil
	}
	const path = "/ISAPI/System/deviceInfo"
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(acct.user+":"+acct.password)))
	port := httpPort(env.Device)
	status, _, err := httpGet(ctx, env.Dialer, env.Device.Addr, port, path, h)
	if err != nil || status != http.StatusOK {
		return nil, false, nil
	}
	return []Evidence{{Key: "auth.default_account", Value: "account " + acct.user + ": the vendor default password was accepted (password not recorded; " + acct.source + ")", Port: int(port), Path: path}}, true, nil
}
