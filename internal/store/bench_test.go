package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	covered "github.com/coveredtool/covered"
)

// benchHost builds the observations and identification of device i as run
// visit sees it. MACs are stable per device; addresses move between visits
// (DHCP churn), so the second run exercises matching by MAC.
func benchHost(i, visit, nobs int, seen time.Time) ([]covered.Observation, covered.Identification) {
	ip := fmt.Sprintf("10.%d.%d.%d", visit*64+i>>16&63, i>>8&255, i&255)
	mac := fmt.Sprintf("00:1b:%02x:%02x:%02x:%02x", i>>24&255, i>>16&255, i>>8&255, i&255)
	kv := []string{
		"mac", mac,
		"hostname", fmt.Sprintf("dev-%06d.corp.example", i),
		"port.open", "tcp/80",
		"port.open", "tcp/443",
		"http.header.server", "Webs",
		"http.title", fmt.Sprintf("Device %d login", i),
		"ssh.banner", "SSH-2.0-HUAWEI-1.5",
		"snmp.sysdescr", "Huawei Versatile Routing Platform Software, VRP (R) software, Version 5.170 (AR1220 V200R009C00SPC500)",
		"inventory.serial", fmt.Sprintf("2102351931P0J%07d", i),
		"tls.cert.subject", fmt.Sprintf("CN=dev-%06d", i),
	}
	obs := make([]covered.Observation, 0, nobs)
	for k := 0; k < nobs && 2*k+1 < len(kv); k++ {
		obs = append(obs, covered.Observation{Host: ip, Key: kv[2*k], Value: kv[2*k+1], Port: 443, Transport: "tcp",
			Source: "scan", Seen: seen, IP: ip, MAC: mac})
	}
	id := covered.Identification{Host: ip, Status: covered.StatusNotCovered, Manufacturer: "Cisco", Confidence: 0.8,
		RulesVersion: "r1", ListsVersion: "l1", Rationale: "bench", DeviceType: "router"}
	switch i % 20 {
	case 0, 1:
		id.Status, id.CoveredEntity, id.Manufacturer = covered.StatusCovered, "Huawei", "Huawei"
	case 2:
		id.Status, id.CoveredEntity, id.Manufacturer = covered.StatusSuspected, "Hikvision", "Hikvision"
	}
	return obs, id
}

// BenchmarkIngest measures bulk ingest in the shape of the target workload:
// 1,000,000 observations over 100,000 assets in batches of 1,000 hosts. Run
// 1 sees 100,000 devices with 8 observations each; run 2 sees 20,000 of them
// again at new addresses with 10 observations each (matched by MAC). It
// reports observations per second and the size of the database.
//
//	go test ./internal/store/ -run '^$' -bench BenchmarkIngest -benchtime 1x
func BenchmarkIngest(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchIngest(b, func(b *testing.B) (*Store, func() int64) {
			path := filepath.Join(b.TempDir(), "bench.db")
			s := openTest(b, path, 0)
			return s, func() int64 {
				s.Close()
				st, err := os.Stat(path)
				if err != nil {
					b.Fatal(err)
				}
				return st.Size()
			}
		})
	})
	b.Run("postgres", func(b *testing.B) {
		benchIngest(b, func(b *testing.B) (*Store, func() int64) {
			s := openPostgresTest(b)
			return s, func() int64 {
				var n int64
				if err := s.r.QueryRow(`SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
					JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n); err != nil {
					b.Fatal(err)
				}
				return n
			}
		})
	})
}

func benchIngest(b *testing.B, open func(*testing.B) (*Store, func() int64)) {
	const batch = 1000
	plan := []struct{ first, hosts, nobs int }{{0, 100_000, 8}, {80_000, 20_000, 10}}
	if testing.Short() {
		plan = []struct{ first, hosts, nobs int }{{0, 10_000, 8}, {8_000, 2_000, 10}}
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, size := open(b)
		b.StartTimer()
		// Only Ingest and FinishRun are timed (elapsed); building the
		// batches is not.
		var elapsed time.Duration
		cpu0 := cpuTime()
		total := 0
		for visit, p := range plan {
			run, err := s.BeginRun(ctx, Run{Kind: RunScan, User: "bench", Scope: []string{"10.0.0.0/8"}})
			if err != nil {
				b.Fatal(err)
			}
			seen := t0.Add(time.Duration(visit) * 24 * time.Hour)
			for off := 0; off < p.hosts; off += batch {
				b.StopTimer()
				var obs []covered.Observation
				var ids []covered.Identification
				for i := p.first + off; i < p.first+off+batch; i++ {
					o, id := benchHost(i, visit, p.nobs, seen)
					obs = append(obs, o...)
					ids = append(ids, id)
				}
				b.StartTimer()
				start := time.Now()
				if err := s.Ingest(ctx, run, obs, ids); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				total += len(obs)
			}
			start := time.Now()
			if _, err := s.FinishRun(ctx, run, RunComplete, RunCounts{}); err != nil {
				b.Fatal(err)
			}
			elapsed += time.Since(start)
		}
		b.StopTimer()
		// CPU time of this process (ingest plus the untimed batch building)
		// says what the work costs when other jobs share the machine.
		cpu := cpuTime() - cpu0
		var assets int64
		if err := s.r.QueryRow(`SELECT count(*) FROM assets WHERE merged_into IS NULL`).Scan(&assets); err != nil {
			b.Fatal(err)
		}
		bytes := size()
		b.ReportMetric(float64(total)/elapsed.Seconds(), "obs/s")
		b.ReportMetric(float64(total)/cpu.Seconds(), "obs/cpu-s")
		b.ReportMetric(float64(total), "observations")
		b.ReportMetric(float64(assets), "assets")
		b.ReportMetric(float64(bytes)/(1<<20), "DB-MiB")
		b.StartTimer()
	}
}

// cpuTime is the user plus system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
