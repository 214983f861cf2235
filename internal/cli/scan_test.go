package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/lab"
)

// startTestLab starts lab devices on their own loopback block.
func startTestLab(t *testing.T, base string, hostile bool, profiles ...string) *lab.Lab {
	t.Helper()
	l, err := lab.Start(context.Background(), lab.Config{Base: netip.MustParseAddr(base), Profiles: profiles, Hostile: hostile})
	if err != nil {
		t.Fatalf("start lab: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func readIDs(t *testing.T, data string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad output line %q: %v", sc.Text(), err)
		}
		out[m["host"].(string)] = m
	}
	return out
}

// TestScanLab scans every lab profile and checks each device against its
// ground truth, then checks that identify on the scan's observations gives
// the same identifications as the scan.
func TestScanLab(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	l := startTestLab(t, "127.30.0.1", false)
	dir := t.TempDir()
	obsPath := filepath.Join(dir, "obs.jsonl")
	args := append([]string{"scan", "-q", "--format", "jsonl", "--snmp-community", "public", "--no-neighbor",
		"--timeout", "3s", "--observations", obsPath}, labTargets(l)...)
	code, out, stderr := run(t, "", args...)
	if code != ExitOK {
		t.Fatalf("scan exit %d: %s", code, stderr)
	}
	got := readIDs(t, out)
	for _, d := range l.Devices() {
		id := got[d.Addr.String()]
		status, _ := id["status"].(string)
		entity, _ := id["covered_entity"].(string)
		flagged := status == "covered" || status == "suspected"
		switch {
		case d.Truth.CoveredEntity != "" && (!flagged || entity != d.Truth.CoveredEntity):
			t.Errorf("%s (%s): status %q entity %q, want %s flagged", d.Addr, d.Profile, status, entity, d.Truth.CoveredEntity)
		case d.Truth.CoveredEntity == "" && flagged:
			t.Errorf("%s (%s): flagged %s %q, but it is not covered", d.Addr, d.Profile, status, entity)
		}
	}
	// The observations file identifies to the same answers.
	code, again, stderr := run(t, "", "identify", "-q", "--format", "jsonl", obsPath)
	if code != ExitOK {
		t.Fatalf("identify exit %d: %s", code, stderr)
	}
	want := readIDs(t, again)
	if len(want) != len(got) {
		t.Fatalf("identify found %d hosts, scan %d", len(want), len(got))
	}
	for host, id := range got {
		a, _ := json.Marshal(id)
		b, _ := json.Marshal(want[host])
		if string(a) != string(b) {
			t.Errorf("%s: scan and identify differ:\nscan     %s\nidentify %s", host, a, b)
		}
	}
	if data, _ := os.ReadFile(obsPath); strings.Contains(string(data), `"public"`) {
		t.Error("the SNMP community appears in the observations file")
	}
}

// TestScanHostileLab: every hostile device at once; the scan ends within
// its deadline and the well-behaved devices are still identified.
func TestScanHostileLab(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	l := startTestLab(t, "127.31.0.1", true, "huawei-ar-router", "hikvision-ipc", "dahua-ipc", "zte-f660-ont")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var outb, errb strings.Builder
	p := Program{Stdin: strings.NewReader(""), Stdout: &outb, Stderr: &errb}
	args := append([]string{"scan", "-q", "--format", "jsonl", "--no-neighbor", "--timeout", "2s", "--connect-timeout", "1s"}, labTargets(l)...)
	if code := p.Run(ctx, args); code != ExitOK {
		t.Fatalf("scan exit %d: %s", code, errb.String())
	}
	if ctx.Err() != nil {
		t.Fatal("the scan did not finish within its deadline")
	}
	got := readIDs(t, outb.String())
	for _, d := range l.Devices() {
		if d.Truth.Status == "hostile" {
			continue
		}
		if st, _ := got[d.Addr.String()]["status"].(string); st != "covered" {
			t.Errorf("%s (%s) among hostile devices: status %q, want covered", d.Addr, d.Profile, st)
		}
	}
}

// TestScanSendsNothingToPrinters: even when asked for port 9100, the scan
// neither probes nor connects to printer ports.
func TestScanSendsNothingToPrinters(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the device lab")
	}
	l := startTestLab(t, "127.32.0.1", false, "hp-printer")
	d := l.Devices()[0]
	code, out, stderr := run(t, "", "scan", "-q", "--format", "jsonl", "--no-neighbor", "-p", "80,9100-9107", d.Addr.String())
	if code != ExitOK {
		t.Fatalf("scan exit %d: %s", code, stderr)
	}
	if n := l.Received(d.Addr, 9100); n != 0 {
		t.Errorf("the printer's port 9100 received %d bytes", n)
	}
	if strings.Contains(out, "tcp/9100") {
		t.Errorf("port 9100 reported open, so it was connected to: %s", out)
	}
	if !strings.Contains(out, `"manufacturer":"HP"`) {
		t.Errorf("the printer was not identified from its web page: %s", out)
	}
}
