package cli

import (
	"context"
	"fmt"

	"github.com/coveredtool/covered/internal/scan"
	"github.com/coveredtool/covered/internal/scan/broadcast"
)

// broadcastPhase runs multicast/broadcast discovery when --broadcast was
// given (it returns nil otherwise). It runs before the unicast scan, to
// completion, and the returned Merge adds each host's broadcast
// observations to that host's unicast result. Replies are kept only from
// addresses the scan's scope holds, so exclusions still win. With no
// targets, the scope is the interfaces' subnets and the unicast scan
// covers only the hosts that answered, not the whole subnets.
func (p Program) broadcastPhase(ctx context.Context, plan *scanPlan, cfg *scan.Config, quiet bool) (*broadcast.Merge, error) {
	if len(plan.broadcastIfs) == 0 {
		return nil, nil
	}
	found, st, err := broadcast.Run(ctx, broadcast.Config{Interfaces: plan.broadcastIfs, Scope: plan.spec.Contains})
	if err != nil && len(found) == 0 && st.Sent == 0 {
		return nil, err
	}
	if !quiet {
		if err != nil {
			fmt.Fprintf(p.Stderr, "covered: broadcast: %v\n", err)
		}
		fmt.Fprintf(p.Stderr, "covered: broadcast: %d requests on %d interfaces, %d replies, %d hosts found (%d replies out of scope, %d not understood)\n",
			st.Sent, len(plan.broadcastIfs), st.Datagrams, len(found), st.OutOfScope, st.Nonsense)
	}
	if plan.subnetScope {
		cfg.Hosts, cfg.Total = broadcast.ScanHosts(found), uint64(len(found))
	}
	return broadcast.NewMerge(found), nil
}
