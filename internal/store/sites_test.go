package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	covered "github.com/coveredtool/covered"
)

// A scan spanning sites gives each host its site; weak identifiers then
// match within that site only, and hosts without one fall back to the run's.
func TestIngestPerHostSites(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		cam := host{name: "10.0.0.1", ip: "10.0.0.1", kv: []string{"hostname", "cam1"}}
		sw := host{name: "10.0.0.2", ip: "10.0.0.2"}
		pc := host{name: "10.0.0.3", ip: "10.0.0.3"}
		scan := func(runSite string, sites map[string]string, hosts ...host) int64 {
			t.Helper()
			run := beginRun(t, s, Run{Site: runSite})
			var obs []covered.Observation
			for _, h := range hosts {
				obs = append(obs, h.obs(t0)...)
			}
			opt := IngestOptions{}
			if sites != nil {
				opt.Site = func(h string) string { return sites[h] }
			}
			if err := s.IngestWith(ctx, run, obs, nil, opt); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FinishRun(ctx, run, RunComplete, RunCounts{}); err != nil {
				t.Fatal(err)
			}
			return run
		}
		siteOf := func(asset int64) string {
			t.Helper()
			d, err := s.Asset(ctx, asset)
			if err != nil {
				t.Fatal(err)
			}
			return d.Site
		}

		run1 := scan("corp", map[string]string{cam.name: "hq", sw.name: "lab"}, cam, sw, pc)
		camA, swA, pcA := assetOf(t, s, run1, cam.name), assetOf(t, s, run1, sw.name), assetOf(t, s, run1, pc.name)
		if got := []string{siteOf(camA), siteOf(swA), siteOf(pcA)}; !cmp.Equal(got, []string{"hq", "lab", "corp"}) {
			t.Errorf("asset sites = %q, want hq, lab, corp (the last from the run)", got)
		}
		links, err := s.AssetLinks(ctx, camA)
		if err != nil {
			t.Fatal(err)
		}
		if len(links) != 1 || links[0].Kind != LinkHostname || links[0].Site != "hq" || !cmp.Equal(links[0].Runs, []int64{run1}) {
			t.Errorf("camera links = %+v, want hostname cam1 in site hq seen by run %d", links, run1)
		}

		// A scan of site lab (the Ingest signature: no per-host sites)
		// sees the same addresses: 10.0.0.2 is the lab switch again, but
		// 10.0.0.1 and cam1 in lab are not the hq camera.
		run2 := scan("lab", nil, cam, sw)
		if got := assetOf(t, s, run2, sw.name); got != swA {
			t.Errorf("lab scan: switch on asset %d, want %d", got, swA)
		}
		labCam := assetOf(t, s, run2, cam.name)
		if labCam == camA || siteOf(labCam) != "lab" {
			t.Errorf("lab scan: 10.0.0.1 on asset %d of site %q, want a new lab asset (hq camera is %d)", labCam, siteOf(labCam), camA)
		}

		// Giving the camera its site again finds it by address and name.
		run3 := scan("", map[string]string{cam.name: "hq"}, cam)
		if got := assetOf(t, s, run3, cam.name); got != camA {
			t.Errorf("hq scan: camera on asset %d, want %d", got, camA)
		}
	})
}
