package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/classify"
	"github.com/coveredtool/covered/internal/identify"
	"github.com/coveredtool/covered/internal/obsfile"
	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/probe"
	_ "github.com/coveredtool/covered/internal/probe/all" // the built-in probes
	"github.com/coveredtool/covered/internal/safedial"
	"github.com/coveredtool/covered/internal/scan"
	"github.com/coveredtool/covered/internal/scan/broadcast"
	"github.com/coveredtool/covered/internal/targets"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// scanFlags are the options of `covered scan` (and the scan half of demo).
type scanFlags struct {
	ports, profile       string
	inputList            string
	exclude, excludeFile []string
	rate, hostRate       float64
	hostConcurrency      int
	workers              int
	connectTimeout       time.Duration
	timeout              time.Duration
	communities          []string
	observations         string
	noNeighbor           bool
	noStore              bool
	site                 string
	// --broadcast (see broadcastPhase)
	broadcast  bool
	interfaces []string
	// actor is the run's user when someone else than the OS user started
	// it (a scan from the web); not a flag.
	actor string
	// --checks PROFILE (scan only; see scanChecks): passive by default,
	// none for no checks; checksSet says the user chose it.
	checks       string
	checksSet    bool
	authorized   bool
	checksOutput string
}

// registerPacing adds the flags that bound what a scan sends (rates,
// concurrency, timeouts) and the SNMP communities it may use: shared by
// scan and check.
func (f *scanFlags) registerPacing(fl *pflag.FlagSet) {
	fl.Float64Var(&f.rate, "rate", 1000, "new connections or packets per second, overall")
	fl.Float64Var(&f.hostRate, "host-rate", 40, "new connections or packets per second to one host")
	fl.IntVar(&f.hostConcurrency, "host-concurrency", 4, "open connections to one host at once")
	fl.IntVar(&f.workers, "workers", 256, "hosts scanned at once")
	fl.DurationVar(&f.connectTimeout, "connect-timeout", 2*time.Second, "how long a TCP connect may take")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Second, "how long one probe exchange may take")
	fl.StringArrayVar(&f.communities, "snmp-community", nil, "SNMP v1/v2c `COMMUNITY` to try (secret; repeatable; none by default: only SNMPv3 engine discovery is sent)")
}

func (f *scanFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.ports, "ports", "p", "", "`PORTS` to scan, nmap style, e.g. 22,80,1000-2000,U:161 (default: the --profile ports)")
	fl.StringVar(&f.profile, "profile", "default", "named port `PROFILE`: "+strings.Join(targets.ProfileNames(), ", "))
	fl.StringVar(&f.inputList, "input-list", "", "read targets from `FILE` (- for standard input); also spelled -iL")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "never scan these targets (`LIST`, comma-separated; exclusions always win)")
	fl.StringArrayVar(&f.excludeFile, "excludefile", nil, "never scan the targets listed in `FILE`; also spelled --exclude-file")
	f.registerPacing(fl)
	fl.StringVar(&f.observations, "observations", "", "also write the raw observations to `FILE` (JSON Lines)")
	fl.BoolVar(&f.noNeighbor, "no-neighbor", false, "do not read MAC addresses from the neighbor (ARP) table")
	fl.BoolVar(&f.noStore, "no-store", false, "do not record the run in the inventory store (--db)")
	fl.StringVar(&f.site, "site", "", "record the run under site `NAME` (default: the config's site holding every target)")
	fl.BoolVar(&f.broadcast, "broadcast", false, "first discover whole local segments by multicast/broadcast (SSDP, WS-Discovery, mDNS, SADP, DHIP); replies outside the targets are dropped; with no targets the scope is the interfaces' subnets")
	fl.StringArrayVar(&f.interfaces, "interface", nil, "with --broadcast, send on this interface `NAME` (repeatable; default: every up, non-loopback, multicast-capable interface with IPv4)")
	fl.SetNormalizeFunc(nmapSpellings)
}

// nmapSpellings accepts --exclude-file for --excludefile (-iL is rewritten
// before parsing, see nmapArgs).
func nmapSpellings(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	if name == "exclude-file" {
		name = "excludefile"
	}
	return pflag.NormalizedName(name)
}

