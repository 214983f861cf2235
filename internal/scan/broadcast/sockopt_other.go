//go:build !unix

package broadcast

import "syscall"

// allowBroadcast does nothing where SO_BROADCAST is not set this way; the
// DHIP broadcast may then fail to send, and the other protocols still run.
func allowBroadcast(_, _ string, _ syscall.RawConn) error { return nil }
