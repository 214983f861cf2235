package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strings"
	"time"
)

// RunKind says what produced a run's observations.
type RunKind string

// Run kinds.
const (
	RunScan       RunKind = "scan"       // active probes
	RunImport     RunKind = "import"     // files from other tools
	RunReidentify RunKind = "reidentify" // identify re-run over stored observations
	RunCheck      RunKind = "check"      // security checks re-run over stored evidence
)

// RunStatus is the life-cycle state of a run.
type RunStatus string

// Run statuses. Only a complete run verifies replacements: an interrupted
// scan did not look everywhere, so not seeing a device proves nothing.
const (
	RunRunning     RunStatus = "running"
	RunComplete    RunStatus = "complete"
	RunInterrupted RunStatus = "interrupted"
)

// RunCounts are the figures a run reports about itself.
type RunCounts struct {
	Hosts        int64 `json:"hosts"`        // hosts that answered or were imported
	Observations int64 `json:"observations"` // observations produced
	Failed       int64 `json:"failed"`       // input records rejected or probes that failed
}

// Run is one scan, import or reidentification: who ran it where, over what,
// with which software and knowledge versions. It is the header of every
// report built from its observations.
type Run struct {
	ID     int64     `json:"id"`
	Kind   RunKind   `json:"kind"`
	Status RunStatus `json:"status"`
	// User is the OS user who started the run; BeginRun fills it in when
	// empty. Machine is the host name the run ran on, likewise.
	User     string    `json:"user"`
	Machine  string    `json:"machine"`
	Site     string    `json:"site,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Scope is the targets as given (addresses, CIDRs, ranges, hostnames);
	// Exclusions likewise. Verification of replacements depends on Scope.
	Scope      []string `json:"scope"`
	Exclusions []string `json:"exclusions"`
	Ports      string   `json:"ports,omitempty"`
	// Options are the run's settings. BeginRun passes them through Redact,
	// so a community string or password never reaches the store.
	Options      map[string]any `json:"options"`
	ToolVersion  string         `json:"tool_version"`
	RulesVersion string         `json:"rules_version"`
	ListsVersion string         `json:"lists_version"`
	Counts       RunCounts      `json:"counts"`
	// StoredObservations is how many observations Ingest committed for the
	// run, kept in the same transactions as the observations themselves.
	StoredObservations int64  `json:"stored_observations"`
	Notes              string `json:"notes,omitempty"`
}

// BeginRun records the start of a run and returns its id. Kind is required;
// Started, User and Machine default to now and the current OS user and host.
func (s *Store) BeginRun(ctx context.Context, r Run) (int64, error) {
	switch r.Kind {
	case RunScan, RunImport, RunReidentify, RunCheck:
	default:
		return 0, fmt.Errorf("store: begin run: kind %q is not scan, import, reidentify or check", r.Kind)
	}
	if r.Started.IsZero() {
		r.Started = s.clock()
	}
	if r.User == "" {
		if u, err := user.Current(); err == nil {
			r.User = u.Username
		} else {
			r.User = os.Getenv("USER")
		}
	}
	if r.Machine == "" {
		r.Machine, _ = os.Hostname()
	}
	scope, _ := json.Marshal(nonNil(r.Scope))
	excl, _ := json.Marshal(nonNil(r.Exclusions))
	opts, err := json.Marshal(Redact(r.Options))
	if err != nil {
		return 0, fmt.Errorf("store: begin run: options: %w", err)
	}
	var id int64
	err = s.write(ctx, func(tx *sql.Tx) error {
		return s.txQueryRow(ctx, tx, `INSERT INTO runs (kind, status, actor, machine, site, started_at, scope,
			scope_key, exclusions, ports, options, tool_version, rules_version, lists_version, notes)
			VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			string(r.Kind), r.User, r.Machine, r.Site, s.d.tv(r.Started), string(scope), scopeKey(r.Scope),
			string(excl), r.Ports, string(opts), r.ToolVersion, r.RulesVersion, r.ListsVersion, r.Notes).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: begin run: %w", err)
	}
	return id, nil
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// scopeKey normalises a scope so that runs over the same targets compare
// equal whatever order or case the targets were typed in.
func scopeKey(scope []string) string {
	k := make([]string, 0, len(scope))
	for _, t := range scope {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
			k = append(k, t)
		}
	}
	slices.Sort(k)
	return strings.Join(slices.Compact(k), " ")
}

