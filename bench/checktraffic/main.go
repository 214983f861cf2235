// Command checktraffic reads loopback captures of covered scanning the
// device lab and says, per lab device, what the scanner sent it: TCP
// connections the client opened (SYN without ACK), UDP datagrams, ICMP echo
// requests, the request line of every client segment that starts an HTTP or
// RTSP request, and every client segment carrying an Authorization header
// (its scheme only: the credentials are never printed). Devices are named by
// the lab's ground truth (covered lab --truth).
//
// Summary mode prints each capture (-pcap, repeatable), and the findings of
// the run (-findings) per device:
//
//	checktraffic -truth truth.jsonl -pcap base1.pcap -pcap base2.pcap -findings passive.jsonl
//
// Compare mode takes one or more baseline captures (-base, repeatable; the
// per-device maximum over them is the baseline) and a check run's capture
// (-run), reports what the run sent beyond the baseline, and asserts it
// against the checks' declared side effects and request budgets for the
// run's -profile (safe or auth), printing PASS/FAIL lines; it exits 1 when
// an assertion fails:
//
//	checktraffic -truth truth.jsonl -base base1.pcap -base base2.pcap \
//	    -run safe.pcap -findings safe.jsonl -profile safe
//
// Budgets (side_effect, max_requests) and what each check applies to come
// from the built-in check set (internal/check), the one the binary under
// test embeds. Which checks apply to a device is judged from their applies
// (entity, manufacturer, model; device_type is not judged and counts as
// matching) against the device's ground truth; the evidence conditions and
// firmware ranges of a check are ignored, so the
// per-device budget is an upper bound. -json FILE writes one JSON object
// per device per capture (and per device per comparison).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/coveredtool/covered/internal/check"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// truthDev is one lab device's ground truth line.
type truthDev struct {
	Host         string `json:"host"`
	Profile      string `json:"profile"`
	Model        string `json:"model"`
	Kind         string `json:"kind"`
	Manufacturer string `json:"manufacturer"`
	Brand        string `json:"brand"`
	Entity       string `json:"covered_entity"`
}

// methods start the request lines that are recorded.
var methods = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "DESCRIBE", "SETUP", "PLAY", "TEARDOWN", "ANNOUNCE", "RECORD", "SET_PARAMETER", "GET_PARAMETER"}

// authSeen is one client segment carrying an Authorization header.
type authSeen struct {
	Request string `json:"request"` // its request line, or "" mid-request
	Scheme  string `json:"scheme"`  // Basic, Digest username=..., ...
}

func (a authSeen) String() string {
	r := a.Request
	if r == "" {
		r = "(not at a request start)"
	}
	return r + " [Authorization: " + a.Scheme + "]"
}

// devTraffic is what the client sent one device in one capture.
type devTraffic struct {
	Capture       string         `json:"capture"`
	Host          string         `json:"host"`
	Profile       string         `json:"profile"`
	TCPConns      int            `json:"tcp_connections"`
	TCPByPort     map[string]int `json:"tcp_by_port"`
	UDP           int            `json:"udp_datagrams"`
	UDPByPort     map[string]int `json:"udp_by_port"`
	ICMPEcho      int            `json:"icmp_echo"`
	Requests      []string       `json:"requests"`
	Authorization []authSeen     `json:"authorization"`
}

// capture is one pcap read per device.
type capture struct {
	name    string
	devices map[string]*devTraffic
}

