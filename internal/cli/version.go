package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/coveredtool/covered/internal/fingerprint"
	"github.com/coveredtool/covered/internal/policy"
	"github.com/spf13/cobra"
)

// Version is the tool version; release builds set it with
// -ldflags "-X github.com/coveredtool/covered/internal/cli.Version=v1.2.3".
var Version = "dev"

func (p Program) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the tool version and the versions and dates of its embedded data",
		Example: `  covered version`,
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := p.Stdout
			fmt.Fprintf(w, "covered %s (%s, %s/%s)\n", toolVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			rules, err := fingerprint.Builtin()
			if err != nil {
				return err
			}
			l := policy.Builtin()
			fmt.Fprintf(w, "  covered lists       %s (%s): %d regimes, %d entities, %d companies\n", l.Version, l.Date, len(l.Regimes), len(l.Entities), len(l.Companies))
			fmt.Fprintf(w, "  fingerprint rules   %s: %d rules over %d observation keys\n", rules.Version(), rules.Len(), len(rules.Keys()))
			ouis, err := ouiTable()
			if err != nil {
				return err
			}
			pens, err := penTable()
			if err != nil {
				return err
			}
			oi := ouis.Info()
			fmt.Fprintf(w, "  MAC vendors         %s, %s: %d blocks (%s)\n", oi.Name, oi.Date, oi.Entries, oi.Source)
			pi := pens.Info()
			fmt.Fprintf(w, "  enterprise numbers  %s, %s: %d numbers (%s)\n", pi.Name, pi.Date, pi.Entries, pi.Source)
			fmt.Fprintf(w, "  User-Agent regexes  ua-parser/uap-core embedded in github.com/ua-parser/uap-go %s\n", moduleVersion("github.com/ua-parser/uap-go"))
			return nil
		},
	}
}

func toolVersion() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return Version
}

func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "(unknown)"
}
