package pcap

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/classify"
	"github.com/coveredtool/covered/internal/fingerprint"
	"github.com/coveredtool/covered/internal/identify"
	"github.com/coveredtool/covered/internal/importer/importtest"
	"github.com/coveredtool/covered/internal/oui"
	"github.com/coveredtool/covered/internal/pen"
	"github.com/coveredtool/covered/internal/policy"
	"github.com/coveredtool/covered/internal/useragent"
)

// TestLabIdentify identifies what lab.pcap shows with the real engine. The
// lab's ground truth (testdata/truth.jsonl, from `covered lab --truth`)
// covers the six lab devices; the hosts testdata/gen played are listed
// here. Covered devices must be flagged with the right entity, and nothing
// else may be.
func TestLabIdentify(t *testing.T) {
	want := map[string]string{ // host → covered entity, "" for not covered
		"127.90.0.50":       "Huawei",    // P30: DHCP vendor class, User-Agent
		"00:56:6d:5a:11:22": "Huawei",    // the P30 before it had an address
		"127.90.0.60":       "Hikvision", // camera: mDNS, SSDP
		"127.90.0.70":       "Huawei",    // eSpace IP phone: SIP User-Agent
		"127.90.0.71":       "Huawei",    // SoftX3000: SIP Server
		"127.0.0.1":         "",          // the scanner itself
		"127.90.0.254":      "",          // the DHCP server: said nothing
	}
	sc := bufio.NewScanner(bytes.NewReader(importtest.Testdata(t, "truth.jsonl")))
	for sc.Scan() {
		var tr struct {
			Host          string `json:"host"`
			Status        string `json:"status"`
			CoveredEntity string `json:"covered_entity"`
		}
		if err := json.Unmarshal(sc.Bytes(), &tr); err != nil {
			t.Fatal(err)
		}
		if tr.Status == "covered" {
			want[tr.Host] = tr.CoveredEntity
		} else {
			want[tr.Host] = ""
		}
	}
	rules, err := fingerprint.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := &identify.Engine{Rules: rules, OUI: oui.Builtin(), PEN: pen.Builtin(), UA: useragent.Default(), Lists: policy.Builtin()}
	b := e.NewBatch()
	obs, _ := read(t, importtest.Testdata(t, "lab.pcap"), "lab.pcap")
	for _, o := range obs {
		b.Add(o)
	}
	got := map[string]covered.Identification{}
	b.Each(func(id covered.Identification) bool {
		classify.Apply(e.Lists, &id)
		got[id.Host] = id
		return true
	})
	for host, entity := range want {
		id, ok := got[host]
		var ev []string
		for _, x := range id.Evidence {
			ev = append(ev, x.Key+":"+x.Rule)
		}
		t.Logf("%-18s %-12s %-10s %s", host, id.Status, id.CoveredEntity, strings.Join(ev, " "))
		switch {
		case entity == "" && id.Status.Flags(covered.StatusSuspected):
			t.Errorf("%s flagged %s (%s) by %v", host, id.Status, id.CoveredEntity, ev)
		case entity != "" && (!ok || id.Status != covered.StatusCovered || id.CoveredEntity != entity):
			t.Errorf("%s: %s %q, want covered %q (evidence %v)", host, id.Status, id.CoveredEntity, entity, ev)
		}
	}
	for host := range got {
		if _, ok := want[host]; !ok {
			t.Errorf("unexpected host %s", host)
		}
	}
}
