// Command genlogs writes large synthetic logs for the import benchmarks
// (bench/import.sh): web proxy logs with a realistic spread of User-Agents
// and DHCP server logs with a realistic spread of clients. Every line is in
// the documented format of the tool that writes it (Apache/Nginx combined,
// Squid native, dnsmasq with log-dhcp), and the device mix includes covered
// makers so that identification has work to do.
//
//	go run ./bench/genlogs -kind combined -size 1G > access.log
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	kind := flag.String("kind", "combined", "log to write: combined, squid or dnsmasq")
	size := flag.String("size", "1G", "approximate size to write (K, M, G suffixes)")
	clients := flag.Int("clients", 20000, "distinct client addresses")
	agents := flag.Int("uas", 10000, "distinct User-Agents (proxy logs)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	limit, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genlogs:", err)
		os.Exit(2)
	}
	r := rand.New(rand.NewPCG(*seed, 7))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	var n int64
	var line []byte
	t := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	uas := userAgents(r, *agents)
	devs := devices(r, *clients)
	for i := 0; n < limit; i++ {
		t = t.Add(time.Duration(r.IntN(20)) * time.Millisecond)
		d := &devs[zipf(r, len(devs))]
		switch *kind {
		case "combined":
			line = combined(line[:0], r, t, d, uas)
		case "squid":
			line = squid(line[:0], r, t, d, uas)
		case "dnsmasq":
			line = dnsmasq(line[:0], t, d, i)
		default:
			fmt.Fprintf(os.Stderr, "genlogs: unknown -kind %q (combined, squid, dnsmasq)\n", *kind)
			os.Exit(2)
		}
		w.Write(line)
		n += int64(len(line))
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "genlogs:", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch strings.ToUpper(s[len(s)-1:]) {
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	}
	if mult > 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad -size %q", s)
	}
	return n * mult, nil
}

// zipf picks an index with a heavy head: a few clients make most requests,
// as in real proxy logs.
func zipf(r *rand.Rand, n int) int {
	if r.IntN(4) == 0 {
		return r.IntN(n)
	}
	return r.IntN(max(1, n/20))
}

// device is one client: its address, MAC and, for DHCP, what it says.
type device struct {
	ip, mac, name, vendorClass, params string
	ua                                 int // index of its usual User-Agent
}

// makers are the DHCP identities of the device mix, with MAC blocks
// registered to each maker (IEEE MA-L) and the vendor classes they send.
var makers = []struct {
	weight      int
	ouis        []string
	vendorClass string
	name        string
	params      string
}{
	{30, []string{"f0:18:98", "a4:83:e7", "3c:22:fb"}, "", "iPhone", "1,121,3,6,15,108,114,119,252"},
	{25, []string{"18:66:da", "b0:7b:25", "d8:9e:f3"}, "MSFT 5.0", "DESKTOP-", "1,3,6,15,31,33,43,44,46,47,119,121,249,252"},
	{12, []string{"8c:77:12", "5c:e8:eb"}, "android-dhcp-13", "Galaxy-S23", "1,3,6,15,26,28,51,58,59,43,114,108"},
	{6, []string{"00:e0:fc", "28:6e:d4", "48:46:fb"}, "HUAWEI:android:ELE-L29", "HUAWEI_P30", "1,3,6,15,26,28,51,58,59,43"},
	{3, []string{"c0:56:e3", "44:19:b6", "4c:bd:8f"}, "udhcp 1.20.2", "HIKVISION", "1,3,6,12,15,28,42"},
	{3, []string{"3c:ef:8c", "90:02:a9"}, "udhcp 1.22.1", "IPC-HFW2431S", "1,3,6,12,15,28,42"},
	{2, []string{"00:19:c6", "34:4b:50"}, "ZTE-MF286", "ZTE-Router", "1,3,6,12,15,28,42,43"},
	{5, []string{"00:1b:54", "70:10:5c"}, "Cisco Systems, Inc. IP Phone CP-8845", "SEP0070105C", "1,3,6,15,42,66,150"},
	{4, []string{"b8:27:eb", "dc:a6:32"}, "dhcpcd-9.4.1:Linux-6.1.0:armv7l:BCM2835", "raspberrypi", "1,121,33,3,6,12,15,28,51,54,58,59,119"},
	{10, []string{"00:50:56", "00:0c:29"}, "", "vm-", "1,28,2,3,15,6,119,12,44,47,26,121,42"},
}

func devices(r *rand.Rand, n int) []device {
	total := 0
	for _, m := range makers {
		total += m.weight
	}
	out := make([]device, n)
	for i := range out {
		k := r.IntN(total)
		mi := 0
		for ; k >= makers[mi].weight; mi++ {
			k -= makers[mi].weight
		}
		m := makers[mi]
		out[i] = device{
			ip:          fmt.Sprintf("10.%d.%d.%d", 16+i>>16&0x0f, i>>8&0xff, i&0xff),
			mac:         fmt.Sprintf("%s:%02x:%02x:%02x", m.ouis[r.IntN(len(m.ouis))], r.IntN(256), r.IntN(256), r.IntN(256)),
			name:        m.name + strconv.Itoa(i),
			vendorClass: m.vendorClass,
			params:      m.params,
			ua:          r.IntN(1 << 30),
		}
	}
	return out
}

