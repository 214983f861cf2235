package wsdprobe

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestHostileDevices(t *testing.T) {
	// Generous, so a loaded machine still delivers the hostile replies in time.
	const timeout = time.Second
	stall := startONVIF(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	tests := []struct {
		name    string
		respond func([]byte) [][]byte
		wantErr string // prefix; "" means none
		wantObs int
	}{
		{name: "silence", respond: func([]byte) [][]byte { return nil }},
		{name: "flood of garbage", respond: func([]byte) [][]byte {
			out := make([][]byte, 2000)
			for i := range out {
				out[i] = []byte("<garbage")
			}
			return out
		}, wantErr: "wsd: reply is not a SOAP envelope: "},
		{name: "oversized datagram", respond: func([]byte) [][]byte {
			return [][]byte{append([]byte("<Envelope><Body>"), bytes.Repeat([]byte("<a/>"), 16000)...)}
		}, wantErr: "wsd: reply is not a SOAP envelope: "},
		{name: "deep nesting", respond: func([]byte) [][]byte {
			return [][]byte{append([]byte("<Envelope><Body>"), bytes.Repeat([]byte("<a>"), 21000)...)}
		}, wantErr: "wsd: reply is not a SOAP envelope: elements nested deeper than 32"},
		{name: "truncated reply", respond: func(req []byte) [][]byte {
			r := probeMatches(relatesTo(req), "")
			return [][]byte{r[:len(r)/2]}
		}, wantErr: "wsd: reply is not a SOAP envelope: "},
		{name: "envelope without a match", respond: func([]byte) [][]byte {
			return [][]byte{[]byte(soapFault)}
		}, wantErr: "wsd: reply holds no ProbeMatch"},
		{name: "reply to another probe", respond: func([]byte) [][]byte {
			return [][]byte{probeMatches("urn:uuid:00000000-0000-4000-8000-000000000000", "")}
		}},
		{name: "echo of the probe", respond: func(req []byte) [][]byte { return [][]byte{req} }},
		{name: "device service stalls", respond: func(req []byte) [][]byte {
			return [][]byte{probeMatches(relatesTo(req), stall.url)}
		}, wantObs: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg := startDevice(t, tc.respond)
			obs, _, took, err := run(t, tg, timeout)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error = %v, want none", err)
			case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)):
				t.Errorf("error = %v, want %q...", err, tc.wantErr)
			}
			if len(obs) != tc.wantObs {
				t.Errorf("%d observations, want %d: %+v", len(obs), tc.wantObs, obs)
			}
			if took > 2*timeout+2*time.Second {
				t.Errorf("probe took %v with a %v timeout", took, timeout)
			}
		})
	}
}
