package cli

import (
	"fmt"
	"os"

	"github.com/coveredtool/covered/internal/fingerprint"
	"github.com/spf13/cobra"
)

func (p Program) rulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "rules",
		Short:   "Work with fingerprint rules",
		Example: "  covered rules test ./my-rules",
		Args:    args(cobra.NoArgs),
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	test := &cobra.Command{
		Use:   "test [DIR]",
		Short: "Check fingerprint rules against their own examples",
		Long: `test loads fingerprint rules and checks every rule: its examples must be
matched by it (not by an earlier rule: shadowing) with the fields they name,
its negative examples must not match, and its vendors and device types must be
in the vocabulary. Without DIR it checks the built-in rules; with DIR it checks
DIR's rules as --rules DIR would load them, in front of the built-in ones, so a
user rule that shadows a built-in example is reported too.

Rule files are YAML, one per observation key (e.g. ssh.banner.yaml); see the
built-in rules and docs/rules.md for the format.`,
		Example: `  covered rules test
  covered rules test ./my-rules`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			set, err := fingerprint.Builtin()
			if err != nil {
				return fmt.Errorf("built-in rules: %w", err)
			}
			if len(a) == 1 {
				user, err := fingerprint.Load(os.DirFS(a[0]), ".", "user")
				if err != nil {
					return fmt.Errorf("%s: %w", a[0], err)
				}
				set = set.Overlay(user)
			}
			problems := set.Test()
			for _, e := range problems {
				fmt.Fprintln(p.Stderr, e)
			}
			examples := 0
			for _, k := range set.Keys() {
				for _, r := range set.Rules(k) {
					examples += len(r.Examples) + len(r.Negatives)
				}
			}
			fmt.Fprintf(p.Stdout, "%d rules over %d keys, %d examples: %d problem(s)\n", set.Len(), len(set.Keys()), examples, len(problems))
			if len(problems) > 0 {
				return &exitError{ExitFailed, errSilent}
			}
			return nil
		},
	}
	cmd.AddCommand(test)
	return cmd
}
