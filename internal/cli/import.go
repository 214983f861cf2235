package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/classify"
	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/all" // the built-in formats
	"github.com/coveredtool/covered/internal/obsfile"
	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/store"
	"github.com/spf13/cobra"
)

// importFlags are the options of `covered import`.
type importFlags struct {
	list         bool
	noStore      bool
	site         string
	observations string
	columns      []string // --map FIELD=COLUMN
	asnDB        []string
	asnPrefixes  []string
}

func (p Program) importCmd() *cobra.Command {
	var (
		f    importFlags
		out  outFlags
		know knowFlags
		fail failOn
	)
	cmd := &cobra.Command{
		Use:   "import [FORMAT] FILE...",
		Short: "Turn files other tools wrote into observations, identify them, and record a run",
		Long: `import reads files the organization already has (scanner output, DHCP leases,
ARP tables, covered's own observation files...) as observations, identifies
every host in them like a scan would, and records the import as a run in the
store (--no-store to skip). The format is detected from each file's start
unless named first; 'covered import --list' shows the formats with an example
each. A bad record is reported as FILE:LINE and the rest is still imported;
the run counts how many records failed (exit status 4).

Inventory exports (CSV, XLSX) are read by their header; --map FIELD=COLUMN
names the column of a field (manufacturer, model, serial, imei, mac, ip,
hostname) when detection does not find it. Flow records (nfdump CSV, AWS VPC
flow logs) need an IP-to-ASN database (--asn-db, MaxMind format) or prefix
lists (--asn-prefixes, "CIDR ASN" lines or ipverse aggregated.json) to tell
which remote addresses are the covered carriers' networks.`,
		Example: `  covered import --list
  covered import scan.xml                      # nmap -sV -oX scan.xml
  covered import dhcpd.leases access.log
  covered import observations - < obs.jsonl
  covered import --map serial="Serial No" assets.xlsx
  covered import --asn-db GeoLite2-ASN.mmdb nfcapd.csv
  covered import --site branch-7 --format csv -o found.csv leases.jsonl`,
		Args: args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, a []string) error {
			if f.list {
				return p.listFormats(&out)
			}
			threshold, err := fail.status()
			if err != nil {
				return err
			}
			if err := p.configKnowledge(cmd, &know); err != nil {
				return err
			}
			return p.importFiles(cmd.Context(), a, &f, &out, &know, threshold)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.list, "list", false, "list the formats, with an example each")
	fl.BoolVar(&f.noStore, "no-store", false, "do not record the import in the inventory store (--db)")
	fl.StringVar(&f.site, "site", "", "record the import under site `NAME`")
	fl.StringVar(&f.observations, "observations", "", "also write the observations read to `FILE` (JSON Lines)")
	fl.StringArrayVar(&f.columns, "map", nil, "inventory column of a field, `FIELD=COLUMN` (repeatable)")
	fl.StringArrayVar(&f.asnDB, "asn-db", nil, "MaxMind-format IP-to-ASN database `FILE` for flow records (repeatable)")
	fl.StringArrayVar(&f.asnPrefixes, "asn-prefixes", nil, "prefix list `FILE` (CIDR ASN lines, ipverse aggregated.json) for flow records (repeatable)")
	out.register(cmd)
	know.register(cmd)
	fail.register(cmd)
	return cmd
}

// formatRow is one line of `covered import --list`; JSON output encodes it.
type formatRow struct {
	Format      string `json:"format"`
	Description string `json:"description"`
	Example     string `json:"example"`
}

func (p Program) listFormats(out *outFlags) error {
	var rows []formatRow
	for _, f := range importer.Formats() {
		rows = append(rows, formatRow{f.Name(), f.Description(), f.Example()})
	}
	return writeRows(p, out, []output.Column[formatRow]{
		{Name: "format", Value: func(f formatRow) string { return f.Format }},
		{Name: "description", Value: func(f formatRow) string { return f.Description }},
		{Name: "example", Value: func(f formatRow) string { return f.Example }, Wide: true},
	}, rows)
}

