package main

import (
	"bufio"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire"
)

// send plays the exchanges over loopback sockets, one after the other.
func send() error {
	for _, step := range []struct {
		name string
		fn   func() error
	}{{"dhcp", sendDHCP}, {"mdns", sendMDNS}, {"ssdp", sendSSDP}, {"sip", sendSIP}} {
		if err := step.fn(); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// udpPair opens two UDP sockets bound to a and b.
func udpPair(a, b string) (*net.UDPConn, *net.UDPConn, error) {
	ca, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.MustParseAddrPort(a)))
	if err != nil {
		return nil, nil, err
	}
	cb, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.MustParseAddrPort(b)))
	if err != nil {
		ca.Close()
		return nil, nil, err
	}
	return ca, cb, nil
}

// exchange sends p from c to the address of d and reads it on d.
func exchange(c, d *net.UDPConn, p []byte) error {
	if _, err := c.WriteToUDPAddrPort(p, d.LocalAddr().(*net.UDPAddr).AddrPort()); err != nil {
		return err
	}
	buf := make([]byte, 2048)
	if err := d.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return err
	}
	_, _, err := d.ReadFromUDPAddrPort(buf)
	return err
}

// sendDHCP plays a phone's DISCOVER, OFFER, REQUEST, ACK with a server,
// unicast between loopback addresses (a relay's hop, RFC 2131 §4.1).
func sendDHCP() error {
	client, server, err := udpPair(phoneIP+":68", dhcpIP+":67")
	if err != nil {
		return err
	}
	defer client.Close()
	defer server.Close()
	const vendor, hostname = "HUAWEI:android:ELE", "HUAWEI_P30-5a1122"
	phone, srv := netip.MustParseAddr(phoneIP), netip.MustParseAddr(dhcpIP)
	none := netip.Addr{}
	const xid = 0x3903f326
	for _, m := range []struct {
		from, to *net.UDPConn
		p        []byte
	}{
		{client, server, dhcpMessage(1, dhcpDiscover, xid, phoneMAC, none, none, none, vendor, hostname, srv)},
		{server, client, dhcpMessage(2, dhcpOffer, xid, phoneMAC, none, phone, none, "", "", srv)},
		{client, server, dhcpMessage(1, dhcpRequest, xid, phoneMAC, none, none, phone, vendor, hostname, srv)},
		{server, client, dhcpMessage(2, dhcpAck, xid, phoneMAC, none, phone, none, "", "", srv)},
	} {
		if err := exchange(m.from, m.to, m.p); err != nil {
			return err
		}
	}
	return nil
}

// sendMDNS has the camera announce itself to the phone's mDNS port, by
// unicast (RFC 6762 §5.5 allows it; multicast would leave loopback).
func sendMDNS() error {
	camera, phone, err := udpPair(cameraIP+":5353", phoneIP+":5353")
	if err != nil {
		return err
	}
	defer camera.Close()
	defer phone.Close()
	p, err := mdnsAnnouncement("HIKVISION DS-2CD2387G2-LU - E12345678", "DS-2CD2387G2-LU", netip.MustParseAddr(cameraIP),
		[]string{"path=/", "model=DS-2CD2387G2-LU", "manufacturer=HIKVISION"})
	if err != nil {
		return err
	}
	return exchange(camera, phone, p)
}

// sendSSDP has the camera announce its root device to the phone's SSDP
// port by unicast.
func sendSSDP() error {
	camera, phone, err := udpPair(cameraIP+":1900", phoneIP+":1900")
	if err != nil {
		return err
	}
	defer camera.Close()
	defer phone.Close()
	return exchange(camera, phone, ssdpNotify("http://"+cameraIP+":80/upnp/desc.xml", "3c1e9a30-7f0b-11e0-8000-04eecd334455"))
}

// sendSIP has the IP phone register with its softswitch over TCP.
func sendSIP() error {
	ln, err := net.Listen("tcp4", registrarIP+":5060")
	if err != nil {
		return err
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		if _, err := wire.ReadHeader(bufio.NewReader(c), 8<<10); err != nil {
			done <- err
			return
		}
		_, err = c.Write(sipOK())
		done <- err
	}()
	d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.MustParseAddrPort(sipPhoneIP + ":0")), Timeout: 2 * time.Second}
	c, err := d.Dial("tcp4", registrarIP+":5060")
	if err != nil {
		return err
	}
	defer c.Close()
	port := c.LocalAddr().(*net.TCPAddr).Port
	if _, err := c.Write(sipRegister(sipPhoneIP, registrarIP, port)); err != nil {
		return err
	}
	if err := <-done; err != nil {
		return err
	}
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err = wire.ReadHeader(bufio.NewReader(c), 8<<10)
	return err
}
