//go:build unix

package lab

import (
	"fmt"
	"syscall"
)

// fdHeadroom is what the process keeps for everything but listening
// sockets: the connections of a scan in flight, the scanner's own
// sockets when it runs in the same process, files, the runtime.
const fdHeadroom = 1024

// ensureFDs makes sure the process may open sockets more descriptors plus
// headroom, raising the soft RLIMIT_NOFILE up to the hard one if needed.
func ensureFDs(sockets int) error {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return fmt.Errorf("read RLIMIT_NOFILE: %w", err)
	}
	need := uint64(sockets + fdHeadroom)
	if r.Cur >= need {
		return nil
	}
	if r.Max < need {
		return fmt.Errorf("need %d file descriptors (%d sockets + %d headroom), hard limit is %d: raise it (ulimit -Hn) or start fewer devices",
			need, sockets, fdHeadroom, r.Max)
	}
	r.Cur = r.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return fmt.Errorf("raise RLIMIT_NOFILE to %d: %w", r.Max, err)
	}
	return nil
}
