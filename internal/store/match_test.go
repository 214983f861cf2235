package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	covered "github.com/coveredtool/covered"
)

func TestMatching(t *testing.T) {
	type step struct {
		site  string
		hosts []host
		ids   []covered.Identification
	}
	cases := []struct {
		name  string
		steps []step
		// same lists pairs (step index, host) that must be one asset;
		// apart lists pairs that must not.
		same, apart [][2]hostRef
	}{
		{
			name: "same MAC through DHCP churn",
			steps: []step{
				{hosts: []host{{name: "10.0.0.5", ip: "10.0.0.5", mac: "00:E0:FC:12:34:56"}}},
				{hosts: []host{{name: "10.0.0.77", ip: "10.0.0.77", mac: "00-e0-fc-12-34-56"}}},
			},
			same: [][2]hostRef{{{0, "10.0.0.5"}, {1, "10.0.0.77"}}},
		},
		{
			name: "randomised MAC never merges",
			steps: []step{
				{hosts: []host{{name: "10.0.0.5", ip: "10.0.0.5", mac: "da:a1:19:00:00:01"}}},
				{hosts: []host{{name: "10.0.0.6", ip: "10.0.0.6", mac: "da:a1:19:00:00:01"}}},
			},
			apart: [][2]hostRef{{{0, "10.0.0.5"}, {1, "10.0.0.6"}}},
		},
		{
			name: "serial ties hosts without MAC",
			steps: []step{
				{hosts: []host{{name: "cam-a", ip: "10.0.1.5", kv: []string{"inventory.serial", "DS-2CD2143G0-I20190101AAWR"}}}},
				{hosts: []host{{name: "10.0.1.99", ip: "10.0.1.99", kv: []string{"onvif.serial", " ds-2cd2143g0-i20190101aawr "}}}},
			},
			same: [][2]hostRef{{{0, "cam-a"}, {1, "10.0.1.99"}}},
		},
		{
			// Two cameras with different MACs presenting one certificate
			// (a vendor default) are two devices, in this run and the next.
			name: "certificate shared by different MACs does not tie",
			steps: []step{
				{hosts: []host{
					{name: "10.0.2.5", ip: "10.0.2.5", mac: "c0:56:e3:00:00:01", kv: []string{"tls.cert.sha256", strings.Repeat("ab", 32)}},
					{name: "10.0.2.6", ip: "10.0.2.6", mac: "c0:56:e3:00:00:02", kv: []string{"tls.cert.sha256", strings.Repeat("ab", 32)}},
				}},
				{hosts: []host{
					{name: "10.0.2.5", ip: "10.0.2.5", mac: "c0:56:e3:00:00:01", kv: []string{"tls.cert.sha256", strings.Repeat("ab", 32)}},
					{name: "10.0.2.6", ip: "10.0.2.6", mac: "c0:56:e3:00:00:02", kv: []string{"tls.cert.sha256", strings.Repeat("ab", 32)}},
				}},
			},
			same:  [][2]hostRef{{{0, "10.0.2.5"}, {1, "10.0.2.5"}}, {{0, "10.0.2.6"}, {1, "10.0.2.6"}}},
			apart: [][2]hostRef{{{0, "10.0.2.5"}, {0, "10.0.2.6"}}, {{1, "10.0.2.5"}, {1, "10.0.2.6"}}},
		},
		{
			name: "placeholder serial does not tie",
			steps: []step{
				{hosts: []host{{name: "10.0.1.5", ip: "10.0.1.5", kv: []string{"inventory.serial", "To be filled by O.E.M."}}}},
				{hosts: []host{{name: "10.0.1.6", ip: "10.0.1.6", kv: []string{"inventory.serial", "To be filled by O.E.M."}}}},
			},
			apart: [][2]hostRef{{{0, "10.0.1.5"}, {1, "10.0.1.6"}}},
		},
		{
			name: "TLS issuer and serial tie",
			steps: []step{
				{hosts: []host{{name: "10.0.2.5", ip: "10.0.2.5", kv: []string{"tls.cert.serial", "0a1b2c", "tls.cert.issuer", "CN=IPC"}}}},
				{hosts: []host{{name: "10.0.2.9", ip: "10.0.2.9", kv: []string{"tls.cert.issuer", "CN=IPC", "tls.cert.serial", "0A1B2C"}}}},
			},
			same: [][2]hostRef{{{0, "10.0.2.5"}, {1, "10.0.2.9"}}},
		},
		{
			name: "hostname within the site",
			steps: []step{
				{hosts: []host{{name: "10.0.3.5", ip: "10.0.3.5", kv: []string{"dhcp.hostname", "Core-SW-1."}}}},
				{hosts: []host{{name: "10.0.3.8", ip: "10.0.3.8", kv: []string{"hostname", "core-sw-1"}}}},
			},
			same: [][2]hostRef{{{0, "10.0.3.5"}, {1, "10.0.3.8"}}},
		},
		{
			name: "hostname does not cross sites",
			steps: []step{
				{site: "hq", hosts: []host{{name: "10.0.3.5", ip: "10.0.3.5", kv: []string{"hostname", "printer"}}}},
				{site: "branch", hosts: []host{{name: "10.0.3.5", ip: "10.0.3.5", kv: []string{"hostname", "printer"}}}},
			},
			apart: [][2]hostRef{{{0, "10.0.3.5"}, {1, "10.0.3.5"}}},
		},
		{
			name: "address is the last resort",
			steps: []step{
				{hosts: []host{{name: "10.0.4.5", ip: "10.0.4.5"}}},
				{hosts: []host{{name: "10.0.4.5", ip: "10.0.4.5"}}},
			},
			same: [][2]hostRef{{{0, "10.0.4.5"}, {1, "10.0.4.5"}}},
		},
		{
			name: "replacement at the same address with another MAC",
			steps: []step{
				{hosts: []host{{name: "10.0.5.5", ip: "10.0.5.5", mac: "00:e0:fc:00:00:01", kv: []string{"hostname", "core-sw-1"}}},
					ids: []covered.Identification{idOf("10.0.5.5", covered.StatusCovered, "Huawei", "Huawei")}},
				{hosts: []host{{name: "10.0.5.5", ip: "10.0.5.5", mac: "00:1b:54:00:00:01", kv: []string{"hostname", "core-sw-1"}}}},
			},
			apart: [][2]hostRef{{{0, "10.0.5.5"}, {1, "10.0.5.5"}}},
		},
		{
			name: "replacement by another maker, address only",
			steps: []step{
				{hosts: []host{{name: "10.0.6.5", ip: "10.0.6.5"}},
					ids: []covered.Identification{idOf("10.0.6.5", covered.StatusCovered, "Huawei", "Huawei")}},
				{hosts: []host{{name: "10.0.6.5", ip: "10.0.6.5"}},
					ids: []covered.Identification{notCovered("10.0.6.5", "Cisco")}},
			},
			apart: [][2]hostRef{{{0, "10.0.6.5"}, {1, "10.0.6.5"}}},
		},
		{
			name: "two hosts of one run never share an asset by a weak identifier",
			steps: []step{
				{hosts: []host{{name: "10.0.7.5", ip: "10.0.7.5", kv: []string{"hostname", "ipc"}}}},
				{hosts: []host{
					{name: "10.0.7.6", ip: "10.0.7.6", kv: []string{"hostname", "ipc"}},
					{name: "10.0.7.7", ip: "10.0.7.7", kv: []string{"hostname", "ipc"}},
				}},
			},
			apart: [][2]hostRef{{{1, "10.0.7.6"}, {1, "10.0.7.7"}}},
		},
		{
			name: "hosts of one run sharing a MAC are one device",
			steps: []step{
				{hosts: []host{
					{name: "10.0.8.5", ip: "10.0.8.5", mac: "00:e0:fc:00:00:08"},
					{name: "2001:db8::5", ip: "2001:db8::5", mac: "00:e0:fc:00:00:08"},
				}},
			},
			same: [][2]hostRef{{{0, "10.0.8.5"}, {0, "2001:db8::5"}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *Store) {
				runs := make([]int64, len(tc.steps))
				for i, st := range tc.steps {
					runs[i], _ = doScan(t, s, Run{Site: st.site}, st.hosts, st.ids)
				}
				for _, p := range tc.same {
					a, b := assetOf(t, s, runs[p[0].step], p[0].host), assetOf(t, s, runs[p[1].step], p[1].host)
					if a != b {
						t.Errorf("%v and %v are assets %d and %d, want one", p[0], p[1], a, b)
					}
				}
				for _, p := range tc.apart {
					a, b := assetOf(t, s, runs[p[0].step], p[0].host), assetOf(t, s, runs[p[1].step], p[1].host)
					if a == b {
						t.Errorf("%v and %v are both asset %d, want two", p[0], p[1], a)
					}
				}
			})
		})
	}
}

