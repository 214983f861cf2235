package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	covered "github.com/coveredtool/covered"
)

func TestFindingsOnlyForFlaggedStatuses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		hosts := []host{
			{name: "10.4.0.1", ip: "10.4.0.1"}, {name: "10.4.0.2", ip: "10.4.0.2"},
			{name: "10.4.0.3", ip: "10.4.0.3"}, {name: "10.4.0.4", ip: "10.4.0.4"},
		}
		run, _ := doScan(t, s, Run{}, hosts, []covered.Identification{
			idOf("10.4.0.1", covered.StatusCovered, "Huawei", "Huawei"),
			idOf("10.4.0.2", covered.StatusSuspected, "Hikvision", "Hikvision"),
			notCovered("10.4.0.3", "Cisco"),
			idOf("10.4.0.4", covered.StatusUnidentified, "", ""),
		})
		fs, err := s.Findings(ctx, FindingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]covered.Status{}
		for _, f := range fs {
			got[f.IP] = f.Status
			if f.Remediation.State != StateOpen || f.FirstRun != run || f.LastRun != run {
				t.Errorf("finding %+v: want open, first and last run %d", f, run)
			}
			h, err := s.RemediationHistory(ctx, f.ID)
			if err != nil || len(h) != 1 || h[0].State != StateOpen || h[0].Actor != SystemActor {
				t.Errorf("history of new finding %d = %+v, %v", f.ID, h, err)
			}
		}
		want := map[string]covered.Status{"10.4.0.1": covered.StatusCovered, "10.4.0.2": covered.StatusSuspected}
		if len(got) != len(want) || got["10.4.0.1"] != want["10.4.0.1"] || got["10.4.0.2"] != want["10.4.0.2"] {
			t.Errorf("findings by ip = %v, want %v", got, want)
		}
		// Filters.
		cov, _ := s.Findings(ctx, FindingFilter{Status: []covered.Status{covered.StatusCovered}})
		if len(cov) != 1 || cov[0].CoveredEntity != "Huawei" {
			t.Errorf("covered filter = %+v", cov)
		}
		hik, _ := s.Findings(ctx, FindingFilter{Entity: "hikvision"})
		if len(hik) != 1 {
			t.Errorf("entity filter = %+v", hik)
		}
	})
}

// A later scan that learns nothing does not erase a verdict; a later scan
// that says otherwise does, and the finding becomes inactive but keeps its
// history; the first-found run stays while last-seen moves.
func TestFindingLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		h := host{name: "10.5.0.1", ip: "10.5.0.1", mac: "00:e0:fc:05:00:01"}
		r1, _ := doScan(t, s, Run{}, []host{h}, []covered.Identification{idOf(h.name, covered.StatusCovered, "Huawei", "Huawei")})
		r2, _ := doScan(t, s, Run{}, []host{h}, []covered.Identification{idOf(h.name, covered.StatusUnidentified, "", "")})
		fs, _ := s.Findings(ctx, FindingFilter{})
		if len(fs) != 1 || fs[0].FirstRun != r1 || fs[0].LastRun != r2 {
			t.Fatalf("after an empty scan: %+v, want one finding first run %d last run %d", fs, r1, r2)
		}
		a, _ := s.Asset(ctx, fs[0].AssetID)
		if a.Status != covered.StatusCovered || len(a.History) != 2 {
			t.Errorf("asset status %s with %d identifications, want covered with 2", a.Status, len(a.History))
		}
		r3, _ := doScan(t, s, Run{}, []host{h}, []covered.Identification{notCovered(h.name, "Huawei")})
		fs, _ = s.Findings(ctx, FindingFilter{})
		if len(fs) != 0 {
			t.Fatalf("after not_covered: %d active findings", len(fs))
		}
		all, _ := s.Findings(ctx, FindingFilter{IncludeInactive: true})
		if len(all) != 1 || all[0].Active || all[0].ClearedRun != r3 {
			t.Errorf("inactive finding = %+v", all)
		}
		changes, err := s.IdentificationChanges(ctx, r3)
		if err != nil || len(changes) != 1 || changes[0].OldStatus != covered.StatusCovered || changes[0].NewStatus != covered.StatusNotCovered {
			t.Errorf("changes of run %d = %+v, %v", r3, changes, err)
		}
	})
}