func main() {
	var pcaps, bases multiFlag
	truthPath := flag.String("truth", "", "lab ground truth (covered lab --truth), JSON Lines")
	flag.Var(&pcaps, "pcap", "capture to summarize (repeatable)")
	flag.Var(&bases, "base", "baseline capture (repeatable; the per-device maximum is used)")
	run := flag.String("run", "", "capture of the check run to compare with the baseline")
	findings := flag.String("findings", "", "findings of the run (JSON Lines as covered check writes them)")
	profile := flag.String("profile", "", "profile of the run: safe or auth (compare mode)")
	jsonOut := flag.String("json", "", "append one JSON object per device per capture (and comparison) to FILE")
	flag.Parse()
	if *truthPath == "" || (len(pcaps) == 0 && *run == "") {
		fmt.Fprintln(os.Stderr, "usage: checktraffic -truth T (-pcap F... | -base A... -run B -profile safe|auth) [-findings J] [-json OUT]")
		os.Exit(2)
	}
	truth, order, err := readTruth(*truthPath)
	if err != nil {
		fail(err)
	}
	var js *json.Encoder
	if *jsonOut != "" {
		f, err := os.OpenFile(*jsonOut, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			fail(err)
		}
		defer f.Close()
		js = json.NewEncoder(f)
	}
	var found map[string][]finding
	if *findings != "" {
		if found, err = readFindings(*findings); err != nil {
			fail(err)
		}
	}
	if *run == "" {
		ok, err := summarize(pcaps, truth, order, found, js)
		if err != nil {
			fail(err)
		}
		if !ok {
			os.Exit(1)
		}
		return
	}
	if len(bases) == 0 || (*profile != "safe" && *profile != "auth") {
		fail(errors.New("compare mode needs -base and -profile safe or auth"))
	}
	checks, src, err := loadChecks()
	if err != nil {
		fail(err)
	}
	ok, err := compare(bases, *run, *profile, truth, order, found, checks, src, js)
	if err != nil {
		fail(err)
	}
	if !ok {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "checktraffic:", err)
	os.Exit(2)
}

func readTruth(path string) (map[string]truthDev, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	m := map[string]truthDev{}
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var t truthDev
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		m[t.Host] = t
		order = append(order, t.Host)
	}
	sortAddrs(order)
	return m, order, sc.Err()
}

func sortAddrs(s []string) {
	sort.Slice(s, func(i, j int) bool {
		a, ea := netip.ParseAddr(s[i])
		b, eb := netip.ParseAddr(s[j])
		if ea != nil || eb != nil {
			return s[i] < s[j]
		}
		return a.Less(b)
	})
}

// packetSource opens a pcap or pcapng file.
type packetSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

func openCapture(path string) (packetSource, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	magic, err := br.Peek(4)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		return r, f, nil
	}
	r, err := pcapgo.NewReader(br)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, f, nil
}

// connKey identifies one SYN (a retransmitted SYN has the same key).
type connKey struct {
	src, dst     netip.Addr
	sport, dport uint16
	seq          uint32
}

// readCapture counts what the client sent each device. The device side is
// the lab address (a truth host) that receives; a sender that is itself a
// lab address is a device, never the client. Addresses in the capture that
// are not in the truth are reported under their own address.
func readCapture(path string, truth map[string]truthDev) (*capture, error) {
	src, closer, err := openCapture(path)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	c := &capture{name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), devices: map[string]*devTraffic{}}
	dev := func(host string) *devTraffic {
		d := c.devices[host]
		if d == nil {
			d = &devTraffic{Capture: c.name, Host: host, Profile: truth[host].Profile, TCPByPort: map[string]int{}, UDPByPort: map[string]int{}}
			if d.Profile == "" {
				d.Profile = "(not in truth)"
			}
			c.devices[host] = d
		}
		return d
	}
	isDevice := func(a netip.Addr) bool { _, ok := truth[a.String()]; return ok }
	labNet := netip.MustParsePrefix("127.98.0.0/24")
	seen := map[connKey]bool{}
	for {
		data, _, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		p := gopacket.NewPacket(data, src.LinkType(), gopacket.DecodeOptions{Lazy: true, NoCopy: true})
		ip4, _ := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		if ip4 == nil {
			continue
		}
		s, _ := netip.AddrFromSlice(ip4.SrcIP.To4())
		d, _ := netip.AddrFromSlice(ip4.DstIP.To4())
		// client -> device: the receiver is a lab device (or, when not in
		// the truth, a lab-network address) and the sender is not.
		if isDevice(s) || (!isDevice(d) && !labNet.Contains(d)) || (!isDevice(d) && labNet.Contains(s)) {
			continue
		}
		host := d.String()
		switch l := p.TransportLayer().(type) {
		case *layers.TCP:
			if l.SYN && !l.ACK {
				k := connKey{s, d, uint16(l.SrcPort), uint16(l.DstPort), l.Seq}
				if !seen[k] {
					seen[k] = true
					t := dev(host)
					t.TCPConns++
					t.TCPByPort[strconv.Itoa(int(l.DstPort))]++
				}
			}
			if len(l.Payload) > 0 {
				notePayload(dev(host), l.Payload)
			}
		case *layers.UDP:
			t := dev(host)
			t.UDP++
			t.UDPByPort[strconv.Itoa(int(l.DstPort))]++
		default:
			if ic, ok := p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4); ok && ic.TypeCode.Type() == layers.ICMPv4TypeEchoRequest {
				dev(host).ICMPEcho++
			}
		}
	}
	for h := range truth {
		dev(h)
	}
	return c, nil
}

