// Command genobs writes synthetic observations for benchmarking `covered
// identify`: N observations over H hosts, with the observation keys mixed in
// the proportions of the shared real-device corpus and values built from
// templates of real product-line formats with random models and versions, so
// that values vary as they do across a real network.
//
//	go run ./bench/genobs -n 1000000 -hosts 200000 > /tmp/obs.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

type gen struct {
	key  string
	w    int // weight: observations per 1000 in the corpus mix
	make func(r *rand.Rand) string
}

func pick(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

var gens = []gen{
	{"http.user_agent", 280, func(r *rand.Rand) string {
		switch r.IntN(6) {
		case 0:
			return fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; %s-%s%d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Mobile Safari/537.36",
				9+r.IntN(6), pick(r, "ELE", "VOG", "MAR", "ANE", "NOH", "JNY"), pick(r, "L", "AL", "NX"), 10+r.IntN(30), 90+r.IntN(40), r.IntN(6000), r.IntN(200))
		case 1:
			return fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; SM-%s%d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36",
				10+r.IntN(5), pick(r, "G", "A", "S", "N"), 100+r.IntN(900), 100+r.IntN(30))
		case 2:
			return fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; ZTE Blade A%d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36",
				9+r.IntN(5), 10+r.IntN(70), 100+r.IntN(30))
		case 3:
			return fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS %d_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.0 Mobile/15E148 Safari/604.1",
				14+r.IntN(5), r.IntN(7), 14+r.IntN(5))
		case 4:
			return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/537.36",
				100+r.IntN(30), r.IntN(6000), r.IntN(200))
		}
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; %s %d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36",
			10+r.IntN(5), pick(r, "Redmi Note", "Pixel", "moto g", "OnePlus"), 5+r.IntN(9), 100+r.IntN(30))
	}},
	{"snmp.sysdescr", 190, func(r *rand.Rand) string {
		switch r.IntN(5) {
		case 0:
			return fmt.Sprintf("Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.%d (AR%d V200R0%02dC%02d)\r\nCopyright (C) 2011-20%d Huawei Technologies Co., Ltd.",
				110+r.IntN(60), 100+r.IntN(3000), r.IntN(12), r.IntN(20), 13+r.IntN(10))
		case 1:
			return fmt.Sprintf("Cisco IOS Software, C%d Software (C%d-UNIVERSALK9-M), Version 15.%d(%d)M%d, RELEASE SOFTWARE (fc%d)",
				800+r.IntN(3000), 800+r.IntN(3000), r.IntN(9), 1+r.IntN(4), r.IntN(9), 1+r.IntN(4))
		case 2:
			return fmt.Sprintf("Juniper Networks, Inc. ex%d-48t Ethernet Switch, kernel JUNOS %d.%dR%d.%d", 2200+r.IntN(3000), 12+r.IntN(10), r.IntN(4), 1+r.IntN(5), r.IntN(9))
		case 3:
			return fmt.Sprintf("Linux host-%d 5.%d.0-%d-amd64 #1 SMP Debian 5.%d.%d x86_64", r.IntN(1000), r.IntN(19), r.IntN(30), r.IntN(19), r.IntN(200))
		}
		return fmt.Sprintf("ZXR10 ROS Version V4.%02d.%d ZXR10_%d Software, Copyright (c) 2000-20%d by ZTE Corporation", r.IntN(12), r.IntN(40), 2900+r.IntN(6000), 10+r.IntN(12))
	}},
	{"snmp.sysobjectid", 150, func(r *rand.Rand) string {
		return fmt.Sprintf("1.3.6.1.4.1.%s.%d.%d", pick(r, "2011", "9", "2636", "3902", "8072", "25506", "14988", "39165"), 1+r.IntN(6), r.IntN(400))
	}},
	{"http.header.server", 55, func(r *rand.Rand) string {
		return pick(r, "Hikvision-Webs", "nginx/1.18.0", fmt.Sprintf("Apache/2.4.%d (Debian)", r.IntN(60)), "Mini web server 1.0 ZTE corp 2005.", "lighttpd/1.4.59", "Microsoft-IIS/10.0", "uc-httpd 1.0.0")
	}},
	{"dhcp.vendor_class", 55, func(r *rand.Rand) string {
		return pick(r, fmt.Sprintf("android-dhcp-%d", 9+r.IntN(5)), "MSFT 5.0", fmt.Sprintf("HUAWEI:android:%s-L%d", pick(r, "ELE", "VOG", "MAR"), 10+r.IntN(20)), "udhcp 1.31.1", "dhcpcd-9.4.1:Linux-6.1.0:x86_64:GenuineIntel")
	}},
	{"mac", 50, func(r *rand.Rand) string {
		p := pick(r, "00:e0:fc", "28:6e:d4", "00:1b:21", "3c:ef:8c", "f4:8e:38", "b8:27:eb", "00:50:56", "c0:56:27")
		return fmt.Sprintf("%s:%02x:%02x:%02x", p, r.IntN(256), r.IntN(256), r.IntN(256))
	}},
	{"ssh.banner", 30, func(r *rand.Rand) string {
		return pick(r, fmt.Sprintf("SSH-2.0-OpenSSH_%d.%dp1 Debian-%d", 7+r.IntN(3), r.IntN(10), 1+r.IntN(5)), "SSH-2.0-HUAWEI-1.5", "SSH-2.0-Cisco-1.25", "SSH-2.0-Comware-7.1.064", "SSH-2.0-ROSSSH")
	}},
	{"telnet.banner", 30, func(r *rand.Rand) string {
		return pick(r, "\r\nUser Access Verification\r\n\r\nUsername: ", "Warning: Telnet is not a secure protocol, and it is recommended to use Stelnet.\r\n\r\nLogin authentication\r\n\r\nUsername:", fmt.Sprintf("Ubuntu 22.04.%d LTS\r\nhost login: ", r.IntN(5)), "MikroTik v6.49\r\nLogin: ")
	}},
	{"tls.cert.subject", 27, func(r *rand.Rand) string {
		return pick(r, "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN", fmt.Sprintf("CN=host%d.example.com", r.IntN(100000)), "CN=localhost,O=Axis Communications AB", "CN=FortiGate,O=Fortinet,C=US")
	}},
	{"http.header.www_authenticate", 24, func(r *rand.Rand) string {
		return pick(r, `Basic realm="Router"`, `Digest realm="cpe@zte.com", nonce="abc"`, `Basic realm="HuaweiHomeGateway"`, fmt.Sprintf(`Digest realm="Login to %08x"`, r.Uint32()))
	}},
	{"http.title", 22, func(r *rand.Rand) string {
		return pick(r, "Login", "Web Client", "DVR Components Download", "RouterOS router configuration page", fmt.Sprintf("Dashboard %d", r.IntN(100)))
	}},
	{"ftp.banner", 20, func(r *rand.Rand) string {
		return pick(r, "220 (vsFTPd 3.0.3)", "220 Microsoft FTP Service", fmt.Sprintf("220 ProFTPD 1.3.%d Server ready.", r.IntN(8)))
	}},
	{"rtsp.header.server", 10, func(r *rand.Rand) string {
		return pick(r, "Dahua Rtsp Server", "GStreamer RTSP server", "Wowza Streaming Engine")
	}},
	{"sip.header.user_agent", 16, func(r *rand.Rand) string {
		return pick(r, fmt.Sprintf("Yealink SIP-T%dG %d.%d.0.%d", 20+r.IntN(40), 50+r.IntN(40), r.IntN(90), r.IntN(100)), "HUAWEI-EchoLife HG8245H/V3R017C10S120", "Asterisk PBX 18.2.0")
	}},
	{"hostname", 21, func(r *rand.Rand) string { return fmt.Sprintf("host-%d", r.IntN(1000000)) }},
}

func main() {
	n := flag.Int("n", 1000000, "observations to write")
	hosts := flag.Int("hosts", 200000, "distinct hosts")
	seed := flag.Uint64("seed", 1, "random seed (same seed, same file)")
	flag.Parse()
	r := rand.New(rand.NewPCG(*seed, *seed))
	total := 0
	for _, g := range gens {
		total += g.w
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	type obs struct {
		Host  string `json:"host"`
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	for i := 0; i < *n; i++ {
		h := i
		if i >= *hosts {
			h = r.IntN(*hosts)
		}
		x := r.IntN(total)
		g := gens[0]
		for _, c := range gens {
			if x < c.w {
				g = c
				break
			}
			x -= c.w
		}
		host := fmt.Sprintf("10.%d.%d.%d", h>>16&255, h>>8&255, h&255)
		if err := enc.Encode(obs{host, g.key, g.make(r)}); err != nil {
			fmt.Fprintln(os.Stderr, "genobs:", err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "genobs:", err)
		os.Exit(1)
	}
}
