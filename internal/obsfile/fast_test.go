package obsfile

import (
	"encoding/json"
	"testing"
)

var fastSeeds = []string{
	`{"host":"10.0.0.1","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5"}`,
	` { "host" : "h" , "key":"http.response", "value":"HTTP/1.1 200 OK\r\nServer: x\u00e9\/\"q\"\t" , "port": 8080, "transport":"tcp" } `,
	`{"host":"h","key":"k","value":"日本語 ok","path":"/","source":"scan","seen":"2026-01-02T03:04:05Z","ip":"::1","mac":"00:11:22:33:44:55"}`,
	`{"host":"h","key":"k","value":"\ud83d\ude00 pair"}`,
	`{"Host":"h","key":"k","value":"v"}`,
	`{"host":"h","key":"k","value":12}`,
	`{"host":"h","key":"k","value":null}`,
	`{"host":"h","key":"k","value":"v","port":1.5}`,
	`{"host":"h","key":"k","value":"v","port":070}`,
	`{"host":"h","key":"k","value":"v","extra":{"a":1}}`,
	`{"host":"h","host":"g","key":"k","value":"\xff"}`,
	`{}`, `[]`, `{"host":"h",}`, `{"host":"h"} x`,
}

func FuzzParseFast(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var r Reader
		var got fastRecord
		if !r.parseFast(raw, &got) {
			return
		}
		var want record
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("parseFast accepted %q, encoding/json says %v", raw, err)
		}
		str := func(p *string) (string, bool) {
			if p == nil {
				return "", false
			}
			return *p, true
		}
		wh, whOK := str(want.Host)
		wk, wkOK := str(want.Key)
		wv, wvOK := str(want.Value)
		if wh != got.host || whOK != got.hasHost || wk != got.key || wkOK != got.hasKey || wv != got.value || wvOK != got.hasValue ||
			want.Port != got.port || want.Transport != got.transport || want.Path != got.path || want.Source != got.source ||
			want.Seen != got.seen || want.IP != got.ip || want.MAC != got.mac {
			t.Fatalf("%q: parseFast %+v, encoding/json %+v", raw, got, want)
		}
	})
}

func TestParseFastTakesCommonShapes(t *testing.T) {
	var r Reader
	var rec fastRecord
	for _, s := range fastSeeds[:4] {
		if !r.parseFast([]byte(s), &rec) && s != fastSeeds[3] {
			t.Errorf("parseFast refused %s", s)
		}
	}
}
