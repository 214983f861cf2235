package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	covered "github.com/coveredtool/covered"
)

func TestBulkReads(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		cam := host{name: "10.0.0.1", ip: "10.0.0.1", mac: "00:1b:54:00:00:01"}
		sw := host{name: "10.0.0.2", ip: "10.0.0.2", mac: "00:1b:54:00:00:02"}
		lab := host{name: "10.9.0.1", ip: "10.9.0.1", mac: "00:1b:54:00:09:01"}
		raising := idOf(cam.name, covered.StatusCovered, "Hikvision", "Hikvision")
		raising.Model = "DS-1"
		run1, _ := doScan(t, s, Run{Site: "hq"}, []host{cam, sw}, []covered.Identification{raising, notCovered(sw.name, "Cisco")})
		later := idOf(cam.name, covered.StatusCovered, "Hikvision", "Hikvision")
		later.Model = "DS-2"
		run2, _ := doScan(t, s, Run{Site: "hq"}, []host{cam}, []covered.Identification{later})
		run3, _ := doScan(t, s, Run{Site: "lab"}, []host{lab}, []covered.Identification{notCovered(lab.name, "Cisco")})
		camA, swA, labA := assetOf(t, s, run1, cam.name), assetOf(t, s, run1, sw.name), assetOf(t, s, run3, lab.name)

		findings, err := s.Findings(ctx, FindingFilter{})
		if err != nil || len(findings) != 1 {
			t.Fatalf("findings = %v, %v; want one", findings, err)
		}
		f := findings[0]
		owner := "it"
		if _, err := s.SetRemediation(ctx, f.ID, RemediationChange{State: StateReplacing, Owner: &owner}, "alice"); err != nil {
			t.Fatal(err)
		}

		models := func(recs map[int64]IdentificationRecord) map[int64][]string {
			out := map[int64][]string{}
			for id, r := range recs {
				if id != r.ID {
					t.Errorf("identification %d keyed as %d", r.ID, id)
				}
				out[r.AssetID] = append(out[r.AssetID], r.Model)
			}
			for _, m := range out {
				slices.Sort(m)
			}
			return out
		}
		for _, tc := range []struct {
			name      string
			f         BulkFilter
			idents    map[int64][]string // asset -> models of its identifications
			sightings []SightingRow
		}{
			{"all", BulkFilter{}, map[int64][]string{camA: {"DS-1", "DS-2"}, swA: {""}, labA: {""}},
				[]SightingRow{{run1, camA, cam.name, cam.ip, t0.Add(1 * time.Hour)}, {run1, swA, sw.name, sw.ip, t0.Add(1 * time.Hour)},
					{run2, camA, cam.name, cam.ip, t0.Add(2 * time.Hour)}, {run3, labA, lab.name, lab.ip, t0.Add(3 * time.Hour)}}},
			{"site", BulkFilter{Site: "lab"}, map[int64][]string{labA: {""}},
				[]SightingRow{{run3, labA, lab.name, lab.ip, t0.Add(3 * time.Hour)}}},
			{"run", BulkFilter{RunIDs: []int64{run2}}, map[int64][]string{camA: {"DS-1", "DS-2"}},
				[]SightingRow{{run1, camA, cam.name, cam.ip, t0.Add(1 * time.Hour)}, {run2, camA, cam.name, cam.ip, t0.Add(2 * time.Hour)}}},
			{"since", BulkFilter{Since: t0.Add(2 * time.Hour)}, map[int64][]string{camA: {"DS-1", "DS-2"}, labA: {""}},
				[]SightingRow{{run1, camA, cam.name, cam.ip, t0.Add(1 * time.Hour)}, {run2, camA, cam.name, cam.ip, t0.Add(2 * time.Hour)},
					{run3, labA, lab.name, lab.ip, t0.Add(3 * time.Hour)}}},
			{"until", BulkFilter{Until: t0.Add(1 * time.Hour)}, map[int64][]string{camA: {"DS-1", "DS-2"}, swA: {""}},
				[]SightingRow{{run1, camA, cam.name, cam.ip, t0.Add(1 * time.Hour)}, {run1, swA, sw.name, sw.ip, t0.Add(1 * time.Hour)},
					{run2, camA, cam.name, cam.ip, t0.Add(2 * time.Hour)}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				idents, err := s.CurrentIdentifications(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.idents, models(idents)); diff != "" {
					t.Errorf("identifications (-want +got):\n%s", diff)
				}
				sightings, err := s.Sightings(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.sightings, sightings); diff != "" {
					t.Errorf("sightings (-want +got):\n%s", diff)
				}
			})
		}
		idents, err := s.CurrentIdentifications(ctx, BulkFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := idents[f.IdentificationID]; got.Model != "DS-1" || got.CoveredEntity != "Hikvision" || got.Host != cam.name {
			t.Errorf("raising identification = %+v", got)
		}

		all, err := s.RemediationHistories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		one, err := s.RemediationHistory(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[int64][]RemediationEvent{f.ID: one}, all); diff != "" {
			t.Errorf("histories (-want +got):\n%s", diff)
		}
		if len(one) != 2 || one[1].State != StateReplacing || one[1].Owner != "it" {
			t.Errorf("history = %+v", one)
		}
	})
}
