// Package cli is the `covered` command line: it parses arguments, wires the
// pipeline stages together and maps outcomes to the exit statuses of the
// DESIGN command-line contract. main only calls Run.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// Exit statuses (DESIGN command-line contract).
const (
	ExitOK       = 0 // done
	ExitFailed   = 1 // failed, no complete result
	ExitUsage    = 2 // usage error
	ExitFailOn   = 3 // --fail-on matched
	ExitRejected = 4 // done, but some input records were rejected
)

// exitError carries an exit status with the error that caused it.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{ExitUsage, fmt.Errorf(format, args...)}
}

// outcome is a result that completed but must still set a non-zero status.
// Several may apply; the lowest non-zero status wins.
type outcome struct{ codes []int }

func (o *outcome) add(code int) { o.codes = append(o.codes, code) }

func (o *outcome) err() error {
	best := 0
	for _, c := range o.codes {
		if c != 0 && (best == 0 || c < best) {
			best = c
		}
	}
	if best == 0 {
		return nil
	}
	return &exitError{code: best, err: errSilent}
}

// errSilent marks an exit status whose reason was already reported.
var errSilent = errors.New("")

// Program is the command line with its outside world injected, so tests run
// it in-process.
type Program struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	g *globals // set by Run: --db, --config
}

// Run runs the command line with the process's standard input and returns
// the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return Program{Stdin: os.Stdin, Stdout: stdout, Stderr: stderr}.Run(ctx, args)
}

// Run executes args (without the program name) and returns the exit status.
func (p Program) Run(ctx context.Context, args []string) int {
	p.g = &globals{}
	root := p.root()
	root.SetArgs(nmapArgs(args))
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	code := ExitFailed
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if !errors.Is(err, errSilent) {
		fmt.Fprintf(p.Stderr, "covered: %v\n", err)
		if code == ExitUsage {
			fmt.Fprintln(p.Stderr, "Run 'covered --help' for usage.")
		}
	}
	return code
}

func (p Program) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "covered",
		Short: "Find covered telecom and video-surveillance equipment and services",
		Long: `covered finds equipment and services of companies on U.S. covered lists
(FCC Covered List, NDAA §889 / FAR 52.204-25, FAR 52.204-23) — Huawei, ZTE,
Hytera, Hikvision, Dahua, their subsidiaries and relabels, Kaspersky and the
covered carriers — proves each finding with evidence, and says how sure it is.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("unknown command %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	root.SetIn(p.Stdin)
	root.SetOut(p.Stdout)
	root.SetErr(p.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{ExitUsage, err} })
	root.CompletionOptions.HiddenDefaultCmd = true
	p.g.register(root)
	var cpuProfile string
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile to `FILE` (for developers)")
	root.PersistentFlags().MarkHidden("cpuprofile")
	var stopProfile func()
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	var memProfile string
	root.PersistentFlags().StringVar(&memProfile, "memprofile", "", "write a heap profile to `FILE` at exit (for developers)")
	root.PersistentFlags().MarkHidden("memprofile")
	root.PersistentPostRun = func(*cobra.Command, []string) {
		if stopProfile != nil {
			stopProfile()
		}
		if memProfile != "" {
			if f, err := os.Create(memProfile); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}
	root.AddCommand(p.identifyCmd(), p.serveCmd(), p.listsCmd(), p.scanCmd(), p.labCmd(), p.demoCmd(), p.rulesCmd(), p.updateCmd(), p.versionCmd(),
		p.importCmd(), p.runsCmd(), p.assetsCmd(), p.findingsCmd(), p.findingCmd(), p.diffCmd(), p.exportCmd(), p.reidentifyCmd(), p.reportCmd(), p.checkCmd())
	return root
}

// args wraps a cobra positional-argument check so its failures are usage
// errors (exit 2).
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := check(cmd, a); err != nil {
			return &exitError{ExitUsage, err}
		}
		return nil
	}
}