func TestRemediation(t *testing.T) {
	future := time.Now().Add(90 * 24 * time.Hour).UTC().Truncate(time.Second)
	past := time.Now().Add(-24 * time.Hour)
	str := func(s string) *string { return &s }
	day1, day2 := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		from    RemediationState // reached through valid steps first
		change  RemediationChange
		field   string // expected ValidationError field, "" for success
		errText string
	}{
		{name: "open to replacing with owner", change: RemediationChange{State: StateReplacing, Owner: str("net-team"), Ticket: str("CHG-1")}},
		{name: "accepted risk needs reason", change: RemediationChange{State: StateAcceptedRisk, Expires: &future}, field: "reason",
			errText: "reason: accepted_risk needs a reason"},
		{name: "accepted risk needs expiry", change: RemediationChange{State: StateAcceptedRisk, Reason: str("isolated VLAN")}, field: "expires",
			errText: "expires: accepted_risk needs an expiry date"},
		{name: "accepted risk expiry in the past", change: RemediationChange{State: StateAcceptedRisk, Reason: str("x"), Expires: &past}, field: "expires"},
		{name: "accepted risk", change: RemediationChange{State: StateAcceptedRisk, Reason: str("isolated VLAN"), Expires: &future}},
		{name: "false positive needs reason", change: RemediationChange{State: StateFalsePositive}, field: "reason",
			errText: "reason: false_positive needs a reason"},
		{name: "false positive", change: RemediationChange{State: StateFalsePositive, Reason: str("H3C, not Huawei")}},
		{name: "users cannot verify", from: StateReplaced, change: RemediationChange{State: StateReplacedVerified}, field: "state"},
		{name: "unknown state", change: RemediationChange{State: "gone"}, field: "state", errText: `state: unknown state "gone"`},
		{name: "false positive only reopens", from: StateFalsePositive, change: RemediationChange{State: StateReplacing}, field: "state",
			errText: "state: cannot go from false_positive to replacing"},
		{name: "nothing to change", change: RemediationChange{}, field: "change"},
		{name: "expiry only for accepted risk", change: RemediationChange{Expires: &future}, field: "expires"},
		{name: "replaced back to open", from: StateReplaced, change: RemediationChange{State: StateOpen, Notes: str("still in rack 4")}},
		{name: "notes only", change: RemediationChange{Notes: str("called vendor")}},
		{name: "report dates", change: RemediationChange{Reported: &day1, FollowUp: &day2}},
		{name: "follow-up needs first report", change: RemediationChange{FollowUp: &day2}, field: "follow_up",
			errText: "follow_up: a follow-up report needs the date of the first report"},
		{name: "follow-up before first report", change: RemediationChange{Reported: &day2, FollowUp: &day1}, field: "follow_up",
			errText: "follow_up: follow-up report 2026-11-28 is before the first report 2026-12-08"},
	}
	steps := map[RemediationState]RemediationChange{
		StateReplaced:      {State: StateReplaced},
		StateFalsePositive: {State: StateFalsePositive, Reason: str("lab unit")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, s *Store) {
				ctx := context.Background()
				doScan(t, s, Run{}, []host{{name: "10.6.0.1", ip: "10.6.0.1"}},
					[]covered.Identification{idOf("10.6.0.1", covered.StatusCovered, "Huawei", "Huawei")})
				fs, _ := s.Findings(ctx, FindingFilter{})
				id := fs[0].ID
				if tc.from != "" {
					if _, err := s.SetRemediation(ctx, id, steps[tc.from], "alice"); err != nil {
						t.Fatal(err)
					}
				}
				before, _ := s.RemediationHistory(ctx, id)
				f, err := s.SetRemediation(ctx, id, tc.change, "bob")
				after, _ := s.RemediationHistory(ctx, id)
				if tc.field != "" {
					var ve *ValidationError
					if !errors.As(err, &ve) || ve.Field != tc.field {
						t.Fatalf("err = %v, want a validation error on %s", err, tc.field)
					}
					if tc.errText != "" && !strings.HasSuffix(err.Error(), tc.errText) {
						t.Errorf("err = %q, want it to end %q", err, tc.errText)
					}
					if !strings.HasPrefix(err.Error(), "store: set remediation of finding ") {
						t.Errorf("err %q lacks operation and subject", err)
					}
					if len(after) != len(before) {
						t.Errorf("a rejected change wrote history")
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if tc.change.State != "" && f.Remediation.State != tc.change.State {
					t.Errorf("state = %s, want %s", f.Remediation.State, tc.change.State)
				}
				if f.Remediation.UpdatedBy != "bob" || len(after) != len(before)+1 || after[len(after)-1].Actor != "bob" {
					t.Errorf("remediation %+v, history %d -> %d", f.Remediation, len(before), len(after))
				}
				audit, err := s.Audit(ctx, AuditFilter{Actor: "bob", ObjectType: "finding", ObjectID: id})
				if err != nil || len(audit) != 1 || audit[0].Action != "remediation.set" {
					t.Fatalf("audit = %+v, %v", audit, err)
				}
				if tc.change.State != "" {
					want := `"state":{"new":"` + string(tc.change.State) + `","old":"`
					if !strings.Contains(string(audit[0].Details), want) {
						t.Errorf("audit details %s lack %s", audit[0].Details, want)
					}
				}
			})
		})
	}
}

