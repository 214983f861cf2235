package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/coveredtool/covered/internal/check"
	"github.com/coveredtool/covered/internal/kev"
	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/scan"
	"github.com/spf13/cobra"
)

// kevURL is CISA's catalog feed, for `covered update kev`.
var kevURL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"

// checkFlags are the options of `covered check` beyond the scan's.
type checkFlags struct {
	profile    string
	authorized bool
	only       []string
}

func (p Program) checkCmd() *cobra.Command {
	var (
		sf   scanFlags
		cf   checkFlags
		out  outFlags
		know knowFlags
	)
	cmd := &cobra.Command{
		Use:   "check TARGETS...",
		Short: "Run security checks on the covered equipment found at the targets",
		Long: `check scans the targets like 'covered scan', identifies every device, then runs
the security checks whose side effect the profile allows, and prints findings:
check, host, severity, CVEs (and whether CISA lists them as known exploited),
evidence and advice.

Profiles (every check declares its side effect; the engine refuses more):
  passive  decide from the scan's evidence only; no extra request
  safe     add read-only requests (plain GETs of public pages) (default)
  auth     add one login attempt per default account per device; needs
           --i-am-authorized. Passwords are never stored or printed.
No check ever changes device state or writes files.`,
		Example: `  covered check 192.0.2.0/24
  covered check --profile passive -iL cameras.txt -o findings.jsonl
  covered check --profile auth --i-am-authorized 10.1.2.3`,
		Args: args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := p.configDefaults(cmd, &sf, &know); err != nil {
				return err
			}
			return p.check(cmd.Context(), a, &sf, &cf, &out, &know)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&cf.profile, "profile", "safe", "check `PROFILE`: passive, safe or auth")
	fl.BoolVar(&cf.authorized, "i-am-authorized", false, "state that you are authorized to test the devices' credentials (required by --profile auth)")
	fl.StringArrayVar(&cf.only, "check", nil, "run only the check `ID` (repeatable; an ID above the profile is an error)")
	fl.StringVarP(&sf.ports, "ports", "p", "", "`PORTS` to scan first, nmap style (default: the scan's default port profile)")
	fl.StringVar(&sf.inputList, "input-list", "", "read targets from `FILE` (- for standard input); also spelled -iL")
	fl.StringArrayVar(&sf.exclude, "exclude", nil, "never contact these targets (`LIST`, comma-separated)")
	fl.StringArrayVar(&sf.excludeFile, "excludefile", nil, "never contact the targets listed in `FILE`")
	fl.Float64Var(&sf.rate, "rate", 1000, "new connections or packets per second, overall")
	fl.Float64Var(&sf.hostRate, "host-rate", 40, "new connections or packets per second to one host")
	fl.IntVar(&sf.hostConcurrency, "host-concurrency", 4, "open connections to one host at once")
	fl.IntVar(&sf.workers, "workers", 256, "hosts scanned at once")
	fl.DurationVar(&sf.connectTimeout, "connect-timeout", 2*time.Second, "how long a TCP connect may take")
	fl.DurationVar(&sf.timeout, "timeout", 5*time.Second, "how long one exchange may take")
	fl.StringArrayVar(&sf.communities, "snmp-community", nil, "SNMP v1/v2c `COMMUNITY` to try (secret; repeatable)")
	fl.SetNormalizeFunc(nmapSpellings)
	sf.profile = "default"
	sf.noNeighbor = true
	out.register(cmd)
	know.register(cmd)
	return cmd
}

// checkFindingColumns are the csv and table columns of a finding.
var checkFindingColumns = []output.Column[check.Finding]{
	{Name: "host", Value: func(f check.Finding) string { return f.Host }},
	{Name: "severity", Value: func(f check.Finding) string { return f.Severity }},
	{Name: "check", Value: func(f check.Finding) string { return f.Check }},
	{Name: "cves", Value: func(f check.Finding) string { return strings.Join(f.CVEs, " ") }},
	{Name: "kev", Value: func(f check.Finding) string {
		if f.KEV {
			return "yes " + f.KEVDateAdded
		}
		return ""
	}},
	{Name: "side_effect", Value: func(f check.Finding) string { return f.SideEffect }, Wide: true},
	{Name: "evidence", Value: findingEvidence},
	{Name: "title", Value: func(f check.Finding) string { return f.Title }, Wide: true},
	{Name: "advice", Value: func(f check.Finding) string { return f.Advice }, Wide: true},
}