// importBatch is how many observations, or identifications, one store
// transaction takes: observations go in as they are read, identifications
// once every file is read (a host's evidence may be anywhere in them). A
// variable so that the crash test can commit often.
var importBatch = 10_000

func (p Program) importFiles(ctx context.Context, args []string, f *importFlags, out *outFlags, know *knowFlags, threshold covered.Status) error {
	var forced importer.Format
	if len(args) > 1 {
		if fm, ok := importer.Lookup(args[0]); ok {
			forced, args = fm, args[1:]
		}
	}
	if len(args) == 0 {
		return usageErr("give the files to import (- for standard input), or --list for the formats")
	}
	eng, err := newEngine(know)
	if err != nil {
		return err
	}
	opts, closeOpts, err := f.options(eng.Lists)
	if err != nil {
		return err
	}
	defer closeOpts()
	batch := eng.NewBatch()
	mem := newImportGuard()
	defer mem.release()

	var obsw *obsfile.Writer
	if f.observations != "" {
		file, err := os.Create(f.observations)
		if err != nil {
			return fmt.Errorf("create observations file: %w", err)
		}
		defer file.Close()
		obsw = obsfile.NewWriter(file)
		defer obsw.Flush()
	}
	var rec *importRecord
	if !f.noStore {
		if rec, err = p.beginImportRecord(ctx, args, forced, f, eng.Rules.Version(), eng.Lists.Version); err != nil {
			return err
		}
	}
	var failed, read int64
	readErr := func() error {
		for _, name := range args {
			fm, err := p.readImport(ctx, name, forced, opts, out.quiet, func(o covered.Observation) error {
				read++
				batch.Add(o)
				mem.tick()
				if obsw != nil {
					if err := obsw.Write(o); err != nil {
						return err
					}
				}
				if rec != nil {
					return rec.observe(ctx, o)
				}
				return nil
			}, func(e *importer.RecordError) {
				failed++
				fmt.Fprintln(p.Stderr, e.Error())
			})
			if err != nil {
				return err
			}
			if !out.quiet {
				fmt.Fprintf(p.Stderr, "covered: %s: read as %s\n", name, fm.Name())
			}
		}
		return nil
	}()
	reportUnknown(p.Stderr, batch.Unknown())

	var res outcome
	counts := map[covered.Status]int{}
	var werr error
	if readErr == nil {
		w, format, closeOut, err := out.open(p.Stdout)
		if err != nil {
			return err
		}
		rows := output.New(w, format, identificationColumns)
		batch.Each(func(id covered.Identification) bool {
			classify.Apply(eng.Lists, &id)
			counts[id.Status]++
			if threshold != "" && id.Status.Flags(threshold) {
				res.add(ExitFailOn)
			}
			if rec != nil {
				if werr = rec.identified(ctx, id); werr != nil {
					return false
				}
			}
			werr = rows.Write(id)
			return werr == nil
		})
		werr = errors.Join(werr, rows.Close(), closeOut())
	}
	if rec != nil {
		r, err := rec.finish(ctx, readErr != nil || werr != nil, store.RunCounts{Hosts: int64(batch.Len()), Observations: read, Failed: failed})
		werr = errors.Join(werr, err)
		if err == nil && !out.quiet {
			p.reportRecorded(r)
		}
	}
	if err := errors.Join(readErr, werr); err != nil {
		return err
	}
	if failed > 0 {
		fmt.Fprintf(p.Stderr, "covered: %d input record(s) rejected\n", failed)
		res.add(ExitRejected)
	}
	if !out.quiet {
		fmt.Fprintf(p.Stderr, "covered: imported %d observations of %d hosts: %d covered, %d suspected, %d not covered, %d unidentified\n",
			read, batch.Len(), counts[covered.StatusCovered], counts[covered.StatusSuspected],
			counts[covered.StatusNotCovered], counts[covered.StatusUnidentified])
	}
	return res.err()
}

