package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	covered "github.com/coveredtool/covered"
)

func TestVerification(t *testing.T) {
	huawei := host{name: "10.7.0.5", ip: "10.7.0.5", mac: "00:e0:fc:07:00:05", kv: []string{"hostname", "core-sw-1"}}
	other := host{name: "10.7.0.9", ip: "10.7.0.9"}
	cases := []struct {
		name string
		run  Run
		// seen: whether the verifying run still sees the Huawei device.
		seen   bool
		status RunStatus
		want   RemediationState
		note   string
	}{
		{name: "CIDR scope, not seen", run: Run{Scope: []string{"10.7.0.0/24"}}, want: StateReplacedVerified, note: "verified: not seen in run %d, which covered 10.7.0.5"},
		{name: "range scope, not seen", run: Run{Scope: []string{"10.7.0.1-10.7.0.20"}}, want: StateReplacedVerified},
		{name: "short range scope, not seen", run: Run{Scope: []string{"10.7.0.1-9"}}, want: StateReplacedVerified},
		{name: "nmap octet scope, not seen", run: Run{Scope: []string{"10.7.0-1.*"}}, want: StateReplacedVerified},
		{name: "single address scope, not seen", run: Run{Scope: []string{"10.7.0.5"}}, want: StateReplacedVerified},
		{name: "seen again", run: Run{Scope: []string{"10.7.0.0/24"}}, seen: true, want: StateOpen, note: "reopened: still seen in run %d"},
		{name: "seen by an out-of-scope run", run: Run{Scope: []string{"192.0.2.0/24"}}, seen: true, want: StateOpen},
		{name: "out of scope", run: Run{Scope: []string{"10.8.0.0/16"}}, want: StateReplaced},
		{name: "excluded", run: Run{Scope: []string{"10.7.0.0/24"}, Exclusions: []string{"10.7.0.4-6"}}, want: StateReplaced},
		{name: "interrupted run", run: Run{Scope: []string{"10.7.0.0/24"}}, status: RunInterrupted, want: StateReplaced},
		{name: "import without scope", run: Run{Kind: RunImport}, want: StateReplaced},
		{name: "other site", run: Run{Site: "branch", Scope: []string{"10.7.0.0/24"}}, want: StateReplaced},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *Store) {
				ctx := context.Background()
				doScan(t, s, Run{Scope: []string{"10.7.0.0/24"}}, []host{huawei, other},
					[]covered.Identification{idOf(huawei.name, covered.StatusCovered, "Huawei", "Huawei"), notCovered(other.name, "Cisco")})
				fs, _ := s.Findings(ctx, FindingFilter{})
				if len(fs) != 1 {
					t.Fatalf("%d findings, want 1", len(fs))
				}
				id := fs[0].ID
				if _, err := s.SetRemediation(ctx, id, RemediationChange{State: StateReplaced, Ticket: new("CHG-7")}, "alice"); err != nil {
					t.Fatal(err)
				}
				hosts := []host{other}
				if tc.seen {
					moved := huawei
					moved.name, moved.ip = "10.7.0.50", "10.7.0.50" // DHCP gave it a new address
					hosts = append(hosts, moved)
				}
				run := beginRun(t, s, tc.run)
				var obs []covered.Observation
				for _, h := range hosts {
					obs = append(obs, h.obs(t0.Add(48*3600e9))...)
				}
				if err := s.Ingest(ctx, run, obs, nil); err != nil {
					t.Fatal(err)
				}
				status := tc.status
				if status == "" {
					status = RunComplete
				}
				res, err := s.FinishRun(ctx, run, status, RunCounts{Failed: 1})
				if err != nil {
					t.Fatal(err)
				}
				f, err := s.Finding(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if f.Remediation.State != tc.want {
					t.Fatalf("state = %s, want %s", f.Remediation.State, tc.want)
				}
				if f.Remediation.Ticket != "CHG-7" {
					t.Errorf("verification lost the ticket: %+v", f.Remediation)
				}
				switch tc.want {
				case StateReplacedVerified:
					if !slices.Equal(res.Verified, []int64{id}) || len(res.Reopened) != 0 {
						t.Errorf("result = %+v", res)
					}
				case StateOpen:
					if !slices.Equal(res.Reopened, []int64{id}) || len(res.Verified) != 0 {
						t.Errorf("result = %+v", res)
					}
				default:
					if len(res.Verified)+len(res.Reopened) != 0 {
						t.Errorf("result = %+v, want nothing touched", res)
					}
				}
				h, _ := s.RemediationHistory(ctx, id)
				last := h[len(h)-1]
				if tc.note != "" {
					want := fmt.Sprintf(tc.note, run)
					if last.Comment != want || last.RunID != run || last.Actor != SystemActor {
						t.Errorf("last history entry = %+v, want comment %q by %s in run %d", last, want, SystemActor, run)
					}
					audit, _ := s.Audit(ctx, AuditFilter{ObjectType: "finding", ObjectID: id, Actor: SystemActor})
					if len(audit) != 1 || !strings.Contains(string(audit[0].Details), want) {
						t.Errorf("audit = %+v", audit)
					}
				}
				if res.Run.Counts.Failed != 1 || res.Run.Counts.Observations != int64(len(obs)) || res.Run.Status != status {
					t.Errorf("finished run = %+v", res.Run)
				}
			})
		})
	}
}

