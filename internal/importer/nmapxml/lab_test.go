package nmapxml_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/classify"
	"github.com/coveredtool/covered/internal/fingerprint"
	"github.com/coveredtool/covered/internal/identify"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
	"github.com/coveredtool/covered/internal/importer/nmapxml"
	"github.com/coveredtool/covered/internal/oui"
	"github.com/coveredtool/covered/internal/pen"
	"github.com/coveredtool/covered/internal/policy"
	"github.com/coveredtool/covered/internal/useragent"
)

// readLab reads testdata/lab.xml: `nmap -sV -sC -n -Pn -p
// 21,22,23,80,443,554,8000,8080,37777 -oX` against `covered lab --base
// 127.60.0.1` (29 devices), untrimmed.
func readLab(t *testing.T) []covered.Observation {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "lab.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, importer.HeadSize)
	n, _ := f.ReadAt(head, 0)
	if got := importer.Detect(head[:n]); len(got) != 1 || got[0].Name() != "nmap-xml" {
		t.Fatalf("Detect(lab.xml) = %v, want only nmap-xml", got)
	}
	var obs []covered.Observation
	err = nmapxml.Format{}.Read(context.Background(), f, importer.Source{Name: "lab.xml", Seen: time.Unix(0, 0)},
		func(o covered.Observation) error { obs = append(obs, o); return nil },
		func(e *importer.RecordError) { t.Errorf("bad record: %v", e) })
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func TestLabGolden(t *testing.T) {
	obs := readLab(t)
	hosts := map[string]bool{}
	keys := map[string]int{}
	for _, o := range obs {
		hosts[o.Host] = true
		keys[o.Key]++
		if _, ok := covered.Keys[o.Key]; !ok {
			t.Errorf("key %q is not in the vocabulary", o.Key)
		}
	}
	// 29 hosts scanned; the Hytera repeater (127.60.0.16) answers only on
	// udp/161, which the scan did not cover, so it has nothing to observe.
	if len(hosts) != 28 || hosts["127.60.0.16"] {
		t.Errorf("%d hosts with observations, want 28 (all but 127.60.0.16)", len(hosts))
	}
	t.Logf("keys: %v", keys)
	for _, k := range []string{"port.open", "nmap.service", "http.title", "http.header.server", "http.response", "ssh.banner", "telnet.banner", "rtsp.response", "tls.cert.subject", "nmap.cpe"} {
		if keys[k] == 0 {
			t.Errorf("no %s observation", k)
		}
	}
	importtest.Golden(t, filepath.Join("testdata", "lab.golden.jsonl"), obs, nil)
	// A few known devices, spelled out.
	has := func(host, key, value string) {
		t.Helper()
		for _, o := range obs {
			if o.Host == host && o.Key == key && o.Value == value {
				return
			}
		}
		t.Errorf("%s: no %s = %q", host, key, value)
	}
	has("127.60.0.29", "ssh.banner", "SSH-2.0-ZTE_SSH.2.0")
	has("127.60.0.26", "http.header.server", "ZTE web server 1.0 ZTE corp 2015.")
	has("127.60.0.26", "http.title", "F660")
	has("127.60.0.3", "nmap.service", "Cisco SSH 1.25 (protocol 2.0)")
	has("127.60.0.3", "nmap.cpe", "cpe:/o:cisco:ios")
}

// truth is one line of `covered lab --truth`.
type truth struct {
	Host          string `json:"host"`
	Profile       string `json:"profile"`
	Status        string `json:"status"`
	CoveredEntity string `json:"covered_entity"`
}

func readTruth(t *testing.T) map[string]truth {
	f, err := os.Open(filepath.Join("testdata", "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]truth{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var tr truth
		if err := json.Unmarshal(sc.Bytes(), &tr); err != nil {
			t.Fatal(err)
		}
		out[tr.Host] = tr
	}
	return out
}

// TestLabIdentify identifies the lab scan with the real engine and compares
// with the lab's ground truth: nmap's facts must flag covered devices, and
// must never flag a device the truth says is not covered.
func TestLabIdentify(t *testing.T) {
	rules, err := fingerprint.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := &identify.Engine{Rules: rules, OUI: oui.Builtin(), PEN: pen.Builtin(), UA: useragent.Default(), Lists: policy.Builtin()}
	b := e.NewBatch()
	for _, o := range readLab(t) {
		b.Add(o)
	}
	ids := map[string]covered.Identification{}
	b.Each(func(id covered.Identification) bool {
		classify.Apply(e.Lists, &id)
		ids[id.Host] = id
		return true
	})
	tr := readTruth(t)
	var hosts []string
	for h := range tr {
		hosts = append(hosts, h)
	}
	sort.Slice(hosts, func(i, j int) bool {
		return len(hosts[i]) < len(hosts[j]) || len(hosts[i]) == len(hosts[j]) && hosts[i] < hosts[j]
	})
	var flagged, missed []string
	for _, h := range hosts {
		want, got := tr[h], ids[h]
		var ev []string
		for _, x := range got.Evidence {
			ev = append(ev, x.Key+":"+x.Rule)
		}
		t.Logf("%-12s %-22s truth %-11s got %-12s %-10s %s", h, want.Profile, want.Status, got.Status, got.CoveredEntity, strings.Join(ev, " "))
		flags := got.Status.Flags(covered.StatusSuspected)
		switch {
		case want.Status == "covered" || want.Status == "suspected":
			if flags {
				flagged = append(flagged, want.Profile)
			} else {
				missed = append(missed, want.Profile)
			}
		case flags:
			t.Errorf("%s (%s): truth %s, flagged %s by %v", h, want.Profile, want.Status, got.Status, ev)
		}
		if flags && len(got.Evidence) == 0 {
			t.Errorf("%s flagged without evidence", h)
		}
	}
	t.Logf("flagged %d: %v", len(flagged), flagged)
	t.Logf("missed %d: %v", len(missed), missed)
	if len(flagged) < minFlagged {
		t.Errorf("flagged %d covered lab devices, want at least %d", len(flagged), minFlagged)
	}
}

// minFlagged is how many covered lab devices nmap's facts flagged when
// testdata was made; fewer is a regression.
const minFlagged = 15

// BenchmarkRead measures throughput over the lab scan (SetBytes: MB/s).
func BenchmarkRead(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "lab.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		err := nmapxml.Format{}.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: "lab.xml"},
			func(covered.Observation) error { return nil }, func(*importer.RecordError) {})
		if err != nil {
			b.Fatal(err)
		}
	}
}
