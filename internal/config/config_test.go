package config_test

import (
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/coveredtool/covered/internal/config"
)

// cmpConfig compares Configs by their exported fields.
var cmpConfig = []cmp.Option{
	cmpopts.IgnoreUnexported(config.Config{}),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
	cmpopts.EquateEmpty(),
}

func TestExample(t *testing.T) {
	t.Setenv("HOME", "/home/ada")
	c, err := config.Load("testdata/example.yaml", true)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	want := &config.Config{
		Path: "testdata/example.yaml",
		DB:   "/home/ada/.local/share/covered/covered.db",
		Sites: []config.Site{
			{Name: "hq", Description: "Headquarters campus", CIDRs: []netip.Prefix{
				netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("2001:db8:1::/48")}},
			{Name: "hq-lab", Description: "Test lab inside the HQ network", CIDRs: []netip.Prefix{
				netip.MustParsePrefix("10.1.200.0/24"), netip.MustParsePrefix("2001:db8:1:c8::/64")}},
			{Name: "warehouse", CIDRs: []netip.Prefix{netip.MustParsePrefix("192.168.50.0/24")}},
		},
		Exclude:         []string{"10.1.0.1", "10.1.5.0/24", "10.1.9.10-20", "pacs.example.internal"},
		Rate:            500,
		HostRate:        20,
		HostConcurrency: 2,
		Policy:          []string{filepath.Join(dir, "packs", "internal-blocklist.yaml")},
		Rules:           []string{filepath.Join(dir, "rules.d")},
	}
	if diff := cmp.Diff(want, c, cmpConfig...); diff != "" {
		t.Errorf("example config (-want +got):\n%s", diff)
	}
	for addr, site := range map[string]string{
		"10.1.2.3":              "hq",
		"10.1.200.7":            "hq-lab",
		"::ffff:10.1.200.7":     "hq-lab",
		"2001:db8:1:c8::1":      "hq-lab",
		"2001:db8:1:c9::1":      "hq",
		"192.168.50.1":          "warehouse",
		"192.168.51.1":          "",
		"2001:db8:2::1":         "",
		"fe80::1%eth0":          "",
		"10.2.0.1":              "",
		"255.255.255.255":       "",
		"ffff:ffff:ffff:ffff::": "",
	} {
		if got := c.SiteFor(netip.MustParseAddr(addr)); got != site {
			t.Errorf("SiteFor(%s) = %q, want %q", addr, got, site)
		}
	}
	if s, ok := c.Site("hq-lab"); !ok || s.Description != "Test lab inside the HQ network" {
		t.Errorf("Site(hq-lab) = %+v, %v", s, ok)
	}
	if _, ok := c.Site("nowhere"); ok {
		t.Error("Site(nowhere) found")
	}
}