func TestScopeContains(t *testing.T) {
	sc, err := newScope(context.Background(), []string{"192.0.2.0/28", "198.51.100.10-198.51.100.12", "cam.example", "2001:db8::/120", "10.1-2.0.1"},
		[]string{"192.0.2.3", "nvr.example"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ip, host string
		want     bool
	}{
		{"192.0.2.1", "", true}, {"192.0.2.3", "", false}, {"192.0.2.16", "", false},
		{"198.51.100.11", "", true}, {"198.51.100.13", "", false},
		{"::ffff:192.0.2.2", "", true}, {"2001:db8::ff", "", true}, {"2001:db8::1:0", "", false},
		{"10.2.0.1", "", true}, {"10.3.0.1", "", false},
		{"", "CAM.example.", true}, {"", "nvr.example", false}, {"", "other.example", false},
	}
	for _, tc := range cases {
		if got := sc.contains(tc.ip, tc.host); got != tc.want {
			t.Errorf("contains(%q, %q) = %v, want %v", tc.ip, tc.host, got, tc.want)
		}
	}
	empty, _ := newScope(context.Background(), nil, nil)
	if !empty.empty() || empty.contains("192.0.2.1", "") {
		t.Error("an empty scope contains something")
	}
}

func TestDiff(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		scope := Run{Scope: []string{"10.9.0.0/24"}}
		stay := host{name: "10.9.0.1", ip: "10.9.0.1", mac: "00:1b:54:09:00:01"}
		moves := host{name: "10.9.0.2", ip: "10.9.0.2", mac: "00:e0:fc:09:00:02"}
		goes := host{name: "10.9.0.3", ip: "10.9.0.3", mac: "00:1b:54:09:00:03"}
		r1, _ := doScan(t, s, scope, []host{stay, moves, goes}, []covered.Identification{
			notCovered(stay.name, "Cisco"), idOf(moves.name, covered.StatusSuspected, "Huawei", "Huawei"), idOf(goes.name, covered.StatusCovered, "Dahua", "Dahua"),
		})
		doScan(t, s, Run{Scope: []string{"172.16.0.0/12"}}, []host{{name: "172.16.0.1", ip: "172.16.0.1"}}, nil)
		moved := moves
		moved.name, moved.ip = "10.9.0.20", "10.9.0.20"
		arrives := host{name: "10.9.0.4", ip: "10.9.0.4", mac: "44:19:b6:09:00:04"}
		r2, _ := doScan(t, s, Run{Scope: []string{"10.9.0.0/24"}}, []host{stay, moved, arrives}, []covered.Identification{
			notCovered(stay.name, "Cisco"), idOf(moved.name, covered.StatusCovered, "Huawei", "Huawei"), idOf(arrives.name, covered.StatusCovered, "Hikvision", "Hikvision"),
		})
		a, b, err := s.LastTwoRuns(ctx, "", []string{"10.9.0.0/24"})
		if err != nil || a != r1 || b != r2 {
			t.Fatalf("LastTwoRuns = %d, %d, %v; want %d, %d", a, b, err, r1, r2)
		}
		if p, err := s.PreviousRun(ctx, r2); err != nil || p != r1 {
			t.Errorf("PreviousRun(%d) = %d, %v; want %d", r2, p, err, r1)
		}
		d, err := s.Diff(ctx, a, b)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.New) != 1 || d.New[0].Host != arrives.name {
			t.Errorf("new = %+v", d.New)
		}
		if len(d.Gone) != 1 || d.Gone[0].Host != goes.name {
			t.Errorf("gone = %+v", d.Gone)
		}
		if len(d.Changed) != 1 || !slices.Equal(d.Changed[0].Fields, []string{"ip", "status"}) {
			t.Errorf("changed = %+v", d.Changed)
		}
		if len(d.NewFindings) != 1 || d.NewFindings[0].CoveredEntity != "Hikvision" || d.NewFindings[0].FindingID == 0 {
			t.Errorf("new findings = %+v", d.NewFindings)
		}
		if len(d.ResolvedFindings) != 1 || d.ResolvedFindings[0].CoveredEntity != "Dahua" {
			t.Errorf("resolved findings = %+v", d.ResolvedFindings)
		}
	})
}