func findingEvidence(f check.Finding) string {
	var parts []string
	for _, e := range f.Evidence {
		v := e.Value
		if len(v) > 60 {
			v = v[:57] + "..."
		}
		parts = append(parts, e.Key+"="+v)
	}
	return strings.Join(parts, "; ")
}

// kevCatalog is the embedded KEV entries with any refreshed catalog on top.
func kevCatalog() (*kev.Catalog, error) {
	c, err := kev.Builtin()
	if err != nil {
		return nil, err
	}
	for _, f := range refreshed("kev") {
		u, err := parseFile(f, func(r io.Reader) (*kev.Catalog, error) { return kev.Parse(r, f) })
		if err != nil {
			return nil, err
		}
		c = c.Merge(u)
	}
	return c, nil
}

func (p Program) check(ctx context.Context, args []string, sf *scanFlags, cf *checkFlags, out *outFlags, know *knowFlags) error {
	prof, err := check.ParseProfile(cf.profile)
	if err != nil {
		return usageErr("--profile: %v", err)
	}
	if prof == check.AuthProfile && !cf.authorized {
		return usageErr("--profile auth tries default credentials: add --i-am-authorized if you are authorized to test these devices")
	}
	plan, err := p.plan(ctx, args, sf)
	if err != nil {
		return err
	}
	kc, err := kevCatalog()
	if err != nil {
		return err
	}
	ce, err := check.New(check.Config{KEV: kc, Profile: prof, Authorized: cf.authorized, Only: cf.only, Dialer: plan.dialer, Timeout: sf.timeout})
	if err != nil {
		if errors.Is(err, check.ErrAboveProfile) || strings.Contains(err.Error(), "unknown check") {
			return usageErr("%v", err)
		}
		return err
	}
	eng, err := newEngine(know)
	if err != nil {
		return err
	}
	w, format, closeOut, err := out.open(p.Stdout)
	if err != nil {
		return err
	}
	rows := output.New(w, format, checkFindingColumns)
	cfg := plan.config(sf)
	prog := newProgress(p.Stderr, out.quiet, cfg.Total)
	var mu sync.Mutex // guards rows, werr, counts, failures
	var werr error
	counts := map[string]int{}
	failures := 0
	start := time.Now()
	stats, runErr := scan.Run(ctx, cfg, func(r scan.Result) {
		var findings []check.Finding
		var errs []error
		if len(r.Observations) > 0 {
			id := identifyHost(eng, r.Observations)
			d := &check.Device{Host: r.Host.Addr.String(), Addr: r.Host.Addr, Identification: id, Observations: r.Observations}
			findings, errs = ce.Run(ctx, d)
		}
		mu.Lock()
		defer mu.Unlock()
		prog.hostDone(len(findings) > 0)
		for _, err := range errs {
			failures++
			fmt.Fprintf(p.Stderr, "covered: %v\n", err)
		}
		for _, f := range findings {
			counts[f.Severity]++
			if werr == nil {
				werr = rows.Write(f)
			}
		}
		if werr == nil {
			werr = rows.Flush()
		}
	})
	prog.finish()
	werr = errors.Join(werr, rows.Close(), closeOut())
	if werr != nil {
		return fmt.Errorf("write findings: %w", werr)
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	if !out.quiet {
		fmt.Fprintf(p.Stderr, "covered: checked %d hosts (%d up) with profile %s (%d checks) in %s: %d critical, %d high, %d medium, %d low, %d info findings; %d check errors\n",
			stats.Hosts, stats.Up, prof, len(ce.Checks()), time.Since(start).Round(time.Millisecond),
			counts["critical"], counts["high"], counts["medium"], counts["low"], counts["info"], failures)
	}
	if errors.Is(runErr, context.Canceled) {
		return fmt.Errorf("check interrupted after %d hosts", stats.Hosts)
	}
	return nil
}