// nmapArgs rewrites nmap's single-dash multi-letter -iL, which a flag
// library would read as -i L, to --input-list.
func nmapArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		switch {
		case a == "-iL":
			a = "--input-list"
		case strings.HasPrefix(a, "-iL="):
			a = "--input-list=" + a[len("-iL="):]
		}
		out[i] = a
	}
	return out
}

func (p Program) scanCmd() *cobra.Command {
	var (
		sf   scanFlags
		out  outFlags
		know knowFlags
		fail failOn
	)
	cmd := &cobra.Command{
		Use:   "scan TARGETS...",
		Short: "Scan hosts safely and identify covered equipment",
		Long: `scan finds hosts by TCP connect on the port profile, runs read-only probes on the
open ports and the UDP discovery ports (HTTP/HTTPS, TLS, SSH, Telnet banner,
FTP, RTSP, SIP, SNMPv3 engine discovery, SSDP/UPnP, WS-Discovery/ONVIF, mDNS,
Hikvision SADP, Dahua DHIP), and identifies every device it hears from.

Safe by default: no logins, no default credentials, no exploit paths, only
well-formed read-only requests; printers (9100-9107) are never probed; SNMP
communities are used only when you give them; every socket is rate-limited
overall (--rate) and per host (--host-rate, --host-concurrency), bounded in
time and bytes, and refused outside the targets (exclusions always win).

Targets as nmap takes them: addresses, CIDRs (10.0.0.0/24), ranges
(10.0.0.1-254, 10.0.1-3.0/24), IPv6, hostnames, -iL FILE.`,
		Example: `  covered scan 192.0.2.0/24
  covered scan -p 22,80,443,554,U:161 --snmp-community public 10.1.0.0/16 --exclude 10.1.9.0/24
  covered scan -iL targets.txt --excludefile never.txt --observations obs.jsonl -o result.jsonl
  covered scan --profile quick --fail-on suspected 10.20.0.0/22`,
		Args: args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, a []string) error {
			threshold, err := fail.status()
			if err != nil {
				return err
			}
			if err := p.configDefaults(cmd, &sf, &know); err != nil {
				return err
			}
			sf.checksSet = cmd.Flags().Changed("checks")
			return p.scan(cmd.Context(), a, &sf, &out, &know, threshold)
		},
	}
	sf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&sf.checks, "checks", "passive", "run the security checks of `PROFILE` on every identified host: passive (from the scan's evidence, no extra request), safe (adds read-only requests), auth (needs --i-am-authorized) or none; findings go to the store and --checks-output")
	fl.BoolVar(&sf.authorized, "i-am-authorized", false, "state that you are authorized to test the devices' credentials (required by --checks auth)")
	fl.StringVar(&sf.checksOutput, "checks-output", "", "write the check findings to `FILE` (JSON Lines, as covered check writes them)")
	out.register(cmd)
	know.register(cmd)
	fail.register(cmd)
	return cmd
}

// scanPlan is a parsed, validated scan request.
type scanPlan struct {
	spec       *targets.Spec
	ports      targets.Ports
	exclusions []string
	dialer     *safedial.Dialer
	// --broadcast: the interfaces, and whether the scope came from their
	// subnets (no targets given).
	broadcastIfs []broadcast.Interface
	subnetScope  bool
}

