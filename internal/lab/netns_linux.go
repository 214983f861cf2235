//go:build linux

package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

var netnsSeq atomic.Uint32

// StartNetns starts the devices inside a new network namespace, each on its
// own macvlan interface with its own MAC address (the profile's OUI), all
// behind one veth pair whose host end holds the subnet's first address.
// Scanners on the host then see a real layer-2 segment: ARP, neighbor
// table, MAC vendors. It needs root and the ip command (iproute2); without
// them it returns an error wrapping ErrNetnsUnavailable that says which is
// missing. Close deletes the namespace and with it the interfaces.
func StartNetns(ctx context.Context, cfg NetnsConfig) (*Lab, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: needs root (euid is %d)", ErrNetnsUnavailable, os.Geteuid())
	}
	ipcmd, err := exec.LookPath("ip")
	if err != nil {
		return nil, fmt.Errorf("%w: the ip command (iproute2) is not installed: %v", ErrNetnsUnavailable, err)
	}
	seq := netnsSeq.Add(1)
	if !cfg.Subnet.IsValid() {
		cfg.Subnet = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 77, byte(seq), 0}), 24)
	}
	if !cfg.Subnet.Addr().Is4() || cfg.Subnet.Bits() != 24 {
		return nil, fmt.Errorf("lab: netns subnet %s: want an IPv4 /24", cfg.Subnet)
	}
	host := cfg.Subnet.Masked().Addr().Next()
	cfg.Config.Base = host.Next()
	l, err := newLab(cfg.Config, false)
	if err != nil {
		return nil, err
	}
	if len(l.devices) > 250 {
		return nil, fmt.Errorf("lab: netns mode holds at most 250 devices, not %d", len(l.devices))
	}
	id := fmt.Sprintf("%x%02x", os.Getpid()&0xffff, seq&0xff)
	ns, veth, peer := "covered-lab-"+id, "cl"+id+"h", "cl"+id+"n"
	run := func(stdin string, args ...string) error {
		cmd := exec.CommandContext(ctx, ipcmd, args...)
		cmd.Stdin = strings.NewReader(stdin)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("lab: ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
		}
		return nil
	}
	l.teardown = func() error { return run("", "netns", "del", ns) }
	if err := run("", "netns", "add", ns); err != nil {
		return nil, err
	}
	var batch strings.Builder
	fmt.Fprintf(&batch, "link add %s type veth peer name %s\nlink set %s netns %s\n", veth, peer, peer, ns)
	fmt.Fprintf(&batch, "addr add %s/24 dev %s\nlink set %s up\n", host, veth, veth)
	setup := func() error {
		if err := run(batch.String(), "-batch", "-"); err != nil {
			return err
		}
		batch.Reset()
		fmt.Fprintf(&batch, "link set lo up\nlink set %s up\n", peer)
		for i, d := range l.devices {
			mv := fmt.Sprintf("mv%d", i)
			fmt.Fprintf(&batch, "link add %s link %s type macvlan mode bridge\nlink set %s address %s\naddr add %s/24 dev %s\nlink set %s up\n",
				mv, peer, mv, d.MAC, d.Addr, mv, mv)
		}
		return run(batch.String(), "-n", ns, "-batch", "-")
	}
	if err := setup(); err != nil {
		l.teardown()
		return nil, err
	}
	nsf, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		l.teardown()
		return nil, fmt.Errorf("lab: open namespace %s: %w", ns, err)
	}
	defer nsf.Close()
	// Only the interface that holds an address answers ARP for it, or
	// every macvlan would claim every device address.
	if err := inNetns(nsf, func() error {
		return os.WriteFile("/proc/sys/net/ipv4/conf/all/arp_ignore", []byte("1"), 0o644)
	}); err != nil {
		l.teardown()
		return nil, fmt.Errorf("lab: namespace %s: set arp_ignore: %w", ns, err)
	}
	l.listen = func(network string, ap netip.AddrPort) (c io.Closer, err error) {
		err = inNetns(nsf, func() error {
			c, err = listenLocal(network, ap)
			return err
		})
		return c, err
	}
	if err := l.start(ctx); err != nil {
		return nil, err // start closed the lab, and Close ran teardown
	}
	return l, nil
}

// inNetns runs fn on a thread switched into the namespace ns. Sockets
// created there stay in the namespace after the thread switches back.
func inNetns(ns *os.File, fn func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open current namespace: %w", err)
	}
	defer orig.Close()
	if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter namespace: %w", err)
	}
	ferr := fn()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		// The thread stays locked, so the runtime retires it with the
		// goroutine instead of reusing it in the wrong namespace.
		return errors.Join(ferr, fmt.Errorf("leave namespace: %w", err))
	}
	runtime.UnlockOSThread()
	return ferr
}
