package sadpprobe

import "testing"

// FuzzParseReply: any datagram gives a device-naming ProbeMatch or an
// error, never a panic.
func FuzzParseReply(f *testing.F) {
	f.Add(probeMatch("4F1A2B3C-0000-4000-8000-001122334455"))
	f.Add(inquiry("4F1A2B3C-0000-4000-8000-001122334455"))
	f.Add([]byte("<ProbeMatch><Types>inquiry</Types></ProbeMatch>"))
	f.Add([]byte(`<?xml version="1.0" encoding="GB2312"?><ProbeMatch><DeviceSN>x</DeviceSN></ProbeMatch>`))
	f.Add([]byte("<ProbeMatch"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseReply(b)
		if err != nil {
			return
		}
		if r.XMLName.Local != "ProbeMatch" || r.DeviceDescription+r.DeviceSN+r.MAC == "" {
			t.Fatalf("accepted %+v", r)
		}
	})
}
