//go:build unix

package broadcast

import "syscall"

// allowBroadcast sets SO_BROADCAST: without it the kernel refuses to send
// the DHIP search to a broadcast address (EACCES).
func allowBroadcast(_, _ string, c syscall.RawConn) error {
	var serr error
	if err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_BROADCAST, 1)
	}); err != nil {
		return err
	}
	return serr
}
