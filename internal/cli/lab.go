package cli

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/coveredtool/covered/internal/lab"
	"github.com/spf13/cobra"
)

type labFlags struct {
	base     string
	count    int
	profiles []string
	hostile  bool
	weighted bool
	seed     uint64
	truth    string
}

func (f *labFlags) register(cmd *cobra.Command, defCount int) {
	cmd.Flags().StringVar(&f.base, "base", lab.DefaultBase.String(), "first device `ADDR` (devices take consecutive loopback addresses)")
	cmd.Flags().IntVar(&f.count, "count", defCount, "number of devices (0: one per profile)")
	cmd.Flags().StringArrayVar(&f.profiles, "device", nil, "only this device `PROFILE` (repeatable; see --list)")
	cmd.Flags().BoolVar(&f.hostile, "hostile", false, "add the hostile devices (flood, stall, drip, lying lengths, malformed, oversized)")
	cmd.Flags().BoolVar(&f.weighted, "weighted", false, "draw profiles by weight (reproducible with --seed) instead of round-robin")
	cmd.Flags().Uint64Var(&f.seed, "seed", 1, "random seed for --weighted")
	cmd.Flags().StringVar(&f.truth, "truth", "", "write the ground truth (JSON Lines) to `FILE`")
}

func (f *labFlags) config() (lab.Config, error) {
	base, err := netip.ParseAddr(f.base)
	if err != nil || !base.Is4() || !netip.MustParsePrefix("127.0.0.0/8").Contains(base) {
		return lab.Config{}, usageErr("--base: %q is not an IPv4 loopback address (127.0.0.0/8)", f.base)
	}
	return lab.Config{Base: base, Count: f.count, Profiles: f.profiles, Hostile: f.hostile, Weighted: f.weighted, Seed: f.seed}, nil
}

// startLab starts the lab and writes its ground truth when asked.
func startLab(ctx context.Context, f *labFlags) (*lab.Lab, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	l, err := lab.Start(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("start lab: %w", err)
	}
	if f.truth != "" {
		file, err := os.Create(f.truth)
		if err == nil {
			err = l.Truth(file)
			if cerr := file.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("write ground truth: %w", err)
		}
	}
	return l, nil
}

// labTargets covers the lab's devices with nmap octet ranges, one per /24
// ("127.10.0.1-254", "127.10.1.1-40").
func labTargets(l *lab.Lab) []string {
	type span struct{ lo, hi byte }
	spans := map[[3]byte]*span{}
	var order [][3]byte
	for _, d := range l.Devices() {
		a := d.Addr.As4()
		k := [3]byte{a[0], a[1], a[2]}
		s := spans[k]
		if s == nil {
			s = &span{a[3], a[3]}
			spans[k] = s
			order = append(order, k)
		}
		s.lo, s.hi = min(s.lo, a[3]), max(s.hi, a[3])
	}
	var out []string
	for _, k := range order {
		s := spans[k]
		t := fmt.Sprintf("%d.%d.%d.%d", k[0], k[1], k[2], s.lo)
		if s.hi != s.lo {
			t += fmt.Sprintf("-%d", s.hi)
		}
		out = append(out, t)
	}
	return out
}

func (p Program) labCmd() *cobra.Command {
	var f labFlags
	var list bool
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Run the device lab: emulated devices on loopback addresses",
		Long: `lab starts emulated devices — Hikvision and Dahua cameras and NVRs and their
relabels, Huawei and ZTE routers, ONTs and switches, Hytera as far as public
facts go, HiSilicon DVRs, and look-alikes (Axis, Cisco, H3C, MikroTik...) — each
on its own loopback address, speaking the protocols the scanner probes with
replies taken from public sources. It runs until interrupted (Ctrl-C). Scan it
with 'covered scan', or let 'covered demo' do both.`,
		Example: `  covered lab --list
  covered lab --count 1000 --truth truth.jsonl
  covered lab --device hikvision-ipc --device dahua-nvr --hostile`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list {
				return p.listProfiles()
			}
			l, err := startLab(cmd.Context(), &f)
			if err != nil {
				return err
			}
			defer l.Close()
			t := strings.Join(labTargets(l), " ")
			fmt.Fprintf(p.Stdout, "lab: %d devices (%d sockets); scan with: covered scan %s\n", len(l.Devices()), l.Sockets(), t)
			fmt.Fprintln(p.Stdout, "press Ctrl-C to stop")
			<-cmd.Context().Done()
			return nil
		},
	}
	f.register(cmd, 0)
	cmd.Flags().BoolVar(&list, "list", false, "list the device profiles and exit")
	return cmd
}

func (p Program) listProfiles() error {
	profiles, err := lab.Profiles()
	if err != nil {
		return err
	}
	for _, pr := range profiles {
		fmt.Fprintf(p.Stdout, "%-28s %s\n", pr.Name, strings.TrimSpace(pr.Vendor+" "+pr.Model))
	}
	return nil
}
