package vendorprobe

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/probe/wire/wiretest"
)

func TestTranscripts(t *testing.T) {
	for _, tr := range wiretest.LoadDir(t, "testdata") {
		t.Run(tr.Name, func(t *testing.T) {
			t.Parallel()
			wiretest.Replay(t, &Prober{Wait: 300 * time.Millisecond}, tr, 2*time.Second)
		})
	}
}

// TestHostile checks the wait, the idle limit, the exchange deadline and
// the byte cap.
func TestHostile(t *testing.T) {
	drip := strings.Repeat("abcdefghij", 8) // 8s at one byte per 100ms
	tests := []struct {
		name       string
		p          *Prober
		timeout    time.Duration
		device     wiretest.Handler
		want       []covered.Observation
		maxElapsed time.Duration
	}{
		{name: "silence ends at the wait", p: &Prober{Wait: 200 * time.Millisecond}, timeout: 10 * time.Second,
			device: wiretest.Silence, maxElapsed: 3 * time.Second},
		{name: "silence ends at the deadline", p: &Prober{Wait: 10 * time.Second}, timeout: 200 * time.Millisecond,
			device: wiretest.Silence, maxElapsed: 3 * time.Second},
		{name: "flood is capped", p: &Prober{}, timeout: 10 * time.Second,
			device: wiretest.Flood(nil, []byte("\xffA")), maxElapsed: 3 * time.Second,
			want: []covered.Observation{{Key: Key, Value: strings.Repeat("\xffA", maxBanner/2)}}},
		{name: "drip past the deadline", p: &Prober{Idle: 10 * time.Second}, timeout: 350 * time.Millisecond,
			device: wiretest.Drip([]byte(drip), 100*time.Millisecond), maxElapsed: 3 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ap := wiretest.ServeTCP(t, tc.device)
			r := wiretest.Run(tc.p, &net.Dialer{}, ap, tc.timeout)
			if r.Elapsed > tc.maxElapsed {
				t.Errorf("took %v, want at most %v", r.Elapsed, tc.maxElapsed)
			}
			if r.Err != nil {
				t.Errorf("error = %v, want nil", r.Err)
			}
			if strings.HasPrefix(tc.name, "drip") {
				wiretest.CheckPrefix(t, r.Obs, Key, drip)
				return
			}
			wiretest.Check(t, r.Obs, wiretest.WithPort(tc.want, ap.Port(), "tcp"))
		})
	}
}

func TestRegistered(t *testing.T) {
	for _, port := range []uint16{8000, 9530, 34567, 37777} {
		found := false
		for _, p := range probe.ForPort("tcp", port) {
			found = found || p.Name() == "vendor"
		}
		if !found {
			t.Errorf("vendor probe not registered for tcp/%d", port)
		}
	}
}
