package check

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/lab"
	"github.com/coveredtool/covered/internal/lab/labtest"
	"github.com/coveredtool/covered/internal/safedial"
)

// TestDahuaDefaultRTSP runs the Dahua default-credential check against two
// lab cameras on 127.97.1.0/24 through a recording dialer: the one still on
// admin/admin is reported (the account named, its password nowhere), the
// one that refuses every default is not; each account costs one connection,
// only DESCRIBE is sent, and within the attempt window no account is tried
// twice on the same device.
func TestDahuaDefaultRTSP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a lab")
	}
	ctx := context.Background()
	l, err := lab.Start(ctx, lab.Config{Base: netip.MustParseAddr("127.97.1.1"), Profiles: []string{"dahua-ipc-rtsp-default", "dahua-ipc-rtsp-changed"}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rec := &recording{}
	sd, err := safedial.New(safedial.Config{Scope: prefixScope(netip.MustParsePrefix("127.97.1.0/24")), Rate: 5000, HostRate: 500, Base: rec.dial})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	eng, err := New(Config{Profile: AuthProfile, Authorized: true, Only: []string{"dahua-default-password-rtsp"}, Dialer: sd,
		Timeout: 3 * time.Second, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for _, ld := range l.Devices() {
		// The evidence a scan collects: the RTSP DESCRIBE's 401 and its
		// Digest challenge.
		realm := labtest.RTSPRealm(t, ld.Addr.String())
		d := &Device{Host: ld.Addr.String(), Addr: ld.Addr, Identification: covered.Identification{CoveredEntity: "Dahua", Manufacturer: "Dahua"},
			Observations: []covered.Observation{{Key: "rtsp.response", Port: 554, Transport: "tcp",
				Value: "RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm=\"" + realm + "\", nonce=\"1736541895\"\r\n\r\n"}}}
		r := eng.Run(ctx, d)
		fs, errs := r.Findings, r.Errs
		for _, err := range errs {
			t.Errorf("%s: %v", ld.Profile, err)
		}
		sends := rec.take()
		// One connection per account tried: the camera on admin/admin
		// stops the check at its first account, the changed one refuses
		// both.
		want := map[string]int{"dahua-ipc-rtsp-default": 1, "dahua-ipc-rtsp-changed": 2}[ld.Profile]
		if len(sends) != want {
			t.Errorf("%s: %d connections, want %d (one per account tried)", ld.Profile, len(sends), want)
		}
		var wrote strings.Builder
		for _, s := range sends {
			w := s.wrote.String()
			wrote.WriteString(w)
			for _, line := range strings.Split(w, "\r\n") {
				if m := requestLineRE.FindStringSubmatch(line); m != nil && m[1] != "DESCRIBE" {
					t.Errorf("%s: sent %s", ld.Profile, line)
				}
			}
		}
		if !strings.Contains(wrote.String(), "Authorization: Digest ") || strings.Contains(wrote.String(), "Authorization: Basic") {
			t.Errorf("%s: want Digest authorization only, sent %q", ld.Profile, wrote.String())
		}
		// The passwords never go out in clear, nor in Basic form.
		for _, p := range []string{"admin:admin", "666666:666666", labtest.B64("admin:admin"), labtest.B64("666666:666666"), "password"} {
			if strings.Contains(wrote.String(), p) {
				t.Errorf("%s: %q on the wire", ld.Profile, p)
			}
		}
		switch ld.Profile {
		case "dahua-ipc-rtsp-default":
			if len(fs) != 1 || fs[0].Requests != 1 || fs[0].SideEffect != "auth" {
				t.Fatalf("default camera: findings %+v", fs)
			}
			var text strings.Builder
			for _, e := range fs[0].Evidence {
				text.WriteString(e.Key + "=" + e.Value + "\n")
			}
			if !strings.Contains(text.String(), "account admin:") {
				t.Errorf("finding does not name the account: %s", text.String())
			}
			forms := labtest.SecretForms("admin", "admin", realm, "1736541895", "DESCRIBE", "rtsp://"+ld.Addr.String()+":554"+dahuaRTSPPath)
			resp := forms[len(forms)-1]
			if !strings.Contains(wrote.String(), `response="`+resp+`"`) {
				t.Errorf("the Digest response on the wire is not the one computed here (%s): the absence checks below would be vacuous", resp)
			}
			for _, secret := range append(forms, "666666") {
				if strings.Contains(text.String(), secret) || strings.Contains(fs[0].Title+fs[0].Advice, secret) {
					t.Errorf("finding carries %q", secret)
				}
			}
		case "dahua-ipc-rtsp-changed":
			if len(fs) != 0 {
				t.Errorf("changed camera reported: %+v", fs)
			}
		}

		// Within the window, a second run tries no account again.
		if fs := eng.Run(ctx, d).Findings; len(fs) != 0 || len(rec.take()) != 0 {
			t.Errorf("%s: a second run within the window sent requests or found %v", ld.Profile, fs)
		}
	}
	// After the window, the accounts may be tried once more.
	now = now.Add(25 * time.Hour)
	for _, ld := range l.Devices() {
		d := &Device{Host: ld.Addr.String(), Addr: ld.Addr, Identification: covered.Identification{CoveredEntity: "Dahua"},
			Observations: []covered.Observation{{Key: "rtsp.response", Port: 554, Value: "RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"" + labtest.RTSPRealm(t, ld.Addr.String()) + "\", nonce=\"1736541895\"\r\n\r\n"}}}
		eng.Run(ctx, d)
		if n, want := len(rec.take()), map[string]int{"dahua-ipc-rtsp-default": 1, "dahua-ipc-rtsp-changed": 2}[ld.Profile]; n != want {
			t.Errorf("%s after the window: %d connections, want %d", ld.Profile, n, want)
		}
	}
}