// Reidentification walks the stored observations per asset, stores new
// verdicts as current, and records what changed.
func TestReidentify(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		cam := host{name: "10.10.0.1", ip: "10.10.0.1", kv: []string{"http.header.server", "DNVRS-Webs"}}
		sw := host{name: "10.10.0.2", ip: "10.10.0.2", kv: []string{"ssh.banner", "SSH-2.0-HUAWEI-1.5"}}
		doScan(t, s, Run{}, []host{cam, sw}, []covered.Identification{
			idOf(cam.name, covered.StatusUnidentified, "", ""), idOf(sw.name, covered.StatusCovered, "Huawei", "Huawei"),
		})
		run := beginRun(t, s, Run{Kind: RunReidentify, RulesVersion: "r2"})
		perAsset := map[int64][]covered.Observation{}
		var order []int64
		err := s.Observations(ctx, ObservationFilter{}, func(o ObservationRecord) error {
			if _, ok := perAsset[o.AssetID]; !ok {
				order = append(order, o.AssetID)
			}
			perAsset[o.AssetID] = append(perAsset[o.AssetID], o.Observation)
			return nil
		})
		if err != nil || len(order) != 2 || !slices.IsSorted(order) {
			t.Fatalf("observations walk: assets %v, %v", order, err)
		}
		// A stand-in for identify with new rules: the DNVRS server header
		// now says Dahua; the SSH banner still says Huawei.
		var ids []AssetIdentification
		for _, a := range order {
			id := idOf("", covered.StatusUnidentified, "", "")
			for _, o := range perAsset[a] {
				switch o.Value {
				case "DNVRS-Webs":
					id = idOf("", covered.StatusCovered, "Dahua", "Dahua")
				case "SSH-2.0-HUAWEI-1.5":
					id = idOf("", covered.StatusCovered, "Huawei", "Huawei")
				}
			}
			id.RulesVersion = "r2"
			ids = append(ids, AssetIdentification{AssetID: a, Identification: id})
		}
		changes, err := s.ReplaceIdentifications(ctx, run, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 1 || changes[0].OldStatus != covered.StatusUnidentified || changes[0].NewStatus != covered.StatusCovered ||
			changes[0].NewEntity != "Dahua" || changes[0].RunID != run {
			t.Fatalf("changes = %+v", changes)
		}
		stored, _ := s.IdentificationChanges(ctx, run)
		if len(stored) != 1 || stored[0] != changes[0] {
			t.Errorf("stored changes = %+v, want %+v", stored, changes)
		}
		fs, _ := s.Findings(ctx, FindingFilter{Entity: "Dahua"})
		if len(fs) != 1 || fs[0].FirstRun != run {
			t.Errorf("Dahua findings = %+v", fs)
		}
		d, _ := s.Asset(ctx, changes[0].AssetID)
		if d.Identification == nil || d.Identification.RulesVersion != "r2" || d.Identification.Host != cam.name {
			t.Errorf("current identification = %+v", d.Identification)
		}
		if len(d.Observations) == 0 {
			t.Errorf("asset detail has no evidence observations")
		}
	})
}