type hostRef struct {
	step int
	host string
}

// Two assets known separately (one by MAC, one by serial) turn out to be one
// device when a later run sees both identifiers on one host: they merge, the
// merge is recorded and explained, and the absorbed id still resolves.
func TestMergeRecorded(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		r1, _ := doScan(t, s, Run{}, []host{
			{name: "10.1.0.5", ip: "10.1.0.5", mac: "00:e0:fc:aa:bb:cc"},
			{name: "10.1.0.9", ip: "10.1.0.9", kv: []string{"inventory.serial", "2102351931P0J3000123"}},
		}, []covered.Identification{
			idOf("10.1.0.5", covered.StatusSuspected, "Huawei", "Huawei"),
			idOf("10.1.0.9", covered.StatusCovered, "Huawei", "Huawei"),
		})
		a1, a2 := assetOf(t, s, r1, "10.1.0.5"), assetOf(t, s, r1, "10.1.0.9")
		if a1 == a2 {
			t.Fatalf("run 1 made one asset, want two")
		}
		r2, _ := doScan(t, s, Run{}, []host{
			{name: "10.1.0.20", ip: "10.1.0.20", mac: "00:e0:fc:aa:bb:cc", kv: []string{"snmp.serial", "2102351931P0J3000123"}},
		}, []covered.Identification{idOf("10.1.0.20", covered.StatusCovered, "Huawei", "Huawei")})
		got := assetOf(t, s, r2, "10.1.0.20")
		survivor, absorbed := min(a1, a2), max(a1, a2)
		if got != survivor {
			t.Fatalf("run 2 host is asset %d, want survivor %d", got, survivor)
		}
		if n := resolveAsset(t, s, absorbed); n != survivor {
			t.Errorf("absorbed asset %d resolves to %d, want %d", absorbed, n, survivor)
		}
		d, err := s.Asset(ctx, absorbed)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Merges) != 1 || d.Merges[0].Absorbed != absorbed || d.Merges[0].Survivor != survivor || d.Merges[0].RunID != r2 {
			t.Fatalf("merges = %+v", d.Merges)
		}
		if len(d.Sightings) != 3 {
			t.Errorf("survivor has %d sightings, want 3 (both of run 1 and run 2)", len(d.Sightings))
		}
		// One finding survives per entity; the other is marked merged.
		fs, err := s.Findings(ctx, FindingFilter{AssetID: survivor})
		if err != nil || len(fs) != 1 {
			t.Fatalf("active findings of survivor = %v, %v; want 1", fs, err)
		}
		all, _ := s.Findings(ctx, FindingFilter{IncludeInactive: true})
		merged := 0
		for _, f := range all {
			if f.MergedInto == fs[0].ID {
				merged++
			}
		}
		if merged != 1 {
			t.Errorf("%d findings merged into %d, want 1", merged, fs[0].ID)
		}
		lines, err := s.Explain(ctx, survivor)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(lines, "\n")
		for _, want := range []string{
			"merged with asset " + itoa(absorbed) + " by ",
			"mac 00:e0:fc:aa:bb:cc, seen in runs " + itoa(r1) + " and " + itoa(r2),
			"serial 2102351931P0J3000123, seen in runs " + itoa(r1) + " and " + itoa(r2),
		} {
			if !strings.Contains(text, want) {
				t.Errorf("Explain lacks %q:\n%s", want, text)
			}
		}
		audit, err := s.Audit(ctx, AuditFilter{Action: "asset.merge"})
		if err != nil || len(audit) != 1 || audit[0].ObjectID != survivor {
			t.Errorf("merge audit = %+v, %v", audit, err)
		}
		links, err := s.AssetLinks(ctx, survivor)
		if err != nil {
			t.Fatal(err)
		}
		kinds := []string{}
		for _, l := range links {
			kinds = append(kinds, l.Kind)
		}
		if !slices.Contains(kinds, LinkMAC) || !slices.Contains(kinds, LinkSerial) || slices.Contains(kinds, LinkIP) {
			t.Errorf("links kinds = %v", kinds)
		}
	})
}

