package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/fingerprint"
	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/policy"
	"github.com/spf13/cobra"
)

// outFlags are -o and --format, shared by every command that lists results.
type outFlags struct {
	path   string
	format string
	quiet  bool
}

func (f *outFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.path, "output", "o", "-", "write results to `FILE` (- is standard output)")
	cmd.Flags().StringVar(&f.format, "format", "", "output `format`: jsonl, json, csv or table (default: table on a terminal, jsonl otherwise)")
	cmd.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "no progress and no summary; errors still go to standard error")
}

// open returns the destination and the format to use. The returned close
// function flushes and reports write errors.
func (f *outFlags) open(stdout io.Writer) (io.Writer, output.Format, func() error, error) {
	if f.path == "-" || f.path == "" {
		format, err := output.ParseFormat(f.format, stdout)
		if err != nil {
			return nil, "", nil, usageErr("--format: %v", err)
		}
		return stdout, format, func() error { return nil }, nil
	}
	format, err := output.ParseFormat(f.format, nil)
	if err != nil {
		return nil, "", nil, usageErr("--format: %v", err)
	}
	file, err := os.Create(f.path)
	if err != nil {
		return nil, "", nil, fmt.Errorf("create output: %w", err)
	}
	bw := bufio.NewWriterSize(file, 64<<10)
	return bw, format, func() error {
		if err := bw.Flush(); err != nil {
			file.Close()
			return fmt.Errorf("write %s: %w", f.path, err)
		}
		if err := file.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.path, err)
		}
		return nil
	}, nil
}

// knowFlags are --rules and --policy: extra knowledge on top of the
// embedded rules and lists.
type knowFlags struct {
	rules    []string
	policies []string
}

func (f *knowFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.rules, "rules", nil, "load extra fingerprint rules from `DIR` (tried before the built-in ones; repeatable)")
	cmd.Flags().StringArrayVar(&f.policies, "policy", nil, "add a policy pack `FILE` (YAML: extra entities, brands or lists; repeatable)")
}

func (f *knowFlags) lists() (*policy.Lists, error) {
	l := policy.Builtin()
	if len(f.policies) == 0 {
		return l, nil
	}
	var packs []*policy.Pack
	for _, p := range f.policies {
		pack, err := policy.Load(p)
		if err != nil {
			return nil, usageErr("--policy: %v", err)
		}
		packs = append(packs, pack)
	}
	l, err := l.With(packs...)
	if err != nil {
		return nil, usageErr("--policy: %v", err)
	}
	return l, nil
}

func (f *knowFlags) ruleSet() (*fingerprint.Set, error) {
	s, err := fingerprint.Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in rules: %w", err)
	}
	for _, dir := range f.rules {
		user, err := fingerprint.Load(os.DirFS(dir), ".", "user")
		if err != nil {
			return nil, usageErr("--rules %s: %v", dir, err)
		}
		s = s.Overlay(user)
	}
	return s, nil
}

// failOn is --fail-on covered|suspected.
type failOn struct{ v string }

func (f *failOn) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.v, "fail-on", "", "exit with status 3 when a result is `STATUS`: covered, or suspected (which also fires on covered)")
}

func (f *failOn) status() (covered.Status, error) {
	switch f.v {
	case "":
		return "", nil
	case "covered":
		return covered.StatusCovered, nil
	case "suspected":
		return covered.StatusSuspected, nil
	}
	return "", usageErr("--fail-on: want covered or suspected, not %q", f.v)
}