// userAgents returns n distinct User-Agents in the proportions a corporate
// proxy sees: desktop browsers, phones (some covered makers), apps and
// agents.
func userAgents(r *rand.Rand, n int) []string {
	phones := []string{"ELE-L29", "VOG-L29", "ANA-NX9", "NOH-NX9", "JAD-LX9", "ZTE A7030", "ZTE 8046", "RMO-NX1", "ANY-NX1",
		"SM-G991B", "SM-S918B", "SM-A546B", "Pixel 7", "Pixel 8 Pro", "moto g power (2023)", "CPH2451", "2201116SG"}
	out := make([]string, n)
	seen := map[string]bool{}
	for i := 0; i < n; {
		var ua string
		switch k := r.IntN(100); {
		case k < 35:
			ua = fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/537.36",
				110+r.IntN(22), 5000+r.IntN(2000), r.IntN(200))
		case k < 45:
			ua = fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36 Edg/%d.0.%d.%d",
				110+r.IntN(22), 110+r.IntN(22), 1000+r.IntN(2000), r.IntN(100))
		case k < 55:
			ua = fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d Safari/605.1.15",
				15+r.IntN(4), r.IntN(7))
		case k < 70:
			ua = fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS %d_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d Mobile/15E148 Safari/604.1",
				15+r.IntN(4), r.IntN(7), 15+r.IntN(4), r.IntN(7))
		case k < 90:
			ua = fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; %s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Mobile Safari/537.36",
				10+r.IntN(5), phones[r.IntN(len(phones))], 100+r.IntN(30), 4000+r.IntN(3000), r.IntN(200))
		case k < 95:
			ua = fmt.Sprintf("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.%d; Pro)", 10000+r.IntN(7000))
		default:
			ua = fmt.Sprintf("Windows-Update-Agent/10.0.10011.16384 Client-Protocol/%d.%d", 1+r.IntN(3), r.IntN(100))
		}
		if !seen[ua] {
			seen[ua] = true
			out[i] = ua
			i++
		}
	}
	return out
}

var paths = []string{"/", "/index.html", "/api/v1/items", "/static/app.js", "/images/logo.png", "/login", "/search?q=report"}

func combined(b []byte, r *rand.Rand, t time.Time, d *device, uas []string) []byte {
	b = append(b, d.ip...)
	b = append(b, " - - ["...)
	b = t.AppendFormat(b, "02/Jan/2006:15:04:05 -0700")
	b = append(b, `] "GET `...)
	b = append(b, paths[r.IntN(len(paths))]...)
	b = append(b, ` HTTP/1.1" 200 `...)
	b = strconv.AppendInt(b, int64(200+r.IntN(50000)), 10)
	b = append(b, ` "https://intranet.example.org/" "`...)
	b = append(b, agentOf(r, d, uas)...)
	return append(b, "\"\n"...)
}

func squid(b []byte, r *rand.Rand, t time.Time, d *device, uas []string) []byte {
	b = strconv.AppendInt(b, t.Unix(), 10)
	b = append(b, '.')
	b = append(b, fmt.Sprintf("%03d", t.Nanosecond()/1e6)...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(r.IntN(3000)), 10)
	b = append(b, ' ')
	b = append(b, d.ip...)
	b = append(b, " TCP_TUNNEL/200 "...)
	b = strconv.AppendInt(b, int64(200+r.IntN(50000)), 10)
	b = append(b, " CONNECT www.example.com:443 - HIER_DIRECT/93.184.215.14 - \""...)
	b = append(b, agentOf(r, d, uas)...)
	return append(b, "\"\n"...)
}

// agentOf is the client's browser mostly, else one of the two or three
// other programs it runs (a second browser, a mail client, an updater):
// a client uses a handful of User-Agents, the network thousands.
func agentOf(r *rand.Rand, d *device, uas []string) string {
	k := 0
	if r.IntN(5) == 0 {
		k = 1 + r.IntN(2+d.ua%2)
	}
	return uas[(d.ua+k*7919)%len(uas)]
}

// dnsmasq writes one DHCP exchange as dnsmasq logs it with log-dhcp: the
// vendor class, the client's name, REQUEST and ACK, and the requested
// options, all tagged with the transaction id.
func dnsmasq(b []byte, t time.Time, d *device, i int) []byte {
	p := t.AppendFormat(nil, "Jan _2 15:04:05")
	p = append(p, " gw dnsmasq-dhcp[812]: "...)
	p = strconv.AppendInt(p, int64(1000000+i), 10)
	p = append(p, ' ')
	if d.vendorClass != "" {
		b = append(append(append(b, p...), "vendor class: "...), d.vendorClass...)
		b = append(b, '\n')
	}
	b = append(append(append(b, p...), "client provides name: "...), d.name...)
	b = append(b, '\n')
	b = append(append(append(b, p...), "DHCPREQUEST(eth0) "...), d.ip...)
	b = append(append(append(b, ' '), d.mac...), '\n')
	b = append(append(append(b, p...), "DHCPACK(eth0) "...), d.ip...)
	b = append(append(append(append(append(b, ' '), d.mac...), ' '), d.name...), '\n')
	b = append(append(b, p...), "requested options: "...)
	for j, o := range strings.Split(d.params, ",") {
		if j > 0 {
			b = append(b, ", "...)
		}
		b = append(b, o...)
		if name := optionNames[o]; name != "" {
			b = append(append(b, ':'), name...)
		}
	}
	b = append(b, '\n')
	return b
}

// optionNames are the names dnsmasq prints after DHCP option numbers it
// knows (RFC 2132 names as dnsmasq spells them); others print bare.
var optionNames = map[string]string{
	"1": "netmask", "2": "time-offset", "3": "router", "6": "dns-server", "12": "hostname", "15": "domain-name",
	"26": "mtu", "28": "broadcast", "31": "router-discovery", "33": "static-route", "42": "ntp-server",
	"43": "vendor-encap", "44": "netbios-ns", "46": "netbios-nodetype", "47": "netbios-scope", "51": "lease-time",
	"54": "server-identifier", "58": "T1", "59": "T2", "66": "tftp-server", "119": "domain-search",
	"121": "classless-static-route",
}