// TestInvalid asserts the exact error for each bad file, so that the file,
// line and field a user sees stay right.
func TestInvalid(t *testing.T) {
	t.Setenv("HOME", "/home/ada")
	tests := []struct {
		file string
		want []string // one line per error
	}{
		{"invalid-unknown-field.yaml", []string{"3: sites[0].cidr: unknown field"}},
		{"invalid-secret.yaml", []string{`2: snmp_communities: secrets do not belong in the config file; ` +
			`pass SNMP communities with --snmp-community, e.g. --snmp-community "$SNMP_COMMUNITY" to take one from an environment variable`}},
		{"invalid-cidr.yaml", []string{
			`5: sites[0].cidrs[1]: invalid CIDR "10.0.0.0/33": prefix length out of range`,
			`6: sites[0].cidrs[2]: "10.1.2.3/16" has host bits set; the network is 10.1.0.0/16`,
			`7: sites[0].cidrs[3]: invalid CIDR "fe80::1%eth0": zoned addresses are interfaces, not networks`,
		}},
		{"invalid-site-name.yaml", []string{
			"4: sites[1].name: missing: every site needs a name",
			`5: sites[2].name: duplicate site name "hq" (also sites[0])`,
		}},
		{"invalid-duplicate-prefix.yaml", []string{
			`5: sites[1].cidrs[1]: 2001:db8::/32 is already in site "hq" (sites[0]); a prefix can belong to one site only`,
			"7: sites[2].cidrs[1]: 192.0.2.0/24 listed twice",
		}},
		{"invalid-exclude.yaml", []string{
			`3: exclude[1]: target "10.0.0.300": octet 4 "300": 300 is more than 255`,
			"4: exclude[2]: empty entry",
			`5: exclude[3]: target "bad_host!": not an IP address, range, CIDR or hostname`,
		}},
		{"invalid-rate.yaml", []string{
			"1: rate: must be a positive number (per second), got 0",
			"2: host_rate: must be a positive number (per second), got -1",
			"3: host_concurrency: must be a positive integer, got 0",
		}},
		{"invalid-rate-inf.yaml", []string{
			"1: rate: must be a positive number (per second), got +Inf",
			"2: host_rate: must be a positive number (per second), got NaN",
		}},
		{"invalid-type.yaml", []string{
			`1: rate: expected a number, got "500"`,
			`3: host_concurrency: expected an integer, got "2.5"`,
		}},
		{"invalid-type-decode.yaml", []string{`1: host_rate: expected a number, got "fast"`}},
		{"invalid-db-scheme.yaml", []string{`1: db: unsupported DSN scheme "mysql": use a SQLite file path or a postgres:// URL`}},
		{"invalid-db-password.yaml", []string{"2: db: the postgres URL contains a password; secrets do not belong in the config file: " +
			"set PGPASSWORD or use a ~/.pgpass file"}},
		{"invalid-syntax.yaml", []string{"3: sites: sequence end token ']' not found"}},
		{"invalid-duplicate-key.yaml", []string{`4: sites: mapping key "name" already defined at [3:5]`}},
		{"invalid-rules.yaml", []string{"1: rules: expected a directory or a list of directories, got a mapping"}},
		{"invalid-rules-item.yaml", []string{`3: rules[1]: expected a directory name, got "42"`}},
		{"invalid-path.yaml", []string{
			"2: policy[0]: empty path",
			`3: policy[1]: "~bob/packs/a.yaml": only ~ and ~/... are expanded, not ~user; write the full path`,
		}},
		{"invalid-toplevel.yaml", []string{"1: expected a mapping, got a list"}},
		{"invalid-multidoc.yaml", []string{"3: more than one YAML document"}},
	}
	files, err := filepath.Glob("testdata/invalid-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("%d invalid-*.yaml files but %d test cases", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := "testdata/" + tt.file
			c, err := config.Load(path, true)
			if err == nil {
				t.Fatalf("no error; got %+v", c)
			}
			want := path + ":" + strings.Join(tt.want, "\n"+path+":")
			if got := err.Error(); got != want {
				t.Errorf("error\n got: %s\nwant: %s", got, want)
			}
			var e *config.Error
			if !errors.As(err, &e) || e.File != path || e.Line == 0 {
				t.Errorf("error is not an *Error with file and line: %#v", err)
			}
		})
	}
}

// write puts body into dir/name and returns the path.
func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPaths(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		want       config.Config
	}{
		{"tilde", "db: ~/covered.db\npolicy: [~/packs/a.yaml]\nrules: \"~\"\n", config.Config{
			DB: filepath.Join(home, "covered.db"), Policy: []string{filepath.Join(home, "packs", "a.yaml")}, Rules: []string{home}}},
		{"relative to the config file", "db: data/covered.db\npolicy: [a.yaml, ../b.yaml, ./c/../d.yaml]\nrules: [r1, /opt/rules]\n", config.Config{
			DB: filepath.Join(dir, "data", "covered.db"),
			Policy: []string{filepath.Join(dir, "a.yaml"), filepath.Join(filepath.Dir(dir), "b.yaml"),
				filepath.Join(dir, "d.yaml")},
			Rules: []string{filepath.Join(dir, "r1"), "/opt/rules"}}},
		{"absolute cleaned", "db: /var/lib/covered//x/../covered.db\n", config.Config{DB: "/var/lib/covered/covered.db"}},
		{"postgres URL kept", "db: postgres://covered@db.example:5432/covered?sslmode=verify-full\n", config.Config{
			DB: "postgres://covered@db.example:5432/covered?sslmode=verify-full"}},
		{"postgresql URL kept", "db: postgresql://db.example/covered\n", config.Config{DB: "postgresql://db.example/covered"}},
		{"tilde-looking file name in a directory", "db: data/~x.db\n", config.Config{DB: filepath.Join(dir, "data", "~x.db")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, dir, "config.yaml", tt.yaml)
			c, err := config.Load(path, true)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Path = path
			if diff := cmp.Diff(&tt.want, c, cmpConfig...); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRelativeConfigPath checks that a config named by a relative path
// resolves its paths against its own directory, made absolute.
func TestRelativeConfigPath(t *testing.T) {
	c, err := config.Load("testdata/example.yaml", true)
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(wd, "testdata", "rules.d"); len(c.Rules) != 1 || c.Rules[0] != want {
		t.Errorf("Rules = %q, want [%q]", c.Rules, want)
	}
}

func TestDBErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ yaml, want string }{
		{"db: postgres://db.example/covered?password=x\n", "1: db: the postgres URL contains a password"},
		{"db: postgres://u:@db.example/covered\n", "1: db: the postgres URL contains a password"},
		{"db: 'postgres://db.example:port/covered'\n", `1: db: invalid postgres URL: invalid port ":port" after host`},
		{"db: ''\n", "1: db: empty path"},
		{"\n\ndb: ~\n", ""}, // YAML null: not set
	}
	t.Setenv("HOME", dir)
	for _, tt := range tests {
		path := write(t, dir, "config.yaml", tt.yaml)
		_, err := config.Load(path, true)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.yaml, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), path+":"+tt.want)):
			t.Errorf("%q: error %v, want %s:%s...", tt.yaml, err, path, tt.want)
		}
	}
}