func (p Program) plan(ctx context.Context, args []string, sf *scanFlags) (*scanPlan, error) {
	include := append([]string(nil), args...)
	if sf.inputList != "" {
		list, err := p.readList(sf.inputList)
		if err != nil {
			return nil, err
		}
		include = append(include, list...)
	}
	var bcIfs []broadcast.Interface
	subnetScope := false
	if sf.broadcast {
		var err error
		if bcIfs, err = broadcast.Interfaces(sf.interfaces); err != nil {
			return nil, usageErr("%v", err)
		}
		if len(bcIfs) == 0 {
			return nil, usageErr("--broadcast: no up, multicast-capable interface with an IPv4 address")
		}
		if len(include) == 0 {
			subnetScope = true
			for _, ifi := range bcIfs {
				include = append(include, ifi.Prefix.Masked().String())
			}
		}
	} else if len(sf.interfaces) > 0 {
		return nil, usageErr("--interface needs --broadcast")
	}
	if len(include) == 0 {
		return nil, usageErr("no targets: give addresses, ranges, CIDRs or hostnames, or -iL FILE")
	}
	var exclude []string
	for _, e := range sf.exclude {
		exclude = append(exclude, targets.SplitExclude(e)...)
	}
	for _, f := range sf.excludeFile {
		list, err := p.readList(f)
		if err != nil {
			return nil, err
		}
		exclude = append(exclude, list...)
	}
	// The config file's exclusions always apply; --exclude adds to them.
	cfg, err := p.g.conf()
	if err != nil {
		return nil, err
	}
	exclude = append(exclude, cfg.Exclude...)
	spec, err := targets.Parse(ctx, net.DefaultResolver, include, exclude)
	if errors.Is(err, targets.ErrNoTargets) {
		return nil, usageErr("no targets in scope after exclusions")
	}
	if err != nil {
		return nil, usageErr("targets: %v", err)
	}
	var ports targets.Ports
	if sf.ports != "" {
		ports, err = targets.ParsePorts(sf.ports)
	} else {
		ports, err = targets.Profile(sf.profile)
	}
	if err != nil {
		return nil, usageErr("ports: %v", err)
	}
	dialer, err := safedial.New(safedial.Config{
		Scope: spec, Rate: sf.rate, HostRate: sf.hostRate, HostConcurrency: sf.hostConcurrency,
		ConnectTimeout: sf.connectTimeout, ReadTimeout: sf.timeout,
	})
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return &scanPlan{spec: spec, ports: ports, exclusions: exclude, dialer: dialer, broadcastIfs: bcIfs, subnetScope: subnetScope}, nil
}

// config is the engine configuration of a plan.
func (plan *scanPlan) config(sf *scanFlags) scan.Config {
	cfg := scan.Config{
		Hosts: func(yield func(scan.Host) bool) {
			for h := range plan.spec.Hosts() {
				if !yield(scan.Host{Addr: h.Addr, Name: h.Name}) {
					return
				}
			}
		},
		Total: plan.spec.Count(), TCP: plan.ports.TCP, UDP: plan.ports.UDP, Dialer: plan.dialer,
		Options: probe.Options{SNMPCommunities: sf.communities, Timeout: sf.timeout},
		Workers: sf.workers, ProbeTimeout: sf.timeout + sf.connectTimeout,
		Skip: func(_ string, port uint16) bool { return targets.IsPrinterPort(port) },
	}
	if !sf.noNeighbor {
		cfg.Neighbor = scan.NeighborTable("")
	}
	return cfg
}

func (p Program) readList(name string) ([]string, error) {
	var r io.Reader = p.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usageErr("target list: %v", err)
		}
		defer f.Close()
		r = f
	}
	list, err := targets.ReadList(r, name)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return list, nil
}

// scanTally counts results for the summary line.
type scanTally struct {
	mu     sync.Mutex
	counts map[covered.Status]int
	fired  bool
}

