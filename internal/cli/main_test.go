package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// childEnv makes the test binary run one covered command line (given as a
// JSON array) instead of the tests: the crash test kills such children.
const childEnv = "COVERED_CLI_CHILD"

// TestMain points the data and config directories at a scratch directory,
// so that tests never read the user's config or write into their inventory.
func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		os.Exit(runChild(args))
	}
	dir, err := os.MkdirTemp("", "covered-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_DATA_HOME", dir+"/data")
	os.Setenv("XDG_CONFIG_HOME", dir+"/config")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runChild runs a command line, committing after every host and saying so
// on standard output ("committed RUN HOSTS OBSERVATIONS"), for the parent
// to check after it kills the child.
func runChild(argsJSON string) int {
	var args []string
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	flushHosts, importBatch = 1, 50
	onCommit = func(run, hosts, obs int64) { fmt.Fprintf(os.Stdout, "committed %d %d %d\n", run, hosts, obs) }
	return Run(context.Background(), args, os.Stderr, os.Stderr)
}
