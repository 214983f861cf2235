// Command serveload measures `covered serve` under load: it fills a store
// with N assets (once; the file is reused), serves it on loopback in
// process, and runs C concurrent clients for D against the asset list API,
// the assets page and the overview page, then prints p50, p99 and max
// latency and the request rate of each.
//
//	go run ./bench/serveload -db /tmp/serve.db -assets 100000 -clients 50 -duration 20s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/server"
	"github.com/coveredtool/covered/internal/store"
)

func main() {
	dbPath := flag.String("db", "serveload.db", "store `FILE` (filled on first use)")
	n := flag.Int("assets", 100_000, "assets to store")
	clients := flag.Int("clients", 50, "concurrent clients")
	dur := flag.Duration("duration", 20*time.Second, "load duration per endpoint")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the load to `FILE`")
	flag.StringVar(&only, "only", "", "run the endpoints whose name contains `TEXT` only")
	blockProfile := flag.String("blockprofile", "", "write a profile of where goroutines waited to `FILE`")
	flag.Parse()
	if *blockProfile != "" {
		runtime.SetBlockProfileRate(int(time.Millisecond))
		defer func() {
			if f, err := os.Create(*blockProfile); err == nil {
				pprof.Lookup("block").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*dbPath, *n, *clients, *dur); err != nil {
		fmt.Fprintln(os.Stderr, "serveload:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

const password = "serveload password"

// only selects endpoints by name (-only).
var only string

// firstErr is the first failed request's error, printed once.
var firstErr atomic.Pointer[error]

func run(dbPath string, n, clients int, dur time.Duration) error {
	ctx := context.Background()
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	have, err := st.CountAssets(ctx, store.AssetFilter{})
	if err != nil {
		return err
	}
	if have < n {
		start := time.Now()
		if err := fill(ctx, st, have, n); err != nil {
			return err
		}
		fmt.Printf("filled %d assets in %s\n", n-have, time.Since(start).Round(time.Millisecond))
	}
	token, err := account(ctx, st)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{Store: st, Version: "serveload"})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	jar, err := login(base)
	if err != nil {
		return err
	}
	total, _ := st.CountAssets(ctx, store.AssetFilter{})
	fmt.Printf("store: %d assets; %d clients, %s per endpoint, loopback\n", total, clients, dur)
	type endpoint struct {
		name string
		path func(r *rand.Rand) string
		auth func(*http.Request, *http.Client)
	}
	bearer := func(req *http.Request, _ *http.Client) { req.Header.Set("Authorization", "Bearer "+token) }
	cookie := func(_ *http.Request, c *http.Client) { c.Jar = jar }
	page := func(r *rand.Rand) int { return r.IntN(max(1, total/50)) * 50 }
	for _, e := range []endpoint{
		{"GET /api/v1/assets (50 per page, random page)", func(r *rand.Rand) string {
			return fmt.Sprintf("/api/v1/assets?limit=50&after=%d", page(r))
		}, bearer},
		{"GET /api/v1/assets?q=dev-01 (search)", func(r *rand.Rand) string {
			return fmt.Sprintf("/api/v1/assets?q=dev-%03d&limit=50", r.IntN(1000))
		}, bearer},
		// A MAC fragment: up to 256 assets each (the fill's MACs are
		// 00:1b:54 and the device number), a search that finds something.
		{"GET /api/v1/assets?q=1b:54:00:2a (search, hits)", func(r *rand.Rand) string {
			return fmt.Sprintf("/api/v1/assets?q=1b:54:%02x:%02x&limit=50", r.IntN(2), r.IntN(256))
		}, bearer},
		{"GET /api/v1/assets?status=covered&sort=-last_seen", func(r *rand.Rand) string {
			return fmt.Sprintf("/api/v1/assets?status=covered&sort=-last_seen&limit=50&offset=%d", r.IntN(100)*50)
		}, bearer},
		{"GET /assets (page, 50 rows, random page)", func(r *rand.Rand) string { return fmt.Sprintf("/assets?after=%d", page(r)) }, cookie},
		{"GET / (overview)", func(*rand.Rand) string { return "/" }, cookie},
	} {
		if !strings.Contains(e.name, only) {
			continue
		}
		lat, errs, err := load(base, clients, dur, e.path, e.auth)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		slices.Sort(lat)
		q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		fmt.Printf("%-52s %7d requests (%6.0f/s), p50 %7.2f ms, p99 %7.2f ms, max %7.2f ms, %d errors\n",
			e.name, len(lat), float64(len(lat))/dur.Seconds(), ms(q(0.50)), ms(q(0.99)), ms(lat[len(lat)-1]), errs)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load runs clients goroutines against base for dur, each sending the next
// request when the last one is answered, and returns every latency.
func load(base string, clients int, dur time.Duration, path func(*rand.Rand) string, authz func(*http.Request, *http.Client)) ([]time.Duration, int, error) {
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 1))
			c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest("GET", base+path(r), nil)
				authz(req, c)
				start := time.Now()
				resp, err := c.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					if bad++; bad == 1 && firstErr.CompareAndSwap(nil, &err) {
						fmt.Fprintf(os.Stderr, "serveload: first error: %v\n", err)
					}
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			all = append(all, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(all) == 0 {
		return nil, errs, fmt.Errorf("no request succeeded (%d errors)", errs)
	}
	return all, errs, nil
}

// fill stores assets from index have up to n, in runs of 5,000 hosts: one
// in ten covered or suspected, with a few observations each.
func fill(ctx context.Context, st *store.Store, have, n int) error {
	const batch = 5000
	for lo := have; lo < n; lo += batch {
		run, err := st.BeginRun(ctx, store.Run{Kind: store.RunImport, Scope: []string{}, Exclusions: []string{}})
		if err != nil {
			return err
		}
		var obs []covered.Observation
		var ids []covered.Identification
		seen := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(lo) * time.Second)
		for i := lo; i < min(n, lo+batch); i++ {
			ip := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String()
			mac := fmt.Sprintf("00:1b:54:%02x:%02x:%02x", byte(i>>16), byte(i>>8), byte(i))
			for _, kv := range [][2]string{{"mac", mac}, {"hostname", fmt.Sprintf("dev-%06d.corp.example", i)}, {"http.header.server", "Webs"}} {
				obs = append(obs, covered.Observation{Host: ip, Key: kv[0], Value: kv[1], Source: "serveload", Seen: seen, IP: ip, MAC: mac})
			}
			id := covered.Identification{Host: ip, Status: covered.StatusNotCovered, Manufacturer: "Cisco", DeviceType: "switch",
				Confidence: 0.8, Regimes: []string{}, Review: []string{}, RulesVersion: "r", ListsVersion: "l"}
			switch i % 20 {
			case 0:
				id.Status, id.CoveredEntity, id.Manufacturer, id.DeviceType = covered.StatusCovered, "Huawei", "Huawei", "router"
			case 1:
				id.Status, id.CoveredEntity, id.Manufacturer, id.DeviceType = covered.StatusSuspected, "Hikvision", "Hikvision", "camera"
			}
			ids = append(ids, id)
		}
		if err := st.Ingest(ctx, run, obs, ids); err != nil {
			return err
		}
		if _, err := st.FinishRun(ctx, run, store.RunComplete, store.RunCounts{Hosts: int64(len(ids)), Observations: int64(len(obs))}); err != nil {
			return err
		}
	}
	return nil
}

// account makes the load user (admin) and an API token, once.
func account(ctx context.Context, st *store.Store) (string, error) {
	if _, err := st.UserByName(ctx, "load"); err != nil {
		hash, err := auth.HashPassword(password)
		if err != nil {
			return "", err
		}
		if _, err := st.CreateUser(ctx, "load", string(auth.Admin), hash, "serveload"); err != nil {
			return "", err
		}
	}
	plain, hash := auth.NewSecret("cvt_")
	u, err := st.UserByName(ctx, "load")
	if err != nil {
		return "", err
	}
	_, err = st.CreateToken(ctx, store.Token{Name: "serveload", Role: string(auth.Viewer), Hash: hash, UserID: u.ID}, "serveload")
	return plain, err
}

// login returns a cookie jar holding a session of the load user.
func login(base string) (http.CookieJar, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"name": {"load"}, "password": {password}, "next": {"/"}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login: status %d", resp.StatusCode)
	}
	return jar, nil
}
