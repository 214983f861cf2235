package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CheckEvidence is one fact a check finding rests on (an observation key,
// "firmware", or what an active check read).
type CheckEvidence struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Port  int    `json:"port,omitempty"`
	Path  string `json:"path,omitempty"`
}

// CheckFinding is a security check (internal/check) that flagged an asset,
// one row per asset and check.
//
// The rule for Active: a finding is active while the latest run whose check
// decided on the asset produced it. A later run in which the check decided
// the asset is not affected clears it (Active false, ClearedRun); a run
// that did not run the check there (another profile, --check, a host not
// reached) or got no clear answer (timeout, throttling) leaves it as it is. A finding produced again is active again and
// keeps its first run and first-seen time.
type CheckFinding struct {
	ID           int64           `json:"id"`
	AssetID      int64           `json:"asset_id"`
	Check        string          `json:"check"`
	Title        string          `json:"title"`
	Severity     string          `json:"severity"`
	CVEs         []string        `json:"cves,omitempty"`
	KEV          bool            `json:"kev"`
	KEVDateAdded string          `json:"kev_date_added,omitempty"`
	SideEffect   string          `json:"side_effect"`
	Requests     int             `json:"requests"`
	Evidence     []CheckEvidence `json:"evidence"`
	Advice       string          `json:"advice"`
	Source       string          `json:"source"`
	FirstRun     int64           `json:"first_run"`
	LastRun      int64           `json:"last_run"`
	FirstSeen    time.Time       `json:"first_seen"`
	LastSeen     time.Time       `json:"last_seen"`
	Active       bool            `json:"active"`
	ClearedRun   int64           `json:"cleared_run,omitempty"`
	// Site, Host and IP are the asset's, for listings.
	Site string `json:"site,omitempty"`
	Host string `json:"host,omitempty"`
	IP   string `json:"ip,omitempty"`
}

// HostChecks is what the checks of one run found on one host.
type HostChecks struct {
	// Host is the run's host label, as given to Ingest: the host is mapped
	// to its asset through the run's sighting of it, so its observations
	// must have been ingested in the run first. AssetID, when set, names
	// the asset directly instead (a run over stored evidence, which sights
	// nothing), and Seen is when that evidence was observed (default now).
	Host    string
	AssetID int64
	Seen    time.Time
	// Ran lists the ids of the checks that decided on the host (found, or
	// showed the host not affected); those of them that produced no finding
	// clear the asset's finding, if any. A check that got no clear answer is
	// left out, so its earlier finding stands.
	Ran      []string
	Findings []CheckFinding
}

