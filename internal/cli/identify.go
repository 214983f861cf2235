package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/classify"
	"github.com/coveredtool/covered/internal/identify"
	"github.com/coveredtool/covered/internal/obsfile"
	"github.com/coveredtool/covered/internal/output"
	"github.com/coveredtool/covered/internal/useragent"
	"github.com/spf13/cobra"
)

func (p Program) identifyCmd() *cobra.Command {
	var (
		out  outFlags
		know knowFlags
		fail failOn
	)
	cmd := &cobra.Command{
		Use:   "identify [FILE|-]...",
		Short: "Identify devices from observations (JSON Lines)",
		Long: `identify reads observations (JSON Lines, one object per line with host, key and
value; see the observation contract in the docs) from the files given, or from
standard input when there is none or the file is "-". It groups them by host
and writes one identification per host, in order of first appearance: status
(covered, suspected, not_covered, unidentified), covered entity and regimes,
manufacturer and brand, model, firmware, confidence, the evidence and a
one-sentence rationale.

A malformed line is reported as FILE:LINE: reason on standard error; the rest
is still processed and the exit status is 4. --fail-on makes the exit status 3
when any host is covered (or suspected).`,
		Example: `  covered identify examples/observations.jsonl
  covered identify --format json -o result.json obs.jsonl
  zcat obs.jsonl.gz | covered identify --fail-on suspected -
  covered identify --rules ./my-rules --policy texas.yaml obs.jsonl`,
		Args: args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, a []string) error {
			threshold, err := fail.status()
			if err != nil {
				return err
			}
			return p.identify(a, &out, &know, threshold)
		},
	}
	out.register(cmd)
	know.register(cmd)
	fail.register(cmd)
	return cmd
}

func (p Program) identify(files []string, out *outFlags, know *knowFlags, threshold covered.Status) error {
	if len(files) == 0 {
		files = []string{"-"}
	}
	eng, err := newEngine(know)
	if err != nil {
		return err
	}
	batch := eng.NewBatch()
	mem := newMemoryGuard()
	defer mem.release()
	var res outcome
	rejected := 0
	for _, name := range files {
		n, err := p.readObservations(name, batch, mem)
		rejected += n
		if err != nil {
			return err
		}
	}
	if rejected > 0 {
		fmt.Fprintf(p.Stderr, "covered: %d input record(s) rejected\n", rejected)
		res.add(ExitRejected)
	}
	reportUnknown(p.Stderr, batch.Unknown())

	w, format, closeOut, err := out.open(p.Stdout)
	if err != nil {
		return err
	}
	rows := output.New(w, format, identificationColumns)
	counts := map[covered.Status]int{}
	var werr error
	batch.Each(func(id covered.Identification) bool {
		classify.Apply(eng.Lists, &id)
		counts[id.Status]++
		if threshold != "" && id.Status.Flags(threshold) {
			res.add(ExitFailOn)
		}
		werr = rows.Write(id)
		return werr == nil
	})
	if werr == nil {
		werr = rows.Close()
	}
	if err := errors.Join(werr, closeOut()); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if !out.quiet {
		fmt.Fprintf(p.Stderr, "covered: %d hosts: %d covered, %d suspected, %d not covered, %d unidentified\n",
			batch.Len(), counts[covered.StatusCovered], counts[covered.StatusSuspected],
			counts[covered.StatusNotCovered], counts[covered.StatusUnidentified])
	}
	return res.err()
}

// newEngine loads the knowledge identification needs.
func newEngine(know *knowFlags) (*identify.Engine, error) {
	rules, err := know.ruleSet()
	if err != nil {
		return nil, err
	}
	lists, err := know.lists()
	if err != nil {
		return nil, err
	}
	// Uncached: identify's batch already memoizes each distinct value.
	ua, err := useragent.NewUncached()
	if err != nil {
		return nil, fmt.Errorf("user-agent parser: %w", err)
	}
	ouis, err := ouiTable()
	if err != nil {
		return nil, err
	}
	pens, err := penTable()
	if err != nil {
		return nil, err
	}
	return &identify.Engine{Rules: rules, OUI: ouis, PEN: pens, UA: ua, Lists: lists}, nil
}

// readObservations streams one input into the batch and returns how many
// records it rejected. Rejections and notes go to stderr as FILE:LINE.
func (p Program) readObservations(name string, batch *identify.Batch, mem *memoryGuard) (int, error) {
	var in io.Reader = p.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return 0, fmt.Errorf("open observations: %w", err)
		}
		defer f.Close()
		in = f
	}
	r := obsfile.NewReader(in, name)
	rejected := 0
	for {
		o, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rejected, nil
		}
		var le *obsfile.LineError
		if errors.As(err, &le) {
			rejected++
			fmt.Fprintln(p.Stderr, le.Error())
			continue
		}
		if err != nil {
			return rejected, err
		}
		for _, n := range r.Notes() {
			fmt.Fprintf(p.Stderr, "%s (note)\n", n)
		}
		batch.Add(o)
		mem.tick()
	}
}

func reportUnknown(w io.Writer, unknown map[string]int) {
	keys := make([]string, 0, len(unknown))
	for k := range unknown {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "covered: ignored %d observation(s) with unknown key %q\n", unknown[k], k)
	}
}

// identificationColumns are the csv and table columns of an identification.
var identificationColumns = []output.Column[covered.Identification]{
	{Name: "host", Value: func(i covered.Identification) string { return i.Host }},
	{Name: "status", Value: func(i covered.Identification) string { return string(i.Status) }},
	{Name: "entity", Value: func(i covered.Identification) string { return i.CoveredEntity }},
	{Name: "manufacturer", Value: func(i covered.Identification) string { return makerBrand(i) }},
	{Name: "model", Value: func(i covered.Identification) string { return i.Model }},
	{Name: "firmware", Value: func(i covered.Identification) string { return i.Firmware }, Wide: true},
	{Name: "device_type", Value: func(i covered.Identification) string { return i.DeviceType }},
	{Name: "confidence", Value: func(i covered.Identification) string { return strconv.FormatFloat(i.Confidence, 'f', 2, 64) }},
	{Name: "regimes", Value: func(i covered.Identification) string { return strings.Join(i.Regimes, " ") }, Wide: true},
	{Name: "review", Value: func(i covered.Identification) string { return strings.Join(i.Review, " ") }},
	{Name: "evidence", Value: evidenceSummary},
	{Name: "rationale", Value: func(i covered.Identification) string { return i.Rationale }, Wide: true},
}

func makerBrand(i covered.Identification) string {
	if i.Brand != "" && i.Brand != i.Manufacturer {
		if i.Manufacturer == "" {
			return "(brand " + i.Brand + ")"
		}
		return i.Manufacturer + " (brand " + i.Brand + ")"
	}
	return i.Manufacturer
}

// evidenceSummary names the rules that matched, strongest first.
func evidenceSummary(i covered.Identification) string {
	var parts []string
	seen := map[string]bool{}
	for _, e := range i.Evidence {
		if !seen[e.Rule] {
			seen[e.Rule] = true
			parts = append(parts, e.Rule)
		}
	}
	return strings.Join(parts, ", ")
}
