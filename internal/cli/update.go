package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/kev"
	"github.com/coveredtool/covered/internal/oui"
	"github.com/coveredtool/covered/internal/pen"
	"github.com/spf13/cobra"
)

// Public sources of the lookup tables, for `covered update`.
var (
	ieeeURLs = []string{
		"https://standards-oui.ieee.org/oui/oui.csv",
		"https://standards-oui.ieee.org/oui28/mam.csv",
		"https://standards-oui.ieee.org/oui36/oui36.csv",
	}
	ianaURL = "https://www.iana.org/assignments/enterprise-numbers.txt"
)

// maxDownload bounds one downloaded registry file (oui.csv is ~4 MB today).
const maxDownload = 64 << 20

// dataDir is where refreshed tables live: $XDG_DATA_HOME/covered, or
// ~/.local/share/covered.
func dataDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "covered"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "covered"), nil
}

func (p Program) updateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Refresh the MAC-block and enterprise-number tables from their public sources",
		Long: `update downloads (or reads) a newer copy of a lookup table, checks it
parses, and keeps it in the data directory ($XDG_DATA_HOME/covered, or
~/.local/share/covered). Every later command uses it on top of the embedded
table, and 'covered version' shows it.`,
		Example: `  covered update oui
  covered update pen --file enterprise-numbers.txt`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var files, urls []string
	ouiCmd := &cobra.Command{
		Use:   "oui",
		Short: "Refresh the IEEE MAC address blocks (MA-L, MA-M, MA-S)",
		Example: `  covered update oui                                 # download oui.csv, mam.csv, oui36.csv from IEEE
  covered update oui --file oui.csv --file mam.csv     # files you downloaded elsewhere`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return p.update(cmd.Context(), "oui", files, urls, ieeeURLs, func(r io.Reader, name string) (int, error) {
				t, err := oui.ParseIEEECSV(r, name)
				if err != nil {
					return 0, err
				}
				return t.Info().Entries, nil
			})
		},
	}
	penCmd := &cobra.Command{
		Use:   "pen",
		Short: "Refresh the IANA Private Enterprise Numbers",
		Example: `  covered update pen
  covered update pen --file enterprise-numbers.txt`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return p.update(cmd.Context(), "pen", files, urls, []string{ianaURL}, func(r io.Reader, name string) (int, error) {
				t, err := pen.ParseIANA(r, name)
				if err != nil {
					return 0, err
				}
				return t.Info().Entries, nil
			})
		},
	}
	kevCmd := &cobra.Command{
		Use:   "kev",
		Short: "Load CISA's Known Exploited Vulnerabilities catalog (marks check findings)",
		Example: `  covered update kev
  covered update kev --file known_exploited_vulnerabilities.json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return p.update(cmd.Context(), "kev", files, urls, []string{kevURL}, func(r io.Reader, name string) (int, error) {
				c, err := kev.Parse(r, name)
				if err != nil {
					return 0, err
				}
				return c.Len(), nil
			})
		},
	}
	for _, c := range []*cobra.Command{ouiCmd, penCmd, kevCmd} {
		c.Flags().StringArrayVar(&files, "file", nil, "read the registry from `FILE` instead of downloading it (repeatable)")
		c.Flags().StringArrayVar(&urls, "url", nil, "download the registry from `URL` (repeatable; default: the official source)")
		cmd.AddCommand(c)
	}
	return cmd
}

// update fetches each source, checks it parses, and saves it under
// dataDir/table. Nothing is saved unless every source parses.
func (p Program) update(ctx context.Context, table string, files, urls, defaults []string, check func(io.Reader, string) (int, error)) error {
	if len(files) == 0 && len(urls) == 0 {
		urls = defaults
	}
	dir, err := dataDir()
	if err != nil {
		return err
	}
	dir = filepath.Join(dir, table)
	type got struct {
		name string
		data []byte
	}
	var all []got
	for _, f := range files {
		data, err := readCapped(os.Open(f))
		if err != nil {
			return fmt.Errorf("read %s: %w", f, err)
		}
		all = append(all, got{filepath.Base(f), data})
	}
	for _, u := range urls {
		data, err := download(ctx, u)
		if err != nil {
			return err
		}
		all = append(all, got{path.Base(u), data})
	}
	for _, g := range all {
		n, err := check(strings.NewReader(string(g.data)), g.name)
		if err != nil {
			return fmt.Errorf("%s: nothing saved: %w", g.name, err)
		}
		fmt.Fprintf(p.Stderr, "covered: %s: %d entries\n", g.name, n)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, g := range all {
		dst := filepath.Join(dir, g.name)
		tmp := dst + ".tmp"
		if err := os.WriteFile(tmp, g.data, 0o644); err != nil {
			return fmt.Errorf("save %s: %w", dst, err)
		}
		if err := os.Rename(tmp, dst); err != nil {
			return fmt.Errorf("save %s: %w", dst, err)
		}
		fmt.Fprintf(p.Stdout, "saved %s\n", dst)
	}
	return nil
}

func download(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, usageErr("--url %s: %v", u, err)
	}
	req.Header.Set("User-Agent", "covered/"+toolVersion())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", u, resp.Status)
	}
	data, err := readCapped(resp.Body, nil)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", u, err)
	}
	return data, nil
}

// readCapped reads at most maxDownload bytes and fails beyond that.
func readCapped(r io.ReadCloser, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxDownload+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxDownload {
		return nil, fmt.Errorf("larger than %d bytes", maxDownload)
	}
	return data, nil
}

// refreshed returns the files `covered update` saved for table, sorted.
func refreshed(table string) []string {
	dir, err := dataDir()
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir(filepath.Join(dir, table))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, filepath.Join(dir, table, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

// ouiTable is the embedded MAC-block table with any refreshed files on top.
func ouiTable() (*oui.Table, error) {
	t := oui.Builtin()
	for _, f := range refreshed("oui") {
		u, err := parseFile(f, func(r io.Reader) (*oui.Table, error) { return oui.ParseIEEECSV(r, f) })
		if err != nil {
			return nil, err
		}
		t = t.Merge(u).WithSource(t.Info().Source+" + "+f, modDate(f))
	}
	return t, nil
}

// penTable is the embedded enterprise-number table with a refreshed file on top.
func penTable() (*pen.Table, error) {
	t := pen.Builtin()
	for _, f := range refreshed("pen") {
		u, err := parseFile(f, func(r io.Reader) (*pen.Table, error) { return pen.ParseIANA(r, f) })
		if err != nil {
			return nil, err
		}
		t = t.Merge(u).WithSource(t.Info().Source+" + "+f, modDate(f))
	}
	return t, nil
}

func parseFile[T any](name string, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(name)
	if err != nil {
		return zero, fmt.Errorf("refreshed table: %w", err)
	}
	defer f.Close()
	t, err := parse(f)
	if err != nil {
		return zero, fmt.Errorf("refreshed table %s (run covered update again or delete it): %w", name, err)
	}
	return t, nil
}

func modDate(name string) string {
	st, err := os.Stat(name)
	if err != nil {
		return ""
	}
	return st.ModTime().UTC().Format("2006-01-02")
}