func TestSightingsAndHistory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		cam := host{name: "10.2.0.5", ip: "10.2.0.5", mac: "44:19:b6:00:00:01"}
		r1, _ := doScan(t, s, Run{}, []host{cam}, nil)
		r2, _ := doScan(t, s, Run{}, []host{{name: "10.2.0.6", ip: "10.2.0.6"}}, nil)
		cam.name, cam.ip = "10.2.0.50", "10.2.0.50"
		r3, _ := doScan(t, s, Run{}, []host{cam}, nil)
		id := assetOf(t, s, r1, "10.2.0.5")
		d, err := s.Asset(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var runs []int64
		for _, x := range d.Sightings {
			runs = append(runs, x.RunID)
		}
		if !slices.Equal(runs, []int64{r1, r3}) {
			t.Errorf("sighting runs = %v, want [%d %d] (not %d)", runs, r1, r3, r2)
		}
		if d.FirstRun != r1 || d.LastRun != r3 || d.LastIP != "10.2.0.50" || d.LastMAC != "44:19:b6:00:00:01" {
			t.Errorf("asset = %+v", d.Asset)
		}
		if !d.FirstSeen.Before(d.LastSeen) {
			t.Errorf("first seen %v not before last seen %v", d.FirstSeen, d.LastSeen)
		}
		if d.Sightings[1].MatchKind != LinkMAC || d.Sightings[0].MatchKind != "new" {
			t.Errorf("match kinds = %q, %q", d.Sightings[0].MatchKind, d.Sightings[1].MatchKind)
		}
	})
}

// A host that appears in two batches of one run stays one asset, and its
// sighting adds up.
func TestHostAcrossBatches(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		run := beginRun(t, s, Run{})
		h := host{name: "10.3.0.5", ip: "10.3.0.5"}
		for range 2 {
			if err := s.Ingest(ctx, run, h.obs(t0), nil); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM assets`); n != 1 {
			t.Errorf("%d assets, want 1", n)
		}
		if n := count(t, s, `SELECT observations FROM asset_sightings WHERE run_id = ?`, run); n != 2 {
			t.Errorf("sighting counts %d observations, want 2", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
