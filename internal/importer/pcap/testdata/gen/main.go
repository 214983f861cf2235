// Command gen makes the traffic behind the pcap importer's test captures
// (see ../README.md). It only ever uses loopback addresses.
//
//	gen send          exchange DHCP, mDNS, SSDP and SIP messages over loopback
//	                  sockets while tcpdump or dumpcap captures them
//	gen synth FILE    write synthetic.pcapng: frames loopback cannot carry
//	                  (ARP, 802.1Q, BSD loopback, raw IP), built with
//	                  gopacket's layers and written with pcapgo
package main

import (
	"errors"
	"fmt"
	"os"
)

// The hosts of the test network, all on 127.90.0.0/16, beside the lab's
// devices at 127.90.0.1-6.
const (
	phoneIP     = "127.90.0.50"  // a Huawei P30 (ELE-L29) on Wi-Fi
	cameraIP    = "127.90.0.60"  // a Hikvision camera that announces itself
	sipPhoneIP  = "127.90.0.70"  // a Huawei eSpace IP phone
	registrarIP = "127.90.0.71"  // its softswitch
	dhcpIP      = "127.90.0.254" // the DHCP server
)

var (
	phoneMAC  = [6]byte{0x00, 0x56, 0x6d, 0x5a, 0x11, 0x22} // 00:56:6D Huawei Device Co., Ltd.
	cameraMAC = [6]byte{0x04, 0xee, 0xcd, 0x33, 0x44, 0x55} // 04:EE:CD Hangzhou Hikvision
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 1 && args[0] == "send":
		return send()
	case len(args) == 2 && args[0] == "synth":
		return synth(args[1])
	}
	return errors.New("usage: gen send | gen synth FILE")
}
