package targets

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePorts(t *testing.T) {
	tests := []struct {
		name, spec string
		tcp, udp   []uint16
		canonical  string
	}{
		{"single", "22", []uint16{22}, nil, "22"},
		{"list sorted and deduplicated", "80,22,80,23", []uint16{22, 23, 80}, nil, "22-23,80"},
		{"range", "1000-1003", []uint16{1000, 1001, 1002, 1003}, nil, "1000-1003"},
		{"design example", "22,80,U:161", []uint16{22, 80}, []uint16{161}, "22,80,U:161"},
		{"prefix lasts until the next", "22,U:161,1900,T:8000-8002,443", []uint16{22, 443, 8000, 8001, 8002}, []uint16{161, 1900}, "22,443,8000-8002,U:161,1900"},
		{"udp only", "U:37020,37810", nil, []uint16{37020, 37810}, "U:37020,37810"},
		{"explicit T first", "T:22,U:22", []uint16{22}, []uint16{22}, "22,U:22"},
		{"lowercase prefix", "u:53", nil, []uint16{53}, "U:53"},
		{"spaces", " 22 , 80 ,U: 161", []uint16{22, 80}, []uint16{161}, "22,80,U:161"},
		{"open left", "-3", []uint16{1, 2, 3}, nil, "1-3"},
		{"open right", "65533-", []uint16{65533, 65534, 65535}, nil, "65533-65535"},
		{"overlapping ranges", "5-8,7-10,U:5-6,6-7", []uint16{5, 6, 7, 8, 9, 10}, []uint16{5, 6, 7}, "5-10,U:5-7"},
		{"printer ports accepted", "9100-9102", []uint16{9100, 9101, 9102}, nil, "9100-9102"},
		{"leading zeros", "080", []uint16{80}, nil, "80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePorts(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(Ports{TCP: tt.tcp, UDP: tt.udp}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if s := got.String(); s != tt.canonical {
				t.Errorf("String() = %q, want %q", s, tt.canonical)
			}
		})
	}
}

func TestParsePortsAll(t *testing.T) {
	for _, spec := range []string{"-", "1-65535", "T:-"} {
		p, err := ParsePorts(spec)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.TCP) != 65535 || p.TCP[0] != 1 || p.TCP[65534] != 65535 || len(p.UDP) != 0 {
			t.Errorf("%q: %d TCP ports %d..%d, %d UDP", spec, len(p.TCP), p.TCP[0], p.TCP[len(p.TCP)-1], len(p.UDP))
		}
		if p.String() != "1-65535" {
			t.Errorf("%q: String() = %q", spec, p.String())
		}
	}
	p, err := ParsePorts("U:-")
	if err != nil || len(p.UDP) != 65535 || len(p.TCP) != 0 || p.Len() != 65535 {
		t.Errorf("U:- = %d TCP %d UDP, %v", len(p.TCP), len(p.UDP), err)
	}
}

func TestParsePortsErrors(t *testing.T) {
	tests := []struct{ name, spec, want string }{
		{"empty", "", `ports "": "": empty entry`},
		{"empty entry", "22,,80", `ports "22,,80": "": empty entry`},
		{"trailing comma", "22,", `ports "22,": "": empty entry`},
		{"prefix alone", "22,U:", `ports "22,U:": "": empty entry`},
		{"port zero", "0", `ports "0": "0": port 0 is not a port a service listens on`},
		{"range from zero", "0-10", `ports "0-10": "0-10": port 0 is not a port a service listens on`},
		{"too big", "65536", `ports "65536": "65536": port 65536 is more than 65535`},
		{"far too big", "U:99999999999999999999", `ports "U:99999999999999999999": "99999999999999999999": port 99999999999999999999 is more than 65535`},
		{"range end too big", "1-70000", `ports "1-70000": "1-70000": port 70000 is more than 65535`},
		{"backwards", "2000-1000", `ports "2000-1000": "2000-1000": range 2000-1000 runs backwards`},
		{"service name", "http", `ports "http": "http": "http" is not a port number (service names are not supported)`},
		{"negative", "--5", `ports "--5": "--5": "-5" is not a port number (service names are not supported)`},
		{"sctp", "T:80,S:9", `ports "T:80,S:9": "S:9": SCTP (S:) and IP protocol (P:) lists are not supported`},
		{"unknown prefix", "X:9", `ports "X:9": "X:9": unknown prefix "X:" (want T: or U:)`},
		{"space inside", "22 80", `ports "22 80": "22 80": "22 80" is not a port number (service names are not supported)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePorts(tt.spec)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestIsPrinterPort(t *testing.T) {
	for p := range uint32(65536) {
		want := p >= 9100 && p <= 9107
		if got := IsPrinterPort(uint16(p)); got != want {
			t.Errorf("IsPrinterPort(%d) = %v", p, got)
		}
	}
}

func TestPortsStringEmpty(t *testing.T) {
	if s := (Ports{}).String(); s != "" || strings.Contains(s, "U:") {
		t.Errorf("empty Ports String() = %q", s)
	}
}
