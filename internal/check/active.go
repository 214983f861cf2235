package check

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
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

	attempt func(ctx context.Context, d *Device, account string) (bool, error)
}

// Attempt reserves the single authentication attempt for account on this
// device within the engine's window, before anything is sent; false means
// skip (already tried, here or by another run). An error (the store could
// not record the claim) means skip too: an attempt that cannot be
// remembered is not made.
func (e *Env) Attempt(ctx context.Context, account string) (bool, error) {
	return e.attempt(ctx, e.Device, account)
}

// ActiveFunc is the Go part of a read or auth check: it sends what the
// check declares through env.Dialer and says whether the device is
// affected, with the evidence. It has three outcomes: found (true, nil),
// not affected (false, nil: the device's answer, or the evidence, shows
// it), and undecided (an error wrapping ErrUndecided: no reply, a timeout,
// a refusal, an unexpected status, an attempt already used), which keeps an
// earlier finding. Any other error is a failure of the check. It must never
// put a credential in evidence or errors.
type ActiveFunc func(ctx context.Context, env *Env) (ev []Evidence, found bool, err error)

// noAnswer is the outcome of an exchange that failed (dial, write, read,
// timeout): undecided, wrapping err. A check that broke its own limits
// (ErrBudget, ErrOtherHost) did not hear silence from the device but
// failed, and keeps its error.
func noAnswer(err error) error {
	if errors.Is(err, ErrBudget) || errors.Is(err, ErrOtherHost) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUndecided, err)
}

// actives are the registered active checks by name (the probe field).
// Each is registered with what it sends, so that a check file cannot run
// a login under a read-only declaration: Load refuses a check whose side
// effect differs from its probe's.
var actives = map[string]active{
	"zte-web-shell-page":      {zteWebShellPage, Read},
	"hikvision-basic-default": {hikvisionBasicDefault, Auth},
	"dahua-rtsp-default":      {dahuaRTSPDefault, Auth},
}

// active is a registered active check: its function and what it sends.
type active struct {
	run  ActiveFunc
	side SideEffect
}

// Response bounds of the HTTP helper.
const (
	maxHeaderBytes = 16 << 10
	maxBodyBytes   = 16 << 10
)

// webPort is the device's plain-HTTP web interface as the evidence shows
// it: the lowest port whose root page ("/" or no path) answered over plain
// HTTP, so that the choice does not depend on the order replies arrived in
// and a UPnP or API port that answers 404 to everything is not taken for
// it. ok is false when the evidence shows no such port.
func webPort(d *Device) (uint16, bool) {
	best := 0
	for _, o := range d.Observations {
		if o.Key != "http.response" || o.Port <= 0 || o.Port > 65535 || (o.Path != "" && o.Path != "/") || tlsObserved(d, o.Port) {
			continue
		}
		if best == 0 || o.Port < best {
			best = o.Port
		}
	}
	return uint16(best), best != 0
}

// tlsObserved reports whether the scan saw TLS on port.
func tlsObserved(d *Device, port int) bool {
	for _, o := range d.Observations {
		if o.Port == port && strings.HasPrefix(o.Key, "tls.") {
			return true
		}
	}
	return false
}

// httpGet sends one GET with Connection: close and reads the status and up
// to maxBodyBytes of body. header is extra request header lines.
func httpGet(ctx context.Context, d probe.Dialer, addr netip.Addr, port uint16, path string, header http.Header) (int, []byte, error) {
	target := netip.AddrPortFrom(addr, port).String()
	c, err := d.DialContext(ctx, "tcp", target)
	if err != nil {
		return 0, nil, fmt.Errorf("GET %s: %w", path, err)
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
//
// The page is asked on the device's web interface (webPort). 200 with the
// marker is a finding; 200 without it and 404 show the page absent (not
// affected). Any other status (401 or 403: a page behind a login still
// exists; a server error, a redirect, throttling) or no reply is
// undecided.
func zteWebShellPage(ctx context.Context, env *Env) ([]Evidence, bool, error) {
	const path = "/web_shell_cmd.gch"
	const marker = "please input shell command"
	// The scan's HTTP probe asks for this page on devices that name ZTE;
	// when it got the page, decide from that and send nothing again.
	for _, o := range env.Device.Observations {
		if o.Key == "http.body" && o.Path == path {
			if !strings.Contains(strings.ToLower(o.Value), marker) {
				return nil, false, nil
			}
			return []Evidence{{Key: "http.body", Value: "page present (marker \"" + marker + "\", fetched by the scan)", Port: o.Port, Path: path}}, true, nil
		}
	}
	port, ok := webPort(env.Device)
	if !ok {
		return nil, false, fmt.Errorf("%w: no plain-HTTP web interface in the evidence", ErrUndecided)
	}
	status, body, err := httpGet(ctx, env.Dialer, env.Device.Addr, port, path, nil)
	if err != nil {
		return nil, false, noAnswer(err)
	}
	switch status {
	case http.StatusOK:
		if !strings.Contains(strings.ToLower(string(body)), marker) {
			return nil, false, nil
		}
		return []Evidence{{Key: "http.status", Value: strconv.Itoa(status) + " page present (marker \"" + marker + "\")", Port: int(port), Path: path}}, true, nil
	case http.StatusNotFound:
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("%w: GET %s answered %d", ErrUndecided, path, status)
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
//
// 200 is a finding and 401 shows the default password is refused; a device
// without a Basic challenge is not one this check applies to. The attempt
// already used within the window, another status or no reply is undecided.
func hikvisionBasicDefault(ctx context.Context, env *Env) ([]Evidence, bool, error) {
	// The credentials go only to the port that asked for Basic, and the
	// lowest such port when several did.
	port := 0
	for _, o := range env.Device.Observations {
		if o.Key == "http.header.www_authenticate" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(o.Value)), "basic") &&
			o.Port > 0 && o.Port <= 65535 && !tlsObserved(env.Device, o.Port) && (port == 0 || o.Port < port) {
			port = o.Port
		}
	}
	if port == 0 {
		return nil, false, nil
	}
	acct := hikvisionDefault
	if ok, err := env.Attempt(ctx, acct.user); err != nil {
		return nil, false, err // the claim could not be recorded: try nothing
	} else if !ok {
		return nil, false, fmt.Errorf("%w: account %s was already tried on this device within the attempt window", ErrUndecided, acct.user)
	}
	const path = "/ISAPI/System/deviceInfo"
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(acct.user+":"+acct.password)))
	status, body, err := httpGet(ctx, env.Dialer, env.Device.Addr, uint16(port), path, h)
	switch {
	case err != nil:
		return nil, false, noAnswer(err)
	case status == http.StatusUnauthorized:
		return nil, false, nil
	case status != http.StatusOK:
		return nil, false, fmt.Errorf("%w: GET %s with account %s answered %d", ErrUndecided, path, acct.user, status)
	case !bytes.Contains(body, []byte("<DeviceInfo")):
		// A server that answers 200 to anything has not accepted a login.
		return nil, false, fmt.Errorf("%w: GET %s with account %s answered 200 without a DeviceInfo document", ErrUndecided, path, acct.user)
	}
	return []Evidence{{Key: "auth.default_account", Value: "account " + acct.user + ": the vendor default password was accepted (ISAPI deviceInfo answered 200; password not recorded; " + acct.source + ")", Port: port, Path: path}}, true, nil
}
