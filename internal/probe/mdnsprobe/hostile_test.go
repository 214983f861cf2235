package mdnsprobe

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// manyTypes advertises far more service types and instances than the
// probe follows.
func manyTypes(q *dns.Msg, _ []byte) [][]byte {
	m := new(dns.Msg)
	m.SetReply(q)
	for _, qq := range q.Question {
		if qq.Qtype != dns.TypePTR {
			continue
		}
		for i := range 200 {
			target := fmt.Sprintf("_s%d._tcp.local.", i)
			if qq.Name != servicesName {
				target = fmt.Sprintf("i%d.%s", i, qq.Name)
			}
			m.Answer = append(m.Answer, &dns.PTR{Hdr: hdr(qq.Name, dns.TypePTR), Ptr: target})
		}
	}
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return [][]byte{b}
}

func TestHostileDevices(t *testing.T) {
	// Generous, so a loaded machine still delivers the hostile replies.
	const timeout = time.Second
	tests := []struct {
		name     string
		respond  func(*dns.Msg, []byte) [][]byte
		wantErr  string // prefix; "" means none
		maxObs   int
		maxQuery int
	}{
		{name: "silence", respond: func(*dns.Msg, []byte) [][]byte { return nil }, maxQuery: 1},
		{name: "flood of garbage", respond: func(*dns.Msg, []byte) [][]byte {
			out := make([][]byte, 2000)
			for i := range out {
				out[i] = []byte{0xde, 0xad}
			}
			return out
		}, wantErr: "mdns: reply is not a DNS message: ", maxQuery: 1},
		{name: "oversized datagram", respond: func(*dns.Msg, []byte) [][]byte {
			return [][]byte{bytes.Repeat([]byte{0xc0}, 65000)}
		}, wantErr: "mdns: reply is not a DNS message: ", maxQuery: 1},
		{name: "truncated reply", respond: func(q *dns.Msg, raw []byte) [][]byte {
			r := hikCamera().respond(q, raw)
			if len(r) == 0 {
				return nil
			}
			return [][]byte{r[0][:len(r[0])-7]}
		}, wantErr: "mdns: reply is not a DNS message: ", maxQuery: 1},
		{name: "compression loop", respond: func(q *dns.Msg, raw []byte) [][]byte {
			// header with ID echoed, QR set, one answer whose name points at itself
			b := []byte{raw[0], raw[1], 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 1, 0, 2, 0xc0, 12}
			return [][]byte{b}
		}, wantErr: "mdns: reply is not a DNS message: ", maxQuery: 1},
		{name: "echo of the query", respond: func(_ *dns.Msg, raw []byte) [][]byte { return [][]byte{raw} }, maxQuery: 1},
		{name: "hundreds of types and instances", respond: manyTypes,
			maxObs: maxTypes + maxInstances, maxQuery: 1 + maxTypes + maxInstances},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := startResponder(t, tc.respond)
			obs, took, err := run(t, r.Target(), timeout)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error = %v, want none", err)
			case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)):
				t.Errorf("error = %v, want %q...", err, tc.wantErr)
			}
			if len(obs) > tc.maxObs {
				t.Errorf("%d observations, want at most %d", len(obs), tc.maxObs)
			}
			n := len(r.queries())
			if n > tc.maxQuery {
				t.Errorf("%d queries sent, want at most %d", n, tc.maxQuery)
			}
			if took > time.Duration(tc.maxQuery)*timeout+2*time.Second {
				t.Errorf("probe took %v", took)
			}
		})
	}
}