// readImport reads one file in its format: the one named, else the one
// that recognizes the file's start.
func (p Program) readImport(ctx context.Context, name string, forced importer.Format, opts importer.Options, quiet bool,
	emit func(covered.Observation) error, bad func(*importer.RecordError)) (importer.Format, error) {
	var in io.Reader = p.Stdin
	seen := time.Now()
	size := int64(-1)
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		defer file.Close()
		if st, err := file.Stat(); err == nil {
			seen = st.ModTime()
			if st.Mode().IsRegular() {
				size = st.Size()
			}
		}
		in = file
	}
	in, done := readProgress(p.Stderr, quiet, name, size, in)
	defer done()
	br := bufio.NewReaderSize(in, importer.HeadSize)
	fm := forced
	if fm == nil {
		head, err := br.Peek(importer.HeadSize)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("import %s: %w", name, err)
		}
		switch found := importer.Detect(head); len(found) {
		case 0:
			return nil, usageErr("%s: not a format covered knows; name it first (covered import --list)", name)
		case 1:
			fm = found[0]
		default:
			names := make([]string, len(found))
			for i, x := range found {
				names[i] = x.Name()
			}
			return nil, usageErr("%s could be %s: name the format first", name, strings.Join(names, " or "))
		}
	}
	if err := fm.Read(ctx, br, importer.Source{Name: name, Seen: seen, Options: opts}, emit, bad); err != nil {
		return fm, fmt.Errorf("import %s as %s: %w", name, fm.Name(), err)
	}
	return fm, nil
}

// importRecord writes an import into the store: observations in batches as
// they are read, then the identifications.
type importRecord struct {
	st        *store.Store
	run       int64
	obs       []covered.Observation
	ids       []covered.Identification
	committed store.RunCounts
}

func (p Program) beginImportRecord(ctx context.Context, files []string, forced importer.Format, f *importFlags, rules, lists string) (*importRecord, error) {
	st, err := p.g.open(ctx)
	if err != nil {
		return nil, err
	}
	opts := map[string]any{"files": files}
	if forced != nil {
		opts["format"] = forced.Name()
	}
	for name, v := range map[string][]string{"map": f.columns, "asn_db": f.asnDB, "asn_prefixes": f.asnPrefixes} {
		if len(v) > 0 {
			opts[name] = v
		}
	}
	site := f.site
	run, err := st.BeginRun(ctx, store.Run{Kind: store.RunImport, Site: site, Scope: []string{}, Exclusions: []string{},
		Options: opts, ToolVersion: toolVersion(), RulesVersion: rules, ListsVersion: lists})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("record import: %w", err)
	}
	return &importRecord{st: st, run: run}, nil
}

func (r *importRecord) observe(ctx context.Context, o covered.Observation) error {
	r.obs = append(r.obs, o)
	if len(r.obs) < importBatch {
		return nil
	}
	return r.flush(ctx)
}

func (r *importRecord) identified(ctx context.Context, id covered.Identification) error {
	r.ids = append(r.ids, id)
	if len(r.ids) < max(1, importBatch/10) {
		return nil
	}
	return r.flush(ctx)
}

func (r *importRecord) flush(ctx context.Context) error {
	if len(r.obs) == 0 && len(r.ids) == 0 {
		return nil
	}
	if err := r.st.Ingest(ctx, r.run, r.obs, r.ids); err != nil {
		return fmt.Errorf("store import run %d: %w", r.run, err)
	}
	r.committed.Hosts += int64(len(r.ids))
	r.committed.Observations += int64(len(r.obs))
	if onCommit != nil {
		onCommit(r.run, r.committed.Hosts, r.committed.Observations)
	}
	r.obs, r.ids = r.obs[:0], r.ids[:0]
	return nil
}

// finish writes what is queued and closes the run; a failed or cancelled
// import is recorded as interrupted.
func (r *importRecord) finish(ctx context.Context, failed bool, counts store.RunCounts) (store.FinishResult, error) {
	status := store.RunComplete
	if failed || ctx.Err() != nil {
		status = store.RunInterrupted
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := r.flush(fctx)
	if err != nil {
		status = store.RunInterrupted
	}
	res, ferr := r.st.FinishRun(fctx, r.run, status, counts)
	return res, errors.Join(err, ferr, r.st.Close())
}