const runCols = `id, kind, status, actor, machine, site, started_at, finished_at, scope, exclusions, ports,
	options, tool_version, rules_version, lists_version, hosts, observations, failed, stored_observations, notes`

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var kind, status, scope, excl, opts string
	err := sc.Scan(&r.ID, &kind, &status, &r.User, &r.Machine, &r.Site, ts(&r.Started), ts(&r.Finished),
		jsonText{&scope}, jsonText{&excl}, &r.Ports, jsonText{&opts}, &r.ToolVersion, &r.RulesVersion,
		&r.ListsVersion, &r.Counts.Hosts, &r.Counts.Observations, &r.Counts.Failed, &r.StoredObservations, &r.Notes)
	if err != nil {
		return r, err
	}
	r.Kind, r.Status = RunKind(kind), RunStatus(status)
	if err := json.Unmarshal([]byte(scope), &r.Scope); err != nil {
		return r, fmt.Errorf("run %d scope: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(excl), &r.Exclusions); err != nil {
		return r, fmt.Errorf("run %d exclusions: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(opts), &r.Options); err != nil {
		return r, fmt.Errorf("run %d options: %w", r.ID, err)
	}
	return r, nil
}

// Run returns one run.
func (s *Store) Run(ctx context.Context, id int64) (Run, error) {
	r, err := scanRun(s.queryRow(ctx, `SELECT `+runCols+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("store: run %d: %w", id, err)
	}
	return r, nil
}

func (s *Store) txRun(ctx context.Context, tx *sql.Tx, id int64) (Run, error) {
	r, err := scanRun(s.txQueryRow(ctx, tx, `SELECT `+runCols+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	return r, err
}

// RunFilter selects runs; zero fields do not filter.
type RunFilter struct {
	Kind   RunKind
	Status RunStatus
	Site   string
	Since  time.Time // started at or after
	// Before keeps runs with a smaller id: the next page of the newest-first
	// list starts before the last id of the previous one (keyset paging).
	Before int64
	Limit  int // 0 means all
}

// Runs lists runs, newest first.
func (s *Store) Runs(ctx context.Context, f RunFilter) ([]Run, error) {
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(f.Kind))
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.Site != "" {
		where, args = append(where, "site = ?"), append(args, f.Site)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "started_at >= ?"), append(args, s.d.tv(f.Since))
	}
	if f.Before > 0 {
		where, args = append(where, "id < ?"), append(args, f.Before)
	}
	q, args := s.paged(`SELECT `+runCols+` FROM runs`+whereClause(where)+` ORDER BY id DESC`, args, f.Limit, 0)
	return list(ctx, s, "runs", scanRun, q, args...)
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// PreviousRun returns the latest complete run before runID with the same
// site and scope (targets compared order- and case-insensitively), the
// natural "before" side of a Diff. It returns ErrNotFound when there is none.
func (s *Store) PreviousRun(ctx context.Context, runID int64) (int64, error) {
	var prev int64
	err := s.queryRow(ctx, `SELECT p.id FROM runs r JOIN runs p
		ON p.site = r.site AND p.scope_key = r.scope_key AND p.id < r.id AND p.status = 'complete'
		WHERE r.id = ? ORDER BY p.id DESC LIMIT 1`, runID).Scan(&prev)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: previous run of %d: %w", runID, err)
	}
	return prev, nil
}

// LastTwoRuns returns the two latest complete runs over site and scope,
// older first: what `covered diff` compares when the user names no runs.
func (s *Store) LastTwoRuns(ctx context.Context, site string, scope []string) (older, newer int64, err error) {
	rows, err := s.query(ctx, `SELECT id FROM runs WHERE site = ? AND scope_key = ? AND status = 'complete'
		ORDER BY id DESC LIMIT 2`, site, scopeKey(scope))
	if err != nil {
		return 0, 0, fmt.Errorf("store: last two runs: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, 0, fmt.Errorf("store: last two runs: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("store: last two runs: %w", err)
	}
	if len(ids) < 2 {
		return 0, 0, fmt.Errorf("store: last two runs of site %q scope %v: %d complete run(s): %w", site, scope, len(ids), ErrNotFound)
	}
	return ids[1], ids[0], nil
}