// authRE finds an Authorization header and its scheme (and a Digest
// username, which is an account name, not a secret).
var (
	authRE     = regexp.MustCompile(`(?im)^authorization:[ \t]*([A-Za-z0-9_-]+)([^\r\n]*)`)
	usernameRE = regexp.MustCompile(`(?i)\busername="?([^",\s]*)`)
)

// notePayload records the request line of a client segment that starts a
// request, and any Authorization header in it.
func notePayload(t *devTraffic, payload []byte) {
	line := ""
	for _, m := range methods {
		if bytes.HasPrefix(payload, []byte(m+" ")) {
			end := bytes.IndexAny(payload, "\r\n")
			if end < 0 {
				end = len(payload)
			}
			line = string(payload[:end])
			if len(line) > 200 {
				line = line[:200] + "..."
			}
			t.Requests = append(t.Requests, line)
			break
		}
	}
	for _, m := range authRE.FindAllSubmatch(payload, -1) {
		scheme := string(m[1])
		if strings.EqualFold(scheme, "digest") {
			if u := usernameRE.FindSubmatch(m[2]); u != nil {
				scheme += " username=" + string(u[1])
			}
		}
		t.Authorization = append(t.Authorization, authSeen{Request: line, Scheme: scheme})
	}
}

// finding is the part of a finding line the report uses.
type finding struct {
	Check      string `json:"check"`
	Host       string `json:"host"`
	SideEffect string `json:"side_effect"`
	Requests   int    `json:"requests"`
}

func readFindings(path string) (map[string][]finding, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string][]finding{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 16<<20), 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var x finding
		if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m[x.Host] = append(m[x.Host], x)
	}
	return m, sc.Err()
}

func findingsLine(fs []finding) string {
	if len(fs) == 0 {
		return "findings 0"
	}
	var ids []string
	for _, f := range fs {
		s := f.Check
		if f.SideEffect != "" && f.SideEffect != "none" {
			s += fmt.Sprintf(" (%s, %d requests)", f.SideEffect, f.Requests)
		}
		ids = append(ids, s)
	}
	return fmt.Sprintf("findings %d: %s", len(fs), strings.Join(ids, ", "))
}

func portsString(m map[string]int) string {
	var ks []string
	for k, v := range m {
		if v != 0 {
			ks = append(ks, k)
		}
	}
	sort.Slice(ks, func(i, j int) bool { a, _ := strconv.Atoi(ks[i]); b, _ := strconv.Atoi(ks[j]); return a < b })
	var out []string
	for _, k := range ks {
		out = append(out, fmt.Sprintf("%s:%+d", k, m[k]))
	}
	return strings.Join(out, " ")
}

