package ssdpprobe

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire"
	"github.com/coveredtool/covered/internal/probe/wire/wiretest"

	"github.com/coveredtool/covered"
)

func TestHostileDevices(t *testing.T) {
	// Generous, so a loaded machine still delivers the hostile replies in time.
	const timeout = time.Second
	slowBase, _ := describer(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for range 100 {
			if _, err := w.Write([]byte("<")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	})
	hugeBase, _ := describer(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("<x/>"), 1<<12)
		for range 1 << 10 { // 16 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	tests := []struct {
		name    string
		respond func([]byte) [][]byte
		wantErr string
		check   func(t *testing.T, obs []covered.Observation)
	}{
		{name: "silence", respond: func([]byte) [][]byte { return nil }},
		{name: "flood of distinct replies", respond: func([]byte) [][]byte {
			out := make([][]byte, 3000)
			for i := range out {
				out[i] = []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nSERVER: flood/%d\r\n\r\n", i))
			}
			return out
		}, check: func(t *testing.T, obs []covered.Observation) {
			if len(obs) != maxServers {
				t.Errorf("%d observations, want the cap %d", len(obs), maxServers)
			}
		}},
		{name: "garbage", respond: func([]byte) [][]byte { return [][]byte{[]byte("\x00\x01garbage")} },
			wantErr: `ssdp: reply does not start with an HTTP status line: "\x00\x01garbage"`},
		{name: "not 200", respond: func([]byte) [][]byte { return [][]byte{[]byte("HTTP/1.1 500 Oops\r\n\r\n")} },
			wantErr: "ssdp: reply status \"500\", want 200"},
		{name: "echoed request is ignored", respond: func(req []byte) [][]byte { return [][]byte{req} }},
		{name: "oversized datagram", respond: func([]byte) [][]byte {
			return [][]byte{append([]byte("HTTP/1.1 200 OK\r\nSERVER: big\r\nX: "), bytes.Repeat([]byte("a"), 65000)...)}
		}, check: func(t *testing.T, obs []covered.Observation) {
			if len(obs) != 1 || obs[0].Value != "big" {
				t.Errorf("observations: %+v", obs)
			}
		}},
		{name: "description drips", respond: func([]byte) [][]byte { return [][]byte{searchReply(slowBase+"/d.xml", "upnp:rootdevice")} },
			check: func(t *testing.T, obs []covered.Observation) {
				if len(obs) == 2 && len(obs[1].Value) >= 100 {
					t.Errorf("read %d dripped bytes in %v", len(obs[1].Value), timeout)
				}
			}},
		{name: "huge description", respond: func([]byte) [][]byte { return [][]byte{searchReply(hugeBase+"/d.xml", "upnp:rootdevice")} },
			check: func(t *testing.T, obs []covered.Observation) {
				if len(obs) != 2 || len(obs[1].Value) != wire.MaxBody {
					t.Errorf("want the description cut at %d bytes, got %d observations", wire.MaxBody, len(obs))
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dv := wiretest.StartUDPDevice(t, nil, tc.respond)
			obs, _, took, err := run(t, dv.Target(), timeout)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error = %v, want none", err)
			case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
				t.Errorf("error = %v, want %q", err, tc.wantErr)
			}
			if tc.check != nil {
				tc.check(t, obs)
			} else if tc.wantErr != "" || tc.name == "silence" || strings.HasPrefix(tc.name, "echoed") {
				if len(obs) != 0 {
					t.Errorf("observations: %+v", obs)
				}
			}
			if took > 2*timeout+2*time.Second {
				t.Errorf("probe took %v with a %v timeout", took, timeout)
			}
		})
	}
}