func TestRiskExpired(t *testing.T) {
	r := Remediation{State: StateAcceptedRisk, Expires: t0}
	if r.RiskExpired(t0.Add(-time.Hour)) || !r.RiskExpired(t0.Add(time.Hour)) {
		t.Error("RiskExpired does not follow Expires")
	}
}

// The FAR 52.204-25(d)(2) report dates are part of the remediation: kept
// with the finding and in its history, audited, carried across state
// changes (a person's and a scan's), and cleared by a zero time.
func TestRemediationReportDates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		dev := host{name: "10.6.0.1", ip: "10.6.0.1"}
		scan := Run{Scope: []string{"10.6.0.0/24"}}
		doScan(t, s, scan, []host{dev}, []covered.Identification{idOf(dev.name, covered.StatusCovered, "Huawei", "Huawei")})
		fs, _ := s.Findings(ctx, FindingFilter{})
		id := fs[0].ID
		reported := time.Date(2026, 11, 28, 15, 4, 5, 0, time.FixedZone("EST", -5*3600))
		followUp := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
		f, err := s.SetRemediation(ctx, id, RemediationChange{Reported: &reported, FollowUp: &followUp}, "bob")
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, f Finding, wantReported, wantFollowUp time.Time) {
			t.Helper()
			r := f.Remediation
			if !r.Reported.Equal(wantReported) || !r.FollowUp.Equal(wantFollowUp) {
				t.Errorf("%s: reported %v follow-up %v, want %v %v", what, r.Reported, r.FollowUp, wantReported, wantFollowUp)
			}
		}
		check("set", f, reported, followUp)
		audit, err := s.Audit(ctx, AuditFilter{Actor: "bob", ObjectType: "finding", ObjectID: id})
		if err != nil || len(audit) != 1 {
			t.Fatalf("audit = %+v, %v", audit, err)
		}
		want := `{"changes":{"follow_up":{"new":"2026-12-08T09:00:00Z","old":""},"reported":{"new":"2026-11-28T20:04:05Z","old":""}}}`
		if got := string(audit[0].Details); got != want {
			t.Errorf("audit details %s, want %s", got, want)
		}

		if _, err := s.SetRemediation(ctx, id, RemediationChange{State: StateReplaced}, "bob"); err != nil {
			t.Fatal(err)
		}
		// A later complete scan of the scope without the device verifies
		// the replacement; the dates stay.
		doScan(t, s, scan, []host{{name: "10.6.0.9", ip: "10.6.0.9"}}, nil)
		f, err = s.Finding(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if f.Remediation.State != StateReplacedVerified {
			t.Errorf("state after the verifying scan = %s", f.Remediation.State)
		}
		check("after verification", f, reported, followUp)
		history, err := s.RemediationHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range history[1:] {
			if !e.Reported.Equal(reported) || !e.FollowUp.Equal(followUp) {
				t.Errorf("history %d (%s): reported %v follow-up %v", i+1, e.State, e.Reported, e.FollowUp)
			}
		}
		if !history[0].Reported.IsZero() {
			t.Errorf("the opening entry has a report date: %+v", history[0])
		}

		var zero time.Time
		_, err = s.SetRemediation(ctx, id, RemediationChange{Reported: &zero}, "bob")
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != "follow_up" {
			t.Errorf("clearing the first report but not the follow-up: %v, want a follow_up validation error", err)
		}
		if f, err = s.SetRemediation(ctx, id, RemediationChange{Reported: &zero, FollowUp: &zero}, "bob"); err != nil {
			t.Fatal(err)
		}
		check("cleared", f, time.Time{}, time.Time{})
	})
}
