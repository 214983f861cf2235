// Command covered finds covered telecommunications and video-surveillance
// equipment and services. See internal/cli for the commands.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/coveredtool/covered/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