func TestHomeUnknown(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", "")
	path := write(t, dir, "config.yaml", "rate: 5\nrules: ~/rules\n")
	_, err := config.Load(path, true)
	if err == nil || !strings.HasPrefix(err.Error(), path+`:2: rules: expand "~/rules": `) {
		t.Errorf("Load with no home: %v", err)
	}
}

func TestExclude(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "c.yaml", "exclude:\n  - 10.0.0.1, 10.0.0.2/31 ,gw.example.\n  - 2001:db8::/64\n  - 10.0.1-3.*\n  - printer_7.corp\n")
	c, err := config.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.1", "10.0.0.2/31", "gw.example.", "2001:db8::/64", "10.0.1-3.*", "printer_7.corp"}
	if diff := cmp.Diff(want, c.Exclude); diff != "" {
		t.Errorf("Exclude (-want +got):\n%s", diff)
	}
}

func TestEmptyFile(t *testing.T) {
	dir := t.TempDir()
	for _, body := range []string{"", "\n\n", "# nothing yet\n", "---\n", "---\n# only a comment\n"} {
		path := write(t, dir, "c.yaml", body)
		c, err := config.Load(path, true)
		if err != nil {
			t.Errorf("%q: %v", body, err)
			continue
		}
		if diff := cmp.Diff(&config.Config{Path: path}, c, cmpConfig...); diff != "" {
			t.Errorf("%q (-want +got):\n%s", body, diff)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope", "config.yaml")
	notDir := filepath.Join(write(t, dir, "file", "x"), "config.yaml")

	for _, p := range []string{missing, notDir} {
		c, err := config.Load(p, false)
		if err != nil || c == nil || c.Path != "" || c.SiteFor(netip.MustParseAddr("10.0.0.1")) != "" {
			t.Errorf("Load(%s, default) = %+v, %v; want the zero Config", p, c, err)
		}
	}
	_, err := config.Load(missing, true)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(missing, explicit) = %v; want an error naming %s", err, missing)
	}
	if _, err := config.Load("", true); err == nil {
		t.Error(`Load("", explicit) succeeded`)
	}
	// A default file that exists but is unreadable is an error, not a
	// silent zero config: the user wrote it and expects it to apply.
	if _, err := config.Load(dir, false); err == nil {
		t.Error("Load(directory, default) succeeded")
	}
}

func TestDefaultPath(t *testing.T) {
	home, xdg := t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct{ xdg, want string }{
		{xdg, filepath.Join(xdg, "covered", "config.yaml")},
		{"", filepath.Join(home, ".config", "covered", "config.yaml")},
		{"relative/dir", filepath.Join(home, ".config", "covered", "config.yaml")},
	}
	for _, tt := range tests {
		t.Setenv("XDG_CONFIG_HOME", tt.xdg)
		if got, err := config.DefaultPath(); err != nil || got != tt.want {
			t.Errorf("XDG_CONFIG_HOME=%q: DefaultPath() = %q, %v; want %q", tt.xdg, got, err, tt.want)
		}
	}

	// Load("", false) finds the default file.
	t.Setenv("XDG_CONFIG_HOME", xdg)
	if c, err := config.Load("", false); err != nil || c.Path != "" {
		t.Errorf("no default file: %+v, %v", c, err)
	}
	path := write(t, xdg, "covered/config.yaml", "host_concurrency: 3\n")
	c, err := config.Load("", false)
	if err != nil || c.Path != path || c.HostConcurrency != 3 {
		t.Errorf("default file: %+v, %v", c, err)
	}
	// A bad default file is reported: it is the user's, just not named.
	write(t, xdg, "covered/config.yaml", "host_concurency: 3\n")
	if _, err := config.Load("", false); err == nil || err.Error() != path+":1: host_concurency: unknown field" {
		t.Errorf("bad default file: %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "big.yaml", "# "+strings.Repeat("x", 4<<20)+"\n")
	if _, err := config.Load(path, true); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Load(big) = %v", err)
	}
}

// TestDocsShowExample keeps docs/config.md's example identical to the one
// TestExample loads, so the documented example is always valid.
func TestDocsShowExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Skipf("docs not available: %v", err)
	}
	ex, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "```yaml\n"+string(ex)+"```\n") {
		t.Error("docs/config.md does not show testdata/example.yaml verbatim in a yaml block")
	}
}