func (p Program) scan(ctx context.Context, args []string, sf *scanFlags, out *outFlags, know *knowFlags, threshold covered.Status) error {
	plan, err := p.plan(ctx, args, sf)
	if err != nil {
		return err
	}
	eng, err := newEngine(know)
	if err != nil {
		return err
	}
	// Before anything is sent or created: --checks usage errors first.
	chk, err := p.scanChecks(sf, plan)
	if err != nil {
		return err
	}
	w, format, closeOut, err := out.open(p.Stdout)
	if err != nil {
		return err
	}
	rows := output.New(w, format, identificationColumns)
	var obsw *obsfile.Writer
	var obsClose func() error
	if sf.observations != "" {
		f, err := os.Create(sf.observations)
		if err != nil {
			return fmt.Errorf("create observations file: %w", err)
		}
		obsw = obsfile.NewWriter(f)
		obsClose = func() error { return errors.Join(obsw.Flush(), f.Close()) }
	}
	cfg := plan.config(sf)
	merge, err := p.broadcastPhase(ctx, plan, &cfg, out.quiet) // --broadcast
	if err != nil {
		return err
	}
	var rec *recorder
	if !sf.noStore {
		if rec, err = p.beginScanRecord(ctx, args, plan, sf, eng); err != nil {
			return err
		}
		chk.useStore(rec.st)
	}
	prog := newProgress(p.Stderr, out.quiet, cfg.Total)
	tally := &scanTally{counts: map[covered.Status]int{}}
	var mu sync.Mutex // guards rows, obsw and werr
	var werr error
	start := time.Now()
	report := func(r scan.Result) {
		if merge != nil {
			merge.Add(&r)
		}
		var id *covered.Identification
		var hc *checkedHost
		if len(r.Observations) > 0 {
			x := identifyHost(eng, r.Observations)
			id = &x
			hc = chk.run(ctx, r, x)
		}
		mu.Lock()
		defer mu.Unlock()
		prog.hostDone(id != nil && (id.Status == covered.StatusCovered || id.Status == covered.StatusSuspected))
		if id == nil || werr != nil {
			return
		}
		if obsw != nil {
			for _, o := range r.Observations {
				if err := obsw.Write(o); err != nil {
					werr = err
				}
			}
		}
		tally.add(*id, threshold)
		if rec != nil {
			rec.addChecked(ctx, r.Observations, *id, hc.stored())
		}
		if err := chk.write(hc); err != nil {
			werr = err
		}
		// Flush per host: a scan is slow enough that whoever reads the
		// output should see each device as it is found.
		if err := errors.Join(rows.Write(*id), rows.Flush()); err != nil {
			werr = err
		}
	}
	stats, runErr := scan.Run(ctx, cfg, report)
	if merge != nil {
		for _, r := range merge.Rest() {
			report(r)
		}
	}
	prog.finish()
	if rec != nil {
		res, err := rec.finish(ctx, 0)
		werr = errors.Join(werr, err)
		if !out.quiet && err == nil {
			p.reportRecorded(res)
		}
	}
	werr = errors.Join(werr, rows.Close(), closeOut(), chk.close())
	if obsClose != nil {
		werr = errors.Join(werr, obsClose())
	}
	if werr != nil {
		return fmt.Errorf("write results: %w", werr)
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	if !out.quiet {
		ds := plan.dialer.Stats()
		fmt.Fprintf(p.Stderr, "covered: scanned %d hosts (%d up, %d with evidence) in %s: %d covered, %d suspected, %d not covered, %d unidentified%s\n",
			stats.Hosts, stats.Up, stats.WithObservations, time.Since(start).Round(time.Millisecond),
			tally.counts[covered.StatusCovered], tally.counts[covered.StatusSuspected],
			tally.counts[covered.StatusNotCovered], tally.counts[covered.StatusUnidentified], chk.summary())
		fmt.Fprintf(p.Stderr, "covered: %d connections and datagrams, at most %d/s overall (limit %g) and %d/s to one host (limit %g); %d refused out of scope\n",
			ds.Dials+ds.Datagrams, ds.MaxPerSecond, sf.rate, ds.MaxHostPerSecond, sf.hostRate, ds.OutOfScope)
	}
	if errors.Is(runErr, context.Canceled) {
		return fmt.Errorf("scan interrupted after %d hosts", stats.Hosts)
	}
	var res outcome
	if tally.fired {
		res.add(ExitFailOn)
	}
	return res.err()
}

func (t *scanTally) add(id covered.Identification, threshold covered.Status) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts[id.Status]++
	if threshold != "" && id.Status.Flags(threshold) {
		t.fired = true
	}
}

// identifyHost identifies one host from its observations, exactly as
// `covered identify` would from the same observations.
func identifyHost(eng *identify.Engine, obs []covered.Observation) covered.Identification {
	b := eng.NewBatch()
	for _, o := range obs {
		b.Add(o)
	}
	var id covered.Identification
	b.Each(func(x covered.Identification) bool {
		classify.Apply(eng.Lists, &x)
		id = x
		return false
	})
	return id
}