// RecordCheckFindings writes, in one transaction, the check findings of
// hosts that runID saw (see CheckFinding for when a finding is active).
// Evidence passes the secret redaction of run options (a value whose key
// names a secret is replaced) before it is written.
func (s *Store) RecordCheckFindings(ctx context.Context, runID int64, hosts []HostChecks) error {
	if len(hosts) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		run, err := s.txRun(ctx, tx, runID)
		if err != nil {
			return err
		}
		if run.Status != RunRunning {
			return fmt.Errorf("run is %s, not running", run.Status)
		}
		sighted, err := s.runSightings(ctx, tx, runID, hosts)
		if err != nil {
			return err
		}
		now := s.clock()
		for _, h := range hosts {
			asset, seen := h.AssetID, h.Seen
			if seen.IsZero() {
				seen = now
			}
			if asset == 0 {
				sg, ok := sighted[s.d.text(h.Host)]
				if !ok {
					return fmt.Errorf("host %q: not sighted by run %d (ingest its observations first)", h.Host, runID)
				}
				asset, seen = sg.asset, sg.seen
			}
			if err := s.recordHostChecks(ctx, tx, runID, asset, seen, h); err != nil {
				return fmt.Errorf("host %q (asset %d): %w", h.Host, asset, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: record check findings of run %d: %w", runID, err)
	}
	return nil
}

type sightingOf struct {
	asset int64
	seen  time.Time
}

// runSightings maps the run's host labels (cleaned) to asset and last seen.
func (s *Store) runSightings(ctx context.Context, tx *sql.Tx, runID int64, hosts []HostChecks) (map[string]sightingOf, error) {
	var labels []string
	for _, h := range hosts {
		if h.AssetID == 0 {
			labels = append(labels, s.d.text(h.Host))
		}
	}
	out := map[string]sightingOf{}
	err := inChunks(labels, s.d.chunk(), func(part []string) error {
		cond, args := inSet(s.d, part)
		rows, err := s.txQuery(ctx, tx, `SELECT host, asset_id, last_seen FROM asset_sightings WHERE run_id = ? AND `+cond("host"),
			append([]any{runID}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var host string
			var sg sightingOf
			if err := rows.Scan(&host, &sg.asset, ts(&sg.seen)); err != nil {
				return err
			}
			out[host] = sg
		}
		return rows.Err()
	})
	return out, err
}

func (s *Store) recordHostChecks(ctx context.Context, tx *sql.Tx, runID, asset int64, seen time.Time, h HostChecks) error {
	produced := map[string]bool{}
	for _, f := range h.Findings {
		if f.Check == "" {
			return fmt.Errorf("check finding without a check id")
		}
		produced[f.Check] = true
		ev, err := json.Marshal(redactEvidence(f.Evidence))
		if err != nil {
			return err
		}
		at := s.d.tv(seen)
		if _, err := s.txExec(ctx, tx, `INSERT INTO check_findings (asset_id, check_id, title, severity, cves, kev,
			kev_date_added, side_effect, requests, evidence, advice, source, first_run_id, last_run_id, first_seen,
			last_seen, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)
			ON CONFLICT (asset_id, check_id) DO UPDATE SET title = excluded.title, severity = excluded.severity,
			cves = excluded.cves, kev = excluded.kev, kev_date_added = excluded.kev_date_added,
			side_effect = excluded.side_effect, requests = excluded.requests, evidence = excluded.evidence,
			advice = excluded.advice, source = excluded.source, last_run_id = excluded.last_run_id,
			last_seen = excluded.last_seen, active = TRUE, cleared_run_id = NULL`,
			asset, s.d.text(f.Check), s.d.text(f.Title), s.d.text(f.Severity), s.d.text(strings.Join(f.CVEs, ",")), f.KEV,
			s.d.text(f.KEVDateAdded), s.d.text(f.SideEffect), int64(f.Requests), string(ev), s.d.text(f.Advice),
			s.d.text(f.Source), runID, runID, at, at); err != nil {
			return err
		}
	}
	for _, id := range h.Ran {
		if produced[id] {
			continue
		}
		if _, err := s.txExec(ctx, tx, `UPDATE check_findings SET active = FALSE, cleared_run_id = ?
			WHERE asset_id = ? AND check_id = ? AND active = TRUE`, runID, asset, s.d.text(id)); err != nil {
			return err
		}
	}
	return nil
}

// redactEvidence returns ev with the value of every item whose key names a
// secret (community, password, token ...) replaced, as Redact does for run
// options.
func redactEvidence(ev []CheckEvidence) []CheckEvidence {
	out := make([]CheckEvidence, len(ev))
	for i, e := range ev {
		if isSecretKey(e.Key) {
			e.Value = Redacted
		}
		out[i] = e
	}
	return out
}

// CheckFindingFilter selects check findings; zero fields do not filter.
type CheckFindingFilter struct {
	AssetID         int64
	CheckID         string
	Severity        []string
	Site            string
	IncludeInactive bool // also cleared findings
	Limit, Offset   int
}

const checkFindingCols = `c.id, c.asset_id, c.check_id, c.title, c.severity, c.cves, c.kev, c.kev_date_added,
	c.side_effect, c.requests, c.evidence, c.advice, c.source, c.first_run_id, c.last_run_id, c.first_seen,
	c.last_seen, c.active, c.cleared_run_id, a.site, a.last_host, a.last_ip`

// checkSeverityOrder sorts critical first.
const checkSeverityOrder = `CASE c.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2
	WHEN 'low' THEN 3 ELSE 4 END`

// CheckFindings lists check findings of live assets, most severe first,
// then by asset and check.
func (s *Store) CheckFindings(ctx context.Context, f CheckFindingFilter) ([]CheckFinding, error) {
	where := []string{"a.merged_into IS NULL"}
	var args []any
	if !f.IncludeInactive {
		where = append(where, "c.active = TRUE")
	}
	if f.AssetID != 0 {
		where, args = append(where, "c.asset_id = ?"), append(args, f.AssetID)
	}
	if f.CheckID != "" {
		where, args = append(where, "c.check_id = ?"), append(args, f.CheckID)
	}
	if len(f.Severity) > 0 {
		in, a := inList(f.Severity)
		where, args = append(where, "c.severity IN ("+in+")"), append(args, a...)
	}
	if f.Site != "" {
		where, args = append(where, "a.site = ?"), append(args, f.Site)
	}
	q, args := s.paged(`SELECT `+checkFindingCols+` FROM check_findings c JOIN assets a ON a.id = c.asset_id`+
		whereClause(where)+` ORDER BY `+checkSeverityOrder+`, c.asset_id, c.check_id`, args, f.Limit, f.Offset)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: check findings: %w", err)
	}
	defer rows.Close()
	var out []CheckFinding
	for rows.Next() {
		var c CheckFinding
		var cves, ev string
		var requests int64
		if err := rows.Scan(&c.ID, &c.AssetID, &c.Check, &c.Title, &c.Severity, &cves, &c.KEV, &c.KEVDateAdded,
			&c.SideEffect, &requests, jsonText{&ev}, &c.Advice, &c.Source, &c.FirstRun, &c.LastRun, ts(&c.FirstSeen),
			ts(&c.LastSeen), &c.Active, nullInt{&c.ClearedRun}, &c.Site, &c.Host, &c.IP); err != nil {
			return nil, fmt.Errorf("store: check findings: %w", err)
		}
		c.Requests = int(requests)
		if cves != "" {
			c.CVEs = strings.Split(cves, ",")
		}
		if err := json.Unmarshal([]byte(ev), &c.Evidence); err != nil {
			return nil, fmt.Errorf("store: check finding %d: evidence: %w", c.ID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: check findings: %w", err)
	}
	return out, nil
}

// mergeCheckFindings moves the absorbed asset's check findings to the
// survivor. A check both assets have keeps the survivor's row, with the
// earlier first sighting of the two; the absorbed row goes (check findings
// carry no remediation history to keep).
func (s *Store) mergeCheckFindings(ctx context.Context, tx *sql.Tx, survivor, absorbed int64) error {
	type row struct {
		id        int64
		check     string
		firstRun  int64
		firstSeen time.Time
	}
	load := func(asset int64) ([]row, error) {
		rows, err := s.txQuery(ctx, tx, `SELECT id, check_id, first_run_id, first_seen FROM check_findings WHERE asset_id = ?`, asset)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.check, &r.firstRun, ts(&r.firstSeen)); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, rows.Err()
	}
	ab, err := load(absorbed)
	if err != nil || len(ab) == 0 {
		return err
	}
	sv, err := load(survivor)
	if err != nil {
		return err
	}
	for _, a := range ab {
		i := slices.IndexFunc(sv, func(r row) bool { return r.check == a.check })
		if i < 0 {
			if _, err := s.txExec(ctx, tx, `UPDATE check_findings SET asset_id = ? WHERE id = ?`, survivor, a.id); err != nil {
				return err
			}
			continue
		}
		if _, err := s.txExec(ctx, tx, `DELETE FROM check_findings WHERE id = ?`, a.id); err != nil {
			return err
		}
		if a.firstSeen.Before(sv[i].firstSeen) {
			if _, err := s.txExec(ctx, tx, `UPDATE check_findings SET first_run_id = ?, first_seen = ? WHERE id = ?`,
				a.firstRun, s.d.tv(a.firstSeen), sv[i].id); err != nil {
				return err
			}
		}
	}
	return nil
}

// ActiveCheckCounts counts the active check findings of live assets by
// severity.
func (s *Store) ActiveCheckCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT c.severity, count(*) FROM check_findings c JOIN assets a ON a.id = c.asset_id
		WHERE a.merged_into IS NULL AND c.active = TRUE GROUP BY c.severity`)
	if err != nil {
		return nil, fmt.Errorf("store: check finding counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var sev string
		var n int64
		if err := rows.Scan(&sev, &n); err != nil {
			return nil, fmt.Errorf("store: check finding counts: %w", err)
		}
		out[sev] += int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: check finding counts: %w", err)
	}
	return out, nil
}
