package lab

import (
	"errors"
	"net/netip"
)

// ErrNetnsUnavailable is wrapped by StartNetns's error when the machine
// cannot host a namespace (not root, no iproute2, not Linux); tests skip
// on it.
var ErrNetnsUnavailable = errors.New("lab: network namespace mode unavailable")

// NetnsConfig chooses the devices of a namespace lab. Config.Base is
// ignored: the devices take Subnet's addresses from .2 on, the host end of
// the veth pair takes .1.
type NetnsConfig struct {
	Config
	// Subnet is an IPv4 /24 (default 10.77.N.0/24, N counting labs
	// started by this process).
	Subnet netip.Prefix
}
