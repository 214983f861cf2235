package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// maxFileSize bounds the config file; real ones are a few kilobytes, and a
// site list generated from an IPAM export stays far below this.
const maxFileSize = 4 << 20

// Config is the user's config file, validated: every path absolute, every
// CIDR masked. The zero Config (no file) sets nothing, so the command line
// and the built-in defaults apply. It is immutable after Load and safe for
// concurrent use.
type Config struct {
	// Path is the file the config was loaded from, as given to Load or
	// found by DefaultPath; "" when there was none.
	Path string
	// DB is the store's DSN: an absolute SQLite file path, or a
	// postgres:// (postgresql://) URL without a password. "" when not set.
	DB string
	// Sites map addresses to site names; see SiteFor.
	Sites []Site
	// Exclude lists targets that are never scanned, one token each in the
	// target syntax of package targets (addresses, CIDRs, octet ranges,
	// hostnames). Hostnames are checked for syntax only and resolved when a
	// scan is planned.
	Exclude []string
	// Rate is the default for --rate, new connections or packets per second
	// overall; 0 when not set.
	Rate float64
	// HostRate is the default for --host-rate, new connections or packets
	// per second to one host; 0 when not set.
	HostRate float64
	// HostConcurrency is the default for --host-concurrency, connections
	// open to one host at once; 0 when not set.
	HostConcurrency int
	// Policy lists policy pack files (--policy), absolute paths.
	Policy []string
	// Rules lists extra fingerprint rule directories (--rules), absolute
	// paths.
	Rules []string

	siteTable siteTable
}

// fileDoc is the schema of the config file. Pointers tell "absent" from
// zero, so that "rate: 0" is an error rather than "not set".
type fileDoc struct {
	DB              *string   `yaml:"db"`
	Sites           []siteDoc `yaml:"sites"`
	Exclude         []string  `yaml:"exclude"`
	Rate            *float64  `yaml:"rate"`
	HostRate        *float64  `yaml:"host_rate"`
	HostConcurrency *int      `yaml:"host_concurrency"`
	Policy          []string  `yaml:"policy"`
	// Rules is one directory or a list of them; decoded loosely and
	// checked by hand so that both spellings give precise errors.
	Rules any `yaml:"rules"`

	// Secrets named here only to refuse them with a better message than
	// "unknown field".
	SNMPCommunities any `yaml:"snmp_communities"`
	SNMPCommunity   any `yaml:"snmp_community"`
}

type siteDoc struct {
	Name        string   `yaml:"name"`
	CIDRs       []string `yaml:"cidrs"`
	Description string   `yaml:"description"`
}

// DefaultPath returns where the config file is looked for when --config is
// not given: $XDG_CONFIG_HOME/covered/config.yaml, or
// ~/.config/covered/config.yaml when XDG_CONFIG_HOME is unset or relative
// (the XDG spec says to ignore relative values). It is the same on every
// OS, unlike os.UserConfigDir, so that docs and scripts can name one path.
func DefaultPath() (string, error) {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "covered", "config.yaml"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find config file: %w", err)
	}
	return filepath.Join(home, ".config", "covered", "config.yaml"), nil
}

// Load reads and validates the config file at path. explicit says the user
// named the file (--config FILE): then a missing file is an error. Otherwise
// path is the default location (DefaultPath is used when path is ""), and a
// missing file gives the zero Config, since most users never write one.
//
// Validation errors are *Error values naming file, line and field, joined
// with errors.Join when there are several.
func Load(path string, explicit bool) (*Config, error) {
	if path == "" {
		if explicit {
			return nil, errors.New("config: empty file name")
		}
		p, err := DefaultPath()
		if err != nil {
			return &Config{}, nil // no home directory, so no default file
		}
		path = p
	}
	src, err := readFile(path)
	if err != nil {
		if !explicit && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
			return &Config{}, nil
		}
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return parse(path, src, resolver{dir: filepath.Dir(abs), home: os.UserHomeDir})
}

// readFile reads at most maxFileSize bytes of a config file.
func readFile(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open config file: %w", err)
	}
	defer fh.Close()
	src, err := io.ReadAll(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read config file %s: %w", path, err)
	}
	if len(src) > maxFileSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("larger than %d bytes", maxFileSize)}
	}
	return src, nil
}

// parse decodes and validates a config file held in memory; name is used in
// errors and r resolves the paths in it.
func parse(name string, src []byte, r resolver) (*Config, error) {
	f, err := parseYAML(name, src)
	if err != nil {
		return nil, err
	}
	c := &Config{Path: name}
	if f.body() == nil {
		return c, nil // empty or only comments: nothing set
	}
	var d fileDoc
	if err := f.decode(&d); err != nil {
		return nil, err
	}
	v := validator{f: f, r: r, c: c}
	v.secrets(d)
	v.db(d.DB)
	v.sites(d.Sites)
	v.exclude(d.Exclude)
	c.Rate = v.rate("rate", d.Rate)
	c.HostRate = v.rate("host_rate", d.HostRate)
	if d.HostConcurrency != nil && v.number("host_concurrency", true) {
		if *d.HostConcurrency <= 0 {
			v.errorf("host_concurrency", "must be a positive integer, got %d", *d.HostConcurrency)
		}
		c.HostConcurrency = *d.HostConcurrency
	}
	for i, p := range d.Policy {
		c.Policy = append(c.Policy, v.path(fmt.Sprintf("policy[%d]", i), p))
	}
	v.rules(d.Rules)
	if len(v.errs) > 0 {
		return nil, errors.Join(v.errs...)
	}
	c.siteTable = buildSiteTable(c.Sites)
	return c, nil
}
