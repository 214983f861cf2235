// Package lab is a test fixture: emulated devices that speak the protocols
// the scanner probes (HTTP/HTTPS, SSH, Telnet, FTP, RTSP, SIP, SNMP, SSDP,
// WS-Discovery/ONVIF, mDNS, Hikvision SADP, Dahua DHIP and the vendors'
// binary ports) the way real ones do, each device on its own loopback
// address. Tests, benchmarks and `covered demo` scan it and score the result
// against the ground truth every device carries.
//
// # Profiles are data
//
// A profile (devices/*.yaml) is one kind of device: vendor, model, kind, the
// ground truth (manufacturer, brand, covered entity, expected status) and the
// services it runs, port by port. Every byte a service sends comes from a
// Text in the profile, and every Text names the public source it rests on
// (recog, a vendor's documentation, an RFC). Where no public fact exists for
// a protocol on a device, the profile does not run that protocol: the lab
// must not teach the scanner things that are not true of real devices. The
// hostile profiles are the exception by design: they emulate no device and
// say so in their sources.
//
// # Resources
//
// Each device binds its own listeners to its own address: one socket per
// (address, TCP port) and one per (address, UDP port), plus one per open
// connection. A device costs as many file descriptors as it has services (1
// to 7 for the built-in profiles, 3.5 on average; TestFDBudget keeps it at 8
// or fewer), so 1,000 devices need about 3,800 descriptors plus the
// connections a scan holds open and 1,024 of headroom; Start raises
// RLIMIT_NOFILE to its hard limit when the soft one is too low, and fails
// early (naming the numbers) when even the hard limit is. Each socket has one
// goroutine (accept or read loop) and each open connection one more; idle
// goroutines park in the runtime's poller and cost a few KiB of stack.
//
// Linux routes all of 127.0.0.0/8 to the loopback interface, so binding
// 127.x.y.z needs no configuration. StartNetns instead puts the devices in a
// network namespace behind a veth pair, each with its own MAC address, for
// tests that need a real layer-2 segment (root only).
package lab