// summarize prints each capture per device; it reports (false) any
// Authorization header, which the baseline scan must never send.
func summarize(paths []string, truth map[string]truthDev, order []string, found map[string][]finding, js *json.Encoder) (bool, error) {
	var caps []*capture
	for _, p := range paths {
		c, err := readCapture(p, truth)
		if err != nil {
			return false, err
		}
		caps = append(caps, c)
	}
	hosts := hostsOf(order, caps...)
	ok := true
	for _, c := range caps {
		fmt.Printf("== capture %s\n", c.name)
		tot := devTraffic{}
		for _, h := range hosts {
			d := c.devices[h]
			if js != nil {
				if err := js.Encode(d); err != nil {
					return false, err
				}
			}
			fmt.Printf("  %-12s %-24s tcp %3d  udp %2d  icmp %d  requests %2d  authorization %d\n", h, d.Profile, d.TCPConns, d.UDP, d.ICMPEcho, len(d.Requests), len(d.Authorization))
			for _, a := range d.Authorization {
				fmt.Printf("      ! %s\n", a)
			}
			tot.TCPConns += d.TCPConns
			tot.UDP += d.UDP
			tot.ICMPEcho += d.ICMPEcho
			tot.Requests = append(tot.Requests, d.Requests...)
			tot.Authorization = append(tot.Authorization, d.Authorization...)
		}
		fmt.Printf("  total: %d devices, %d TCP connections, %d UDP datagrams, %d ICMP echo, %d request lines, %d Authorization headers\n",
			len(hosts), tot.TCPConns, tot.UDP, tot.ICMPEcho, len(tot.Requests), len(tot.Authorization))
		if len(tot.Authorization) > 0 {
			ok = false
		}
		fmt.Printf("%s baseline %s sends no Authorization header (%d seen)\n", passFail(len(tot.Authorization) == 0), c.name, len(tot.Authorization))
	}
	if len(caps) > 1 {
		fmt.Println("== baseline variation (TCP connections / UDP datagrams / request lines per device)")
		varies := 0
		for _, h := range hosts {
			var parts []string
			same := true
			for i, c := range caps {
				d := c.devices[h]
				parts = append(parts, fmt.Sprintf("%d/%d/%d", d.TCPConns, d.UDP, len(d.Requests)))
				if i > 0 && !sameTraffic(caps[0].devices[h], d) {
					same = false
				}
			}
			if !same {
				varies++
				fmt.Printf("  %-12s %-24s varies: %s\n", h, caps[0].devices[h].Profile, strings.Join(parts, " vs "))
			}
		}
		if varies == 0 {
			fmt.Printf("  identical across the %d baselines on every device (connections per port, datagrams per port, request lines)\n", len(caps))
		} else {
			fmt.Printf("  %d of %d devices vary; comparisons use the per-device maximum over the baselines\n", varies, len(hosts))
		}
	}
	if found != nil {
		fmt.Println("== findings of the baseline run (scan --checks passive)")
		total := 0
		for _, h := range hosts {
			fmt.Printf("  %-12s %-24s %s\n", h, profileOf(truth, h), findingsLine(found[h]))
			total += len(found[h])
		}
		fmt.Printf("  total findings: %d\n", total)
	}
	return ok, nil
}

