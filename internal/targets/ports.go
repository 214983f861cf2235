package targets

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Ports is what to probe on each host. Both lists are sorted ascending and
// hold no duplicates; ports are 1-65535.
type Ports struct {
	TCP []uint16
	UDP []uint16
}

// Len is the number of (port, transport) pairs.
func (p Ports) Len() int { return len(p.TCP) + len(p.UDP) }

// String gives the canonical nmap -p form ("21-23,80,U:161"); ParsePorts
// reads it back to the same Ports.
func (p Ports) String() string {
	var b strings.Builder
	writeRanges(&b, p.TCP)
	if len(p.UDP) > 0 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString("U:")
		writeRanges(&b, p.UDP)
	}
	return b.String()
}

func writeRanges(b *strings.Builder, ports []uint16) {
	for i := 0; i < len(ports); {
		j := i
		for j+1 < len(ports) && ports[j+1] == ports[j]+1 {
			j++
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(ports[i])))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(int(ports[j])))
		}
		i = j + 1
	}
}

// IsPrinterPort reports whether p is a raw printing port (HP JetDirect
// 9100 and its 9101-9107 siblings). A printer prints whatever bytes arrive
// there, so the scanner must never send a probe to them; ParsePorts still
// accepts them so that the refusal is the scanner's, with its own message.
func IsPrinterPort(p uint16) bool { return p >= 9100 && p <= 9107 }

// portSet is a bitmap of the 65,536 port numbers.
type portSet [1024]uint64

func (s *portSet) addRange(lo, hi int) {
	for v := lo; v <= hi; v++ {
		s[v>>6] |= 1 << (v & 63)
	}
}

func (s *portSet) list() []uint16 {
	var out []uint16
	for w, word := range s {
		for word != 0 {
			bit := word & -word
			out = append(out, uint16(w<<6+bits.TrailingZeros64(bit)))
			word &^= bit
		}
	}
	return out
}

// ParsePorts reads an nmap -p list: comma-separated ports and ranges (N,
// N-M, -M for 1-M, N- for N-65535, - for 1-65535). "T:" and "U:" switch
// the transport for everything after them until the next switch, as in
// nmap; entries before any switch are TCP. (nmap applies unprefixed ports to
// every protocol being scanned; here UDP only carries discovery protocols,
// so unprefixed means TCP.) Port 0 and ports above 65535 are errors, and so
// are nmap's service names and S:/P: (SCTP and IP protocol) lists.
func ParsePorts(spec string) (Ports, error) {
	var tcp, udp portSet
	cur := &tcp
	for _, el := range strings.Split(spec, ",") {
		el = strings.TrimSpace(el)
		if len(el) >= 2 && el[1] == ':' {
			switch el[0] {
			case 'T', 't':
				cur = &tcp
			case 'U', 'u':
				cur = &udp
			case 'S', 's', 'P', 'p':
				return Ports{}, fmt.Errorf("ports %q: %q: SCTP (S:) and IP protocol (P:) lists are not supported", spec, el)
			default:
				return Ports{}, fmt.Errorf("ports %q: %q: unknown prefix %q (want T: or U:)", spec, el, el[:2])
			}
			el = strings.TrimSpace(el[2:])
		}
		lo, hi, err := portRange(el)
		if err != nil {
			return Ports{}, fmt.Errorf("ports %q: %q: %w", spec, el, err)
		}
		cur.addRange(lo, hi)
	}
	return Ports{TCP: tcp.list(), UDP: udp.list()}, nil
}

func portRange(el string) (lo, hi int, err error) {
	if el == "" {
		return 0, 0, errors.New("empty entry")
	}
	a, b, isRange := strings.Cut(el, "-")
	lo, hi = 1, 65535
	if a != "" {
		if lo, err = portNumber(a); err != nil {
			return 0, 0, err
		}
	}
	if !isRange {
		return lo, lo, nil
	}
	if b != "" {
		if hi, err = portNumber(b); err != nil {
			return 0, 0, err
		}
	}
	if lo > hi {
		return 0, 0, fmt.Errorf("range %d-%d runs backwards", lo, hi)
	}
	return lo, hi, nil
}

func portNumber(s string) (int, error) {
	if strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a port number (service names are not supported)", s)
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil || n > 65535:
		return 0, fmt.Errorf("port %s is more than 65535", s)
	case n == 0:
		return 0, errors.New("port 0 is not a port a service listens on")
	}
	return n, nil
}
