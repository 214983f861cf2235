package httpprobe

import (
	"slices"
	"strings"
	"testing"
)

func TestTitle(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"plain", "<html><head><title>WEB SERVICE</title></head>", "WEB SERVICE"},
		{"upper case tags", "<TITLE>Hikvision</TITLE>", "Hikvision"},
		{"attributes", `<title lang="en">DVR Components Download</title>`, "DVR Components Download"},
		{"white space collapsed", "<title>\r\n\t  Welcome to   nginx!\n</title>", "Welcome to nginx!"},
		{"entities decoded", "<title>AT&amp;T &lt;Gateway&gt; &#169;</title>", "AT&T <Gateway> ©"},
		{"empty", "<title></title>", ""},
		{"unclosed", "<title>never ends", ""},
		{"no title", "<html><body>hi</body></html>", ""},
		{"first of two", "<title>a</title><title>b</title>", "a"},
		{"not a title tag", "<titlebar>x</titlebar><title>real</title>", "real"},
		{"ends in tag name", "<title", ""},
		{"non-UTF-8 kept", "<title>\xc9\xe3\xcf\xf1\xbb\xfa</title>", "\xc9\xe3\xcf\xf1\xbb\xfa"},
		{"capped", "<title>" + strings.Repeat("x", 2*MaxTitle) + "</title>", strings.Repeat("x", MaxTitle)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Title([]byte(tc.body)); got != tc.want {
				t.Errorf("Title(%q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

func TestIconLinks(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"icon", `<link rel="icon" href="/f.ico">`, []string{"/f.ico"}},
		{"shortcut icon, caps, single quotes", `<LINK REL='Shortcut Icon' HREF='f.ico'>`, []string{"f.ico"}},
		{"unquoted", `<link rel=icon href=/a/b.png type=image/png>`, []string{"/a/b.png"}},
		{"self-closing", `<link href="x.ico" rel="icon"/>`, []string{"x.ico"}},
		{"stylesheet ignored", `<link rel="stylesheet" href="s.css"><link rel="icon" href="i.ico">`, []string{"i.ico"}},
		{"apple-touch-icon ignored", `<link rel="apple-touch-icon" href="t.png">`, nil},
		{"entity in href", `<link rel="icon" href="/f.ico?a=1&amp;b=2">`, []string{"/f.ico?a=1&b=2"}},
		{"empty href", `<link rel="icon" href="  ">`, nil},
		{"first attribute wins", `<link rel="icon" href="a.ico" href="b.ico">`, []string{"a.ico"}},
		{"not a link tag", `<linkage rel="icon" href="no.ico">`, nil},
		{"unterminated", `<link rel="icon" href="/x.ico`, []string{"/x.ico"}},
		{"several", `<link rel=icon href=1><p><link rel="icon" href="2">`, []string{"1", "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := iconLinks([]byte(tc.body)); !slices.Equal(got, tc.want) {
				t.Errorf("iconLinks(%q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

func TestHeaderBlock(t *testing.T) {
	for _, tc := range []struct {
		name   string
		raw    string
		final  int
		want   string
		wantOK bool
	}{
		{"crlf", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody", 200, "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", true},
		{"bare lf", "HTTP/1.0 200 OK\nServer: x\n\nbody", 200, "HTTP/1.0 200 OK\nServer: x\n\n", true},
		{"interim 100 skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nb", 200, "HTTP/1.1 200 OK\r\n\r\n", true},
		{"101 kept when final", "HTTP/1.1 101 Switching\r\n\r\n", 101, "HTTP/1.1 101 Switching\r\n\r\n", true},
		{"incomplete", "HTTP/1.1 200 OK\r\nServer: x\r\n", 200, "", false},
		{"only interim", "HTTP/1.1 100 Continue\r\n\r\n", 200, "", false},
		{"body has a blank line too", "HTTP/1.1 200 OK\r\n\r\na\r\n\r\nb", 200, "HTTP/1.1 200 OK\r\n\r\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := headerBlock([]byte(tc.raw), tc.final)
			if string(got) != tc.want || ok != tc.wantOK {
				t.Errorf("headerBlock = %q, %v; want %q, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	names := func(vs []vendor) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.name)
		}
		return out
	}
	for _, tc := range []struct {
		name, root string
		want       []string
	}{
		{"no hint asks all", "HTTP/1.1 200 OK\r\nServer: lighttpd\r\n\r\n<title>Login</title>", []string{"hikvision", "dahua", "huawei", "zte"}},
		{"hikvision server", "HTTP/1.1 401 Unauthorized\r\nServer: DVRDVS-Webs\r\n\r\n", []string{"hikvision"}},
		{"dahua p3p", "HTTP/1.1 200 OK\r\nP3P: CP=CAO PSA OUR\r\n\r\n", []string{"dahua"}},
		{"huawei realm", "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"HuaweiHomeGateway\"\r\n\r\n", []string{"huawei"}},
		{"zte server", "HTTP/1.1 200 OK\r\nServer: ZTE web server 1.0 ZTE corp 2015.\r\n\r\n", []string{"zte"}},
		{"two makers named", "HTTP/1.1 200 OK\r\n\r\nHikvision and Dahua compatible NVR", []string{"hikvision", "dahua"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(plan([]byte(tc.root))); !slices.Equal(got, tc.want) {
				t.Errorf("plan = %q, want %q", got, tc.want)
			}
		})
	}
}