func profileOf(truth map[string]truthDev, h string) string {
	if t, ok := truth[h]; ok {
		return t.Profile
	}
	return "(not in truth)"
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func sameTraffic(a, b *devTraffic) bool {
	if a.UDP != b.UDP || a.TCPConns != b.TCPConns || a.ICMPEcho != b.ICMPEcho {
		return false
	}
	for _, m := range [][2]map[string]int{{a.TCPByPort, b.TCPByPort}, {a.UDPByPort, b.UDPByPort}} {
		if len(m[0]) != len(m[1]) {
			return false
		}
		for k, v := range m[0] {
			if m[1][k] != v {
				return false
			}
		}
	}
	ra, rb := counts(a.Requests), counts(b.Requests)
	if len(ra) != len(rb) {
		return false
	}
	for k, v := range ra {
		if rb[k] != v {
			return false
		}
	}
	return true
}

func counts(s []string) map[string]int {
	m := map[string]int{}
	for _, x := range s {
		m[x]++
	}
	return m
}

// hostsOf is the truth's hosts, then any other host a capture shows.
func hostsOf(order []string, caps ...*capture) []string {
	in := map[string]bool{}
	hosts := append([]string(nil), order...)
	for _, h := range order {
		in[h] = true
	}
	var extra []string
	for _, c := range caps {
		for h := range c.devices {
			if !in[h] {
				in[h] = true
				extra = append(extra, h)
			}
		}
	}
	sortAddrs(extra)
	return append(hosts, extra...)
}

// checkDecl is a check's declaration as far as budgets go.
type checkDecl struct {
	ID          string
	SideEffect  string
	MaxRequests int
	Applies     check.Applies
	modelRE     *regexp.Regexp
}

// loadChecks is the built-in check set, the one the covered binary under
// test embeds: each check's side effect, budget and what it applies to.
func loadChecks() ([]*checkDecl, string, error) {
	set, err := check.Builtin()
	if err != nil {
		return nil, "", err
	}
	var out []*checkDecl
	for _, c := range set.All() {
		d := &checkDecl{ID: c.ID, SideEffect: c.SideEffect().String(), MaxRequests: c.MaxRequests, Applies: c.Applies}
		if c.Applies.Model != "" {
			if d.modelRE, err = regexp.Compile(c.Applies.Model); err != nil {
				return nil, "", fmt.Errorf("%s: %w", c.ID, err)
			}
		}
		out = append(out, d)
	}
	return out, fmt.Sprintf("the built-in checks (internal/check, %d checks)", len(out)), nil
}

func anyFold(list []string, vals ...string) bool {
	for _, l := range list {
		for _, v := range vals {
			if strings.EqualFold(l, v) {
				return true
			}
		}
	}
	return false
}

// applies over-approximates whether c may run on the device t.
func (c *checkDecl) applies(t truthDev, known bool) bool {
	if !known {
		return true
	}
	a := c.Applies
	if len(a.Entity) > 0 && !anyFold(a.Entity, t.Entity) {
		return false
	}
	if len(a.Manufacturer) > 0 && !anyFold(a.Manufacturer, t.Manufacturer, t.Brand) {
		return false
	}
	if c.modelRE != nil && !c.modelRE.MatchString(t.Model) {
		return false
	}
	return true
}

// allowed is whether the profile runs side effect s.
func allowed(profile, s string) bool {
	switch s {
	case "none", "read":
		return true
	case "auth":
		return profile == "auth"
	}
	return false
}

// comparison is one device's run against the baseline.
type comparison struct {
	Kind          string         `json:"kind"`
	Profile       string         `json:"profile"`
	Run           string         `json:"run"`
	Host          string         `json:"host"`
	Device        string         `json:"device"`
	ExtraTCP      int            `json:"extra_tcp_connections"`
	ExtraTCPPorts map[string]int `json:"extra_tcp_by_port"`
	ExtraUDP      int            `json:"extra_udp_datagrams"`
	ExtraUDPPorts map[string]int `json:"extra_udp_by_port"`
	ExtraICMP     int            `json:"extra_icmp_echo"`
	ExtraRequests []string       `json:"extra_requests"`
	Authorization []authSeen     `json:"authorization"`
	Budget        int            `json:"budget"`
	BudgetChecks  []string       `json:"budget_checks"`
	AuthChecks    []string       `json:"auth_checks"`
	Findings      int            `json:"findings"`
	FindingChecks []string       `json:"finding_checks"`
	Violations    []string       `json:"violations"`
}

func compare(basePaths []string, runPath, profile string, truth map[string]truthDev, order []string, found map[string][]finding, checks []*checkDecl, checkSrc string, js *json.Encoder) (bool, error) {
	var bases []*capture
	for _, p := range basePaths {
		c, err := readCapture(p, truth)
		if err != nil {
			return false, err
		}
		bases = append(bases, c)
	}
	run, err := readCapture(runPath, truth)
	if err != nil {
		return false, err
	}
	hosts := hostsOf(order, append(bases, run)...)
	totalBudget := 0
	for _, c := range checks {
		if c.SideEffect != "none" && allowed(profile, c.SideEffect) {
			totalBudget += c.MaxRequests
		}
	}
	names := make([]string, len(bases))
	for i, b := range bases {
		names[i] = b.name
	}
	fmt.Printf("== %s run (%s) vs baseline (max over %s)\n", profile, run.name, strings.Join(names, ", "))
	fmt.Printf("  budgets from %s; total budget of the %s profile's active checks (side effect %s): %d per device\n",
		checkSrc, profile, map[string]string{"safe": "read", "auth": "read+auth"}[profile], totalBudget)
	var (
		comps                                                []*comparison
		totTCP, totUDP, totReq, totAuth, totFind, totBaseTCP int
		baseAuth                                             int
	)
	for _, h := range hosts {
		t, known := truth[h]
		cmp := &comparison{Kind: "compare", Profile: profile, Run: run.name, Host: h, Device: profileOf(truth, h),
			ExtraTCPPorts: map[string]int{}, ExtraUDPPorts: map[string]int{}}
		r := run.devices[h]
		if r == nil {
			r = &devTraffic{TCPByPort: map[string]int{}, UDPByPort: map[string]int{}}
		}
		// Baseline: per-device maximum over the baselines, per port and per
		// request line.
		maxTCP, maxUDP, maxICMP := 0, 0, 0
		tcpPorts, udpPorts, reqs := map[string]int{}, map[string]int{}, map[string]int{}
		baseAuthSet := map[string]int{}
		for _, b := range bases {
			d := b.devices[h]
			if d == nil {
				continue
			}
			maxTCP, maxUDP, maxICMP = max(maxTCP, d.TCPConns), max(maxUDP, d.UDP), max(maxICMP, d.ICMPEcho)
			for k, v := range d.TCPByPort {
				tcpPorts[k] = max(tcpPorts[k], v)
			}
			for k, v := range d.UDPByPort {
				udpPorts[k] = max(udpPorts[k], v)
			}
			for k, v := range counts(d.Requests) {
				reqs[k] = max(reqs[k], v)
			}
			for k, v := range counts(authStrings(d.Authorization)) {
				baseAuthSet[k] = max(baseAuthSet[k], v)
			}
			baseAuth += len(d.Authorization)
		}
		totBaseTCP += maxTCP
		cmp.ExtraTCP = r.TCPConns - maxTCP
		cmp.ExtraUDP = r.UDP - maxUDP
		cmp.ExtraICMP = r.ICMPEcho - maxICMP
		for k := range union(tcpPorts, r.TCPByPort) {
			if d := r.TCPByPort[k] - tcpPorts[k]; d != 0 {
				cmp.ExtraTCPPorts[k] = d
			}
		}
		for k := range union(udpPorts, r.UDPByPort) {
			if d := r.UDPByPort[k] - udpPorts[k]; d != 0 {
				cmp.ExtraUDPPorts[k] = d
			}
		}
		// Multiset difference, in the run's order.
		left := map[string]int{}
		for k, v := range reqs {
			left[k] = v
		}
		for _, q := range r.Requests {
			if left[q] > 0 {
				left[q]--
				continue
			}
			cmp.ExtraRequests = append(cmp.ExtraRequests, q)
		}
		for _, a := range r.Authorization {
			if baseAuthSet[a.String()] > 0 {
				baseAuthSet[a.String()]--
				continue
			}
			cmp.Authorization = append(cmp.Authorization, a)
		}
		for _, c := range checks {
			if c.SideEffect == "none" || !allowed(profile, c.SideEffect) || !c.applies(t, known) {
				continue
			}
			cmp.Budget += c.MaxRequests
			cmp.BudgetChecks = append(cmp.BudgetChecks, fmt.Sprintf("%s (%s, %d)", c.ID, c.SideEffect, c.MaxRequests))
			if c.SideEffect == "auth" {
				cmp.AuthChecks = append(cmp.AuthChecks, c.ID)
			}
		}
		for _, f := range found[h] {
			cmp.Findings++
			cmp.FindingChecks = append(cmp.FindingChecks, f.Check)
		}
		// Assertions.
		okMethods := map[string]bool{"GET": true}
		if profile == "auth" {
			okMethods["DESCRIBE"] = true
		}
		for _, q := range cmp.ExtraRequests {
			if m, _, _ := strings.Cut(q, " "); !okMethods[m] {
				cmp.Violations = append(cmp.Violations, "extra request not allowed in "+profile+": "+q)
			}
		}
		if profile == "safe" && len(cmp.Authorization) > 0 {
			cmp.Violations = append(cmp.Violations, fmt.Sprintf("%d Authorization headers in a safe run", len(cmp.Authorization)))
		}
		if profile == "auth" && len(cmp.Authorization) > 0 && len(cmp.AuthChecks) == 0 {
			cmp.Violations = append(cmp.Violations, fmt.Sprintf("%d Authorization headers to a device no auth check applies to", len(cmp.Authorization)))
		}
		if cmp.ExtraTCP > cmp.Budget {
			cmp.Violations = append(cmp.Violations, fmt.Sprintf("%d extra TCP connections over a budget of %d", cmp.ExtraTCP, cmp.Budget))
		}
		if cmp.ExtraTCP+max(cmp.ExtraUDP, 0) > cmp.Budget {
			cmp.Violations = append(cmp.Violations, fmt.Sprintf("%d extra TCP connections + %d extra UDP datagrams over a budget of %d", cmp.ExtraTCP, cmp.ExtraUDP, cmp.Budget))
		}
		if cmp.ExtraICMP > 0 {
			cmp.Violations = append(cmp.Violations, fmt.Sprintf("%d extra ICMP echo requests", cmp.ExtraICMP))
		}
		comps = append(comps, cmp)
		totTCP += cmp.ExtraTCP
		totUDP += cmp.ExtraUDP
		totReq += len(cmp.ExtraRequests)
		totAuth += len(cmp.Authorization)
		totFind += cmp.Findings
		if js != nil {
			if err := js.Encode(cmp); err != nil {
				return false, err
			}
		}
	}
	for _, c := range comps {
		fmt.Printf("  %-12s %-24s extra tcp %+d%s  udp %+d%s  requests +%d  authorization %d  budget %d  findings %d\n",
			c.Host, c.Device, c.ExtraTCP, paren(portsString(c.ExtraTCPPorts)), c.ExtraUDP, paren(portsString(c.ExtraUDPPorts)),
			len(c.ExtraRequests), len(c.Authorization), c.Budget, c.Findings)
		if c.ExtraTCP != 0 || c.ExtraUDP != 0 || len(c.ExtraRequests) > 0 || len(c.Authorization) > 0 || len(c.Violations) > 0 {
			for _, q := range c.ExtraRequests {
				fmt.Printf("      + %s\n", q)
			}
			for _, a := range c.Authorization {
				fmt.Printf("      ! %s\n", a)
			}
			if len(c.BudgetChecks) > 0 {
				fmt.Printf("      budget: %s\n", strings.Join(c.BudgetChecks, ", "))
			}
			fmt.Printf("      %s\n", findingsLine(found[c.Host]))
		}
		for _, v := range c.Violations {
			fmt.Printf("      VIOLATION %s\n", v)
		}
	}
	fmt.Printf("  totals: %d devices; run %d TCP connections vs baseline %d: %+d extra TCP connections, %+d extra UDP datagrams, %d extra request lines, %d Authorization headers (baseline: %d), %d findings\n",
		len(hosts), sumTCP(run), totBaseTCP, totTCP, totUDP, totReq, totAuth, baseAuth, totFind)

	// PASS/FAIL lines.
	ok := true
	assert := func(cond bool, format string, args ...any) {
		if !cond {
			ok = false
		}
		fmt.Printf("%s %s: %s\n", passFail(cond), profile, fmt.Sprintf(format, args...))
	}
	var badMethod, overBudget, overBudgetUDP, badAuth, icmp []string
	for _, c := range comps {
		for _, v := range c.Violations {
			switch {
			case strings.HasPrefix(v, "extra request"):
				badMethod = append(badMethod, c.Host+" "+strings.TrimPrefix(v, "extra request not allowed in "+profile+": "))
			case strings.Contains(v, "UDP"):
				overBudgetUDP = append(overBudgetUDP, c.Host+" "+c.Device+": "+v)
			case strings.Contains(v, "budget"):
				overBudget = append(overBudget, c.Host+" "+c.Device+": "+v)
			case strings.Contains(v, "Authorization"):
				badAuth = append(badAuth, c.Host+" "+c.Device+": "+v)
			case strings.Contains(v, "ICMP"):
				icmp = append(icmp, c.Host+" "+c.Device+": "+v)
			}
		}
	}
	if profile == "safe" {
		assert(len(badMethod) == 0, "every extra request line is a GET (%d extra lines)%s", totReq, list(badMethod))
		assert(totAuth == 0 && baseAuth == 0, "no Authorization header in the safe capture beyond the baseline (%d; baseline %d)%s", totAuth, baseAuth, list(badAuth))
	} else {
		assert(len(badMethod) == 0, "every extra request line is a GET or DESCRIBE (%d extra lines)%s", totReq, list(badMethod))
		assert(len(badAuth) == 0, "Authorization headers (%d) only to devices an auth check applies to%s", totAuth, list(badAuth))
	}
	assert(len(overBudget) == 0, "extra TCP connections per device within the budget of the checks that apply (max extra %d, total-budget bound %d)%s", maxExtra(comps), totalBudget, list(overBudget))
	assert(len(overBudgetUDP) == 0, "extra TCP connections + extra UDP datagrams per device within that budget%s", list(overBudgetUDP))
	assert(len(icmp) == 0, "no extra ICMP echo requests%s", list(icmp))
	return ok, nil
}

func authStrings(a []authSeen) []string {
	var s []string
	for _, x := range a {
		s = append(s, x.String())
	}
	return s
}

func union(a, b map[string]int) map[string]bool {
	u := map[string]bool{}
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func list(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return "\n    " + strings.Join(s, "\n    ")
}

func sumTCP(c *capture) int {
	n := 0
	for _, d := range c.devices {
		n += d.TCPConns
	}
	return n
}

func maxExtra(cs []*comparison) int {
	m := 0
	for _, c := range cs {
		m = max(m, c.ExtraTCP)
	}
	return m
}
