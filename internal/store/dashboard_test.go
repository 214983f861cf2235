package store

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	covered "github.com/coveredtool/covered"
)

// TestDashboardQueries follows two findings through a day each: counts by
// entity and device type, asset counts by status, the open-findings trend
// at instants around each change, and the newest audit entries.
func TestDashboardQueries(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		marks := map[string]string{}
		mark := func(after string) {
			t.Helper()
			m, err := s.ChangeMark(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for what, seen := range marks {
				if seen == m {
					t.Errorf("change mark after %s equals the one after %s: %s", after, what, m)
				}
			}
			marks[after] = m
		}
		mark("nothing")
		if again, _ := s.ChangeMark(ctx); again != marks["nothing"] {
			t.Errorf("change mark moved without a change: %s, then %s", marks["nothing"], again)
		}
		hosts := []host{{name: "10.6.0.1", ip: "10.6.0.1"}, {name: "10.6.0.2", ip: "10.6.0.2"}, {name: "10.6.0.3", ip: "10.6.0.3"}}
		router := idOf("10.6.0.1", covered.StatusCovered, "Huawei", "Huawei")
		router.DeviceType = "router"
		camera := idOf("10.6.0.2", covered.StatusSuspected, "Hikvision", "Hikvision")
		camera.DeviceType = "camera"
		run1, _ := doScan(t, s, Run{}, hosts, []covered.Identification{router, camera, notCovered("10.6.0.3", "Cisco")})
		mark("the first scan")

		counts, err := s.OpenFindingCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []FindingCount{
			{Entity: "Hikvision", DeviceType: "camera", Status: covered.StatusSuspected, N: 1},
			{Entity: "Huawei", DeviceType: "router", Status: covered.StatusCovered, N: 1},
		}
		if !slices.Equal(counts, want) {
			t.Errorf("open finding counts = %+v, want %+v", counts, want)
		}
		byStatus, err := s.AssetStatusCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if byStatus[covered.StatusCovered] != 1 || byStatus[covered.StatusSuspected] != 1 || byStatus[covered.StatusNotCovered] != 1 {
			t.Errorf("asset status counts = %v", byStatus)
		}

		// The camera is replaced; the next run says the router is not
		// covered after all, which clears its finding.
		cam := findingOf(t, s, assetOf(t, s, run1, "10.6.0.2"))
		if _, err := s.SetRemediation(ctx, cam.ID, RemediationChange{State: StateReplaced}, "alice"); err != nil {
			t.Fatal(err)
		}
		mark("a remediation")
		if err := s.SetAllowedRanges(ctx, []netip.Prefix{netip.MustParsePrefix("10.6.0.0/24")}, "alice"); err != nil {
			t.Fatal(err)
		}
		mark("new allowed ranges")
		running := beginRun(t, s, Run{})
		mark("a run begun")
		if err := s.Ingest(ctx, running, hosts[2].obs(t0), nil); err != nil {
			t.Fatal(err)
		}
		mark("observations of a running scan")
		if _, err := s.FinishRun(ctx, running, RunComplete, RunCounts{Hosts: 1}); err != nil {
			t.Fatal(err)
		}
		mark("a run finished")
		hist, err := s.RemediationHistory(ctx, cam.ID)
		if err != nil || len(hist) != 2 {
			t.Fatalf("camera history = %+v, %v", hist, err)
		}
		replacedAt := hist[1].UpdatedAt
		time.Sleep(2 * time.Millisecond) // the next run's times come after the change
		doScan(t, s, Run{}, hosts[:1], []covered.Identification{notCovered("10.6.0.1", "Huawei")})
		rtr := findingOf(t, s, assetOf(t, s, run1, "10.6.0.1"))
		if rtr.Active || rtr.Cleared.IsZero() {
			t.Fatalf("router finding after the second run: %+v, want cleared", rtr)
		}

		first := cam.FirstFound
		if rtr.FirstFound.Before(first) {
			first = rtr.FirstFound
		}
		at := []time.Time{first, first.Add(time.Microsecond), replacedAt.Add(time.Microsecond), rtr.Cleared.Add(time.Microsecond)}
		got, err := s.OpenFindingsAt(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		// At the first finding's instant nothing was found before it; the
		// second instant may miss one finding found a little later.
		if got[0] != 0 || got[2] != 1 || got[3] != 0 {
			t.Errorf("open findings at %v = %v, want [0 _ 1 0]", at, got)
		}
		if counts, err := s.OpenFindingCounts(ctx); err != nil || len(counts) != 0 {
			t.Errorf("open finding counts after replacement and clearing = %+v, %v; want none", counts, err)
		}

		recent, err := s.RecentAudit(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.Audit(ctx, AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(recent) != 1 || len(all) == 0 || recent[0].ID != all[len(all)-1].ID {
			t.Errorf("recent audit = %+v, want the newest of %d entries", recent, len(all))
		}
	})
}

func findingOf(t *testing.T, s *Store, asset int64) Finding {
	t.Helper()
	fs, err := s.Findings(context.Background(), FindingFilter{AssetID: asset, IncludeInactive: true})
	if err != nil || len(fs) != 1 {
		t.Fatalf("findings of asset %d = %+v, %v; want one", asset, fs, err)
	}
	return fs[0]
}

func TestNextStates(t *testing.T) {
	for _, tc := range []struct {
		from RemediationState
		want []RemediationState
	}{
		{StateOpen, []RemediationState{StateOpen, StateReplacing, StateReplaced, StateAcceptedRisk, StateFalsePositive}},
		{StateReplacedVerified, []RemediationState{StateReplacedVerified, StateOpen}},
		{StateReplaced, []RemediationState{StateReplaced, StateOpen, StateReplacing}},
		{"gone", nil},
	} {
		if got := NextStates(tc.from); !slices.Equal(got, tc.want) {
			t.Errorf("NextStates(%s) = %v, want %v", tc.from, got, tc.want)
		}
	}
	if !StateReplacing.Open() || StateAcceptedRisk.Open() || StateReplaced.Open() {
		t.Error("Open: want open and replacing only")
	}
}
