package observations

import (
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

func TestDetect(t *testing.T) {
	for _, tt := range []struct {
		head string
		want bool
	}{
		{`{"host":"10.0.0.1","key":"mac","value":"00:e0:fc:12:34:56"}` + "\n", true},
		{"\n  " + format{}.Example(), true},
		{`{"host":"10.0.0.1","status":"covered","evidence":[{"key":"mac","value":"x"}]}`, false}, // an identification
		{`<?xml version="1.0"?><nmaprun>`, false},
		{"lease 10.0.0.5 {\n", false},
		{"", false},
	} {
		if got := (format{}).Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

func TestRead(t *testing.T) {
	seen := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	in := `{"host":"a","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5","source":"scan"}
not json
{"host":"b","key":"mac","value":"00:e0:fc:12:34:56","seen":"2026-01-02T03:04:05Z"}
`
	got, bad, err := importtest.Run(t, format{}, []byte(in), importer.Source{Name: "f.jsonl", Seen: seen})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(bad) != 1 || !strings.HasPrefix(bad[0].Error(), "f.jsonl:2:") {
		t.Fatalf("got %d observations and errors %q", len(got), bad)
	}
	if got[0].Source != "scan" || !got[0].Seen.Equal(seen) {
		t.Errorf("first record: source %q seen %v; want its own source and the file's time", got[0].Source, got[0].Seen)
	}
	if got[1].Source != "import:observations" || got[1].Seen.Year() != 2026 || got[1].Seen.Month() != 1 {
		t.Errorf("second record: source %q seen %v; want import:observations and its own time", got[1].Source, got[1].Seen)
	}
}
