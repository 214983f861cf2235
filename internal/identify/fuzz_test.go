package identify_test

import (
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/classify"
)

// FuzzIdentify feeds arbitrary values under every vocabulary key through the
// whole identification (raw-reply splitting, rules, tables, combination and
// classification): no panic, and a well-formed answer for the host.
func FuzzIdentify(f *testing.F) {
	f.Add("http.response", "HTTP/1.1 401 Unauthorized\r\nServer: Hikvision-Webs\r\nWWW-Authenticate: Digest realm=\"hikvision\"\r\n\r\n<title>x</title>", "")
	f.Add("http.body", "<html><title>ZXHN H298A</title>", "/")
	f.Add("rtsp.response", "RTSP/1.0 401 Unauthorized\r\nServer: Dahua Rtsp Server\r\n\r\n", "")
	f.Add("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.23.95", "")
	f.Add("mac", "00:e0:fc:01:02:03", "")
	f.Add("http.user_agent", "Mozilla/5.0 (Linux; Android 10; ELE-L29)", "")
	e := engine()
	f.Fuzz(func(t *testing.T, key, value, path string) {
		b := e.NewBatch()
		for k := range covered.Keys {
			b.Add(covered.Observation{Host: "h", Key: k, Value: value, Path: path})
		}
		b.Add(covered.Observation{Host: "h", Key: key, Value: value, Path: path})
		n := 0
		b.Each(func(id covered.Identification) bool {
			classify.Apply(e.Lists, &id)
			n++
			if id.Host != "h" || id.Status == "" || id.Rationale == "" || id.Confidence < 0 || id.Confidence > 1 {
				t.Fatalf("malformed identification %+v", id)
			}
			return true
		})
		if n != 1 {
			t.Fatalf("%d identifications for one host", n)
		}
	})
}
