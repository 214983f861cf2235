package targets

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestReadList(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"comments and blank lines", "# site A\n\n192.0.2.1\n   # indented comment\n", []string{"192.0.2.1"}},
		{"several per line", "192.0.2.1 192.0.2.2\t2001:db8::/126\r\ncam.example # the lobby camera\n",
			[]string{"192.0.2.1", "192.0.2.2", "2001:db8::/126", "cam.example"}},
		{"comment glued to entry", "192.0.2.0/30#core\n", []string{"192.0.2.0/30"}},
		{"no final newline", "127.0.1-3.1", []string{"127.0.1-3.1"}},
		{"range syntax kept verbatim", "10.0.0,2.1 192.0.2.-", []string{"10.0.0,2.1", "192.0.2.-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadList(strings.NewReader(tt.in), "hosts.txt")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadListErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bad entry", "192.0.2.1\n# ok\n192.0.2.1 192.0.2.300\n",
			`hosts.txt:3: target "192.0.2.300": octet 4 "300": 300 is more than 255`},
		{"bad hostname", "cam.example\nbad!name\n", `hosts.txt:2: target "bad!name": not an IP address, range, CIDR or hostname`},
		{"invalid utf-8", "192.0.2.1\n\xff\xfe\n", `hosts.txt:2: not valid UTF-8`},
		{"line too long", "192.0.2.1\n" + strings.Repeat("a", maxLine+1) + "\n", `hosts.txt:2: line longer than 65536 bytes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadList(strings.NewReader(tt.in), "hosts.txt")
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestReadListReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := ReadList(iotest.ErrReader(boom), "-")
	if !errors.Is(err, boom) || err.Error() != "-:1: read: disk on fire" {
		t.Errorf("err = %v", err)
	}
}

func TestReadListSizeLimit(t *testing.T) {
	defer func(old int) { maxListEntries = old }(maxListEntries)
	maxListEntries = 10
	in := strings.Repeat("192.0.2.1 192.0.2.2\n", 6)
	_, err := ReadList(strings.NewReader(in), "big.txt")
	if want := "big.txt:6: more than 10 entries"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestSplitExclude(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"192.0.2.1", []string{"192.0.2.1"}},
		{"192.0.2.1,192.0.2.8/29, cam.example,", []string{"192.0.2.1", "192.0.2.8/29", "cam.example"}},
		{"10.0.0,2.1", []string{"10.0.0", "2.1"}}, // nmap splits octet lists too
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, SplitExclude(tt.in)); diff != "" {
			t.Errorf("SplitExclude(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
