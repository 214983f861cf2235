package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"go4.org/netipx"

	covered "github.com/coveredtool/covered"
)

// Asset is one device as the inventory knows it, merged across runs,
// sources and address changes. The identification fields are those of its
// current identification.
type Asset struct {
	ID        int64     `json:"id"`
	Site      string    `json:"site,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	FirstRun  int64     `json:"first_run"`
	LastRun   int64     `json:"last_run"`
	// LastHost, LastIP and LastMAC are from the newest sighting.
	LastHost         string         `json:"last_host"`
	LastIP           string         `json:"last_ip,omitempty"`
	LastMAC          string         `json:"last_mac,omitempty"`
	IdentificationID int64          `json:"identification_id,omitempty"`
	Status           covered.Status `json:"status"`
	CoveredEntity    string         `json:"covered_entity,omitempty"`
	Manufacturer     string         `json:"manufacturer,omitempty"`
	Brand            string         `json:"brand,omitempty"`
	Model            string         `json:"model,omitempty"`
	DeviceType       string         `json:"device_type,omitempty"`
	Confidence       float64        `json:"confidence"`
	// MergedInto is set on a tombstone: this asset was found to be the
	// same device as that one.
	MergedInto int64 `json:"merged_into,omitempty"`
}

// AssetSort orders Assets.
type AssetSort string

// Sort orders; "-" in front (e.g. "-last_seen") reverses.
const (
	SortID       AssetSort = "id"
	SortLastSeen AssetSort = "last_seen"
	SortIP       AssetSort = "ip"
	SortStatus   AssetSort = "status"
)

var sortColumns = map[AssetSort]string{
	SortID: "a.id", SortLastSeen: "a.last_seen, a.id", SortIP: "a.last_ip_key IS NULL, a.last_ip_key, a.id", // the engines place NULLs differently
	SortStatus: "CASE a.status WHEN 'covered' THEN 0 WHEN 'suspected' THEN 1 WHEN 'not_covered' THEN 2 ELSE 3 END, a.id",
}

// AssetFilter selects assets; zero fields do not filter. Merged tombstones
// are left out unless IncludeMerged.
type AssetFilter struct {
	Status    []covered.Status
	Entity    string
	Site      string
	Subnet    netip.Prefix // on the last known address
	SeenSince time.Time    // last seen at or after
	SeenUntil time.Time    // last seen at or before
	// FirstSince and FirstUntil bound when the asset was first seen (new
	// devices since an inquiry, say).
	FirstSince time.Time
	FirstUntil time.Time
	DeviceType string
	// Search matches a substring of the host, address, MAC, maker, model,
	// covered entity or site (searchColumns), ignoring case.
	Search string
	// After pages by key instead of by offset: assets with an id above it
	// (below it for Sort "-id"). Only the id orders take it; deep pages then
	// cost what the first page costs.
	After int64
	// Sort is one of the Sort* orders, optionally prefixed by "-"; default id.
	Sort          AssetSort
	Limit, Offset int
	IncludeMerged bool
}

const assetCols = `a.id, a.site, a.first_seen, a.last_seen, a.first_run_id, a.last_run_id, a.last_host, a.last_ip,
	a.last_mac, a.identification_id, a.status, a.covered_entity, a.manufacturer, a.brand, a.model, a.device_type,
	a.confidence, a.merged_into`

func scanAsset(sc interface{ Scan(...any) error }) (Asset, error) {
	var a Asset
	var status string
	err := sc.Scan(&a.ID, &a.Site, ts(&a.FirstSeen), ts(&a.LastSeen), &a.FirstRun, &a.LastRun, &a.LastHost, &a.LastIP,
		&a.LastMAC, nullInt{&a.IdentificationID}, &status, &a.CoveredEntity, &a.Manufacturer, &a.Brand, &a.Model,
		&a.DeviceType, &a.Confidence, nullInt{&a.MergedInto})
	a.Status = covered.Status(status)
	return a, err
}

// assetWhere is the condition of f on assets alias a; index says whether a
// search may use the search index (searchCond).
func (s *Store) assetWhere(f AssetFilter, index bool) ([]string, []any) {
	var where []string
	var args []any
	if !f.IncludeMerged {
		where = append(where, "a.merged_into IS NULL")
	}
	if len(f.Status) > 0 {
		in, a := inList(f.Status)
		where, args = append(where, "a.status IN ("+in+")"), append(args, stringsOf(a)...)
	}
	if f.Entity != "" {
		where, args = append(where, "lower(a.covered_entity) = lower(?)"), append(args, f.Entity)
	}
	if f.Site != "" {
		where, args = append(where, "a.site = ?"), append(args, f.Site)
	}
	if f.DeviceType != "" {
		where, args = append(where, "lower(a.device_type) = lower(?)"), append(args, f.DeviceType)
	}
	if f.Subnet.IsValid() {
		r := netipx.RangeOfPrefix(f.Subnet.Masked())
		// IPv4 keys are the IPv4-mapped form, as As16 gives for both.
		lo, hi := r.From().As16(), r.To().As16()
		where, args = append(where, "a.last_ip_key BETWEEN ? AND ?"), append(args, lo[:], hi[:])
	}
	if !f.SeenSince.IsZero() {
		where, args = append(where, "a.last_seen >= ?"), append(args, s.d.tv(f.SeenSince))
	}
	if !f.SeenUntil.IsZero() {
		where, args = append(where, "a.last_seen <= ?"), append(args, s.d.tv(f.SeenUntil))
	}
	if !f.FirstSince.IsZero() {
		where, args = append(where, "a.first_seen >= ?"), append(args, s.d.tv(f.FirstSince))
	}
	if !f.FirstUntil.IsZero() {
		where, args = append(where, "a.first_seen <= ?"), append(args, s.d.tv(f.FirstUntil))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		cond, a := s.searchCond(q, index)
		where, args = append(where, cond), append(args, a...)
	}
	return where, args
}

// CountAssets counts the assets f selects, ignoring its limit and offset.
func (s *Store) CountAssets(ctx context.Context, f AssetFilter) (int, error) {
	where, args := s.assetWhere(f, true)
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM assets a`+whereClause(where), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count assets: %w", err)
	}
	return n, nil
}

// Assets lists assets. The subnet filter is a byte range on the 16-byte
// form of the last address, which both engines index and compare the same
// way, so paging stays in SQL.
func (s *Store) Assets(ctx context.Context, f AssetFilter) ([]Asset, error) {
	sortKey, desc := f.Sort, false
	if strings.HasPrefix(string(sortKey), "-") {
		sortKey, desc = sortKey[1:], true
	}
	if sortKey == "" {
		sortKey = SortID
	}
	index := true
	if sortKey == SortLastSeen && f.Limit > 0 && f.Search != "" {
		// A page in this order may be quicker to read in it (an index
		// has it), stopping at the page's end, than from the search index.
		var err error
		if index, err = s.searchIndexPays(ctx, f.Search); err != nil {
			return nil, fmt.Errorf("store: assets: %w", err)
		}
	}
	where, args := s.assetWhere(f, index)
	if f.After > 0 {
		if sortKey != SortID {
			return nil, fmt.Errorf("store: assets: After pages the id order only, not %q", f.Sort)
		}
		cmp := ">"
		if desc {
			cmp = "<"
		}
		where, args = append(where, "a.id "+cmp+" ?"), append(args, f.After)
	}
	order, ok := sortColumns[sortKey]
	if !ok {
		return nil, fmt.Errorf("store: assets: unknown sort %q (want id, last_seen, ip or status)", f.Sort)
	}
	if desc {
		order = strings.ReplaceAll(order, ",", " DESC,") + " DESC"
	}
	q, args := s.paged(`SELECT `+assetCols+` FROM assets a`+whereClause(where)+` ORDER BY `+order, args, f.Limit, f.Offset)
	return list(ctx, s, "assets", scanAsset, q, args...)
}

// AssetLink is one identifier that tied hosts to an asset, with the runs
// that saw it.
type AssetLink struct {
	ID        int64     `json:"id"`
	AssetID   int64     `json:"asset_id"`
	Kind      string    `json:"kind"` // mac, serial, tls, hostname, ip, mac_local
	Value     string    `json:"value"`
	Site      string    `json:"site,omitempty"` // for the per-site kinds
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Runs      []int64   `json:"runs"`
}

// AssetMerge records that one asset was found to be another.
type AssetMerge struct {
	Survivor int64     `json:"survivor"`
	Absorbed int64     `json:"absorbed"`
	Kind     string    `json:"kind"`
	Value    string    `json:"value"`
	RunID    int64     `json:"run_id"`
	At       time.Time `json:"at"`
}

// Sighting is one run's view of an asset.
type Sighting struct {
	RunID        int64     `json:"run_id"`
	Host         string    `json:"host"`
	IP           string    `json:"ip,omitempty"`
	MAC          string    `json:"mac,omitempty"`
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`
	Observations int64     `json:"observations"`
	// MatchKind and MatchValue say how the host was tied to the asset: a
	// link kind and value, "run" (same host earlier in the run) or "new".
	MatchKind  string `json:"match_kind"`
	MatchValue string `json:"match_value,omitempty"`
}

// AssetDetail is everything known about one asset: the evidence chain from
// sightings and observations to identification and findings.
type AssetDetail struct {
	Asset
	Links     []AssetLink  `json:"links"`
	Merges    []AssetMerge `json:"merges"`
	Sightings []Sighting   `json:"sightings"`
	// Identification is the current one; History every identification,
	// oldest first; Changes the status/entity changes between them.
	Identification *IdentificationRecord  `json:"identification,omitempty"`
	History        []IdentificationRecord `json:"history"`
	Changes        []IdentificationChange `json:"changes"`
	// Observations are those of the run that made the current
	// identification (the evidence behind it); Observations() streams all.
	Observations []ObservationRecord `json:"observations"`
	Findings     []Finding           `json:"findings"`
}

// Asset returns the detail of one asset. An id that was merged into another
// asset returns the survivor, with the merge in Merges, so old references
// keep working.
func (s *Store) Asset(ctx context.Context, id int64) (AssetDetail, error) {
	var d AssetDetail
	a, err := scanAsset(s.queryRow(ctx, `SELECT `+assetCols+` FROM assets a WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil && a.MergedInto != 0 {
		a, err = scanAsset(s.queryRow(ctx, `SELECT `+assetCols+` FROM assets a WHERE a.id = ?`, a.MergedInto))
	}
	if err != nil {
		return d, fmt.Errorf("store: asset %d: %w", id, err)
	}
	d.Asset = a
	steps := []func() error{
		func() (err error) { d.Links, err = s.AssetLinks(ctx, a.ID); return },
		func() (err error) { d.Merges, err = s.assetMerges(ctx, a.ID); return },
		func() (err error) { d.Sightings, err = s.sightings(ctx, a.ID); return },
		func() (err error) { d.History, err = s.identifications(ctx, `asset_id = ?`, a.ID); return },
		func() (err error) { d.Changes, err = s.identificationChanges(ctx, `asset_id = ?`, a.ID); return },
		func() (err error) {
			d.Findings, err = s.Findings(ctx, FindingFilter{AssetID: a.ID, IncludeInactive: true})
			return
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return d, fmt.Errorf("store: asset %d: %w", id, err)
		}
	}
	for i := range d.History {
		if d.History[i].ID == a.IdentificationID {
			d.Identification = &d.History[i]
		}
	}
	if d.Identification != nil {
		// The evidence is what the identification was computed from: the
		// observations of its run, or all of them for a reidentification.
		f := ObservationFilter{AssetID: a.ID, RunID: d.Identification.RunID}
		if r, err := s.Run(ctx, f.RunID); err != nil {
			return d, fmt.Errorf("store: asset %d: %w", id, err)
		} else if r.Kind == RunReidentify {
			f.RunID = 0
		}
		err := s.Observations(ctx, f, func(o ObservationRecord) error {
			d.Observations = append(d.Observations, o)
			return nil
		})
		if err != nil {
			return d, fmt.Errorf("store: asset %d: %w", id, err)
		}
	}
	return d, nil
}

// AssetLinks returns the identifiers of an asset, strong kinds first, each
// with the runs that saw it. The runs are recomputed from the asset's
// stored observations with the same extraction Ingest uses, so they are
// exactly the evidence, at no cost to ingest.
func (s *Store) AssetLinks(ctx context.Context, assetID int64) ([]AssetLink, error) {
	rows, err := s.query(ctx, `SELECT l.id, l.asset_id, l.kind, l.value, l.site, l.first_seen, l.last_seen
		FROM asset_links l WHERE l.asset_id = ?
		ORDER BY CASE l.kind WHEN 'mac' THEN 0 WHEN 'serial' THEN 1 WHEN 'tls' THEN 2 WHEN 'hostname' THEN 3
		ELSE 5 END, l.value, l.id`, assetID)
	if err != nil {
		return nil, fmt.Errorf("store: links of asset %d: %w", assetID, err)
	}
	defer rows.Close()
	var out []AssetLink
	for rows.Next() {
		var l AssetLink
		if err := rows.Scan(&l.ID, &l.AssetID, &l.Kind, &l.Value, &l.Site, ts(&l.FirstSeen), ts(&l.LastSeen)); err != nil {
			return nil, fmt.Errorf("store: links of asset %d: %w", assetID, err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: links of asset %d: %w", assetID, err)
	}
	runs, err := s.linkRuns(ctx, assetID)
	if err != nil {
		return nil, fmt.Errorf("store: links of asset %d: %w", assetID, err)
	}
	for i, l := range out {
		out[i].Runs = runs[ident{l.Kind, l.Value, ""}]
	}
	return out, nil
}

// linkRuns replays an asset's observations, one (run, host) at a time,
// through the identifier extraction, and returns for each identifier (site
// left empty) the runs it was seen in, ascending.
func (s *Store) linkRuns(ctx context.Context, assetID int64) (map[ident][]int64, error) {
	type runHost struct {
		run  int64
		host string
	}
	byHost := map[runHost][]covered.Observation{}
	var order []runHost
	err := s.Observations(ctx, ObservationFilter{AssetID: assetID}, func(o ObservationRecord) error {
		k := runHost{o.RunID, o.Host}
		if _, ok := byHost[k]; !ok {
			order = append(order, k)
		}
		byHost[k] = append(byHost[k], o.Observation)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[ident][]int64{}
	for _, k := range order {
		hosts, _ := collectFacts(byHost[k], nil, func(string) string { return "" }, time.Time{}, s.d.text)
		for _, h := range hosts {
			for _, id := range h.ids {
				// The site a run gave the host is not kept with the
				// observations; an asset's identifier is one whatever site.
				id.site = ""
				if !slices.Contains(out[id], k.run) {
					out[id] = append(out[id], k.run)
				}
			}
		}
	}
	for _, runs := range out {
		slices.Sort(runs)
	}
	return out, nil
}

func (s *Store) assetMerges(ctx context.Context, assetID int64) ([]AssetMerge, error) {
	rows, err := s.query(ctx, `SELECT survivor_id, absorbed_id, kind, value, run_id, at FROM asset_merges
		WHERE survivor_id = ? OR absorbed_id = ? ORDER BY id`, assetID, assetID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AssetMerge
	for rows.Next() {
		var m AssetMerge
		if err := rows.Scan(&m.Survivor, &m.Absorbed, &m.Kind, &m.Value, &m.RunID, ts(&m.At)); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *Store) sightings(ctx context.Context, assetID int64) ([]Sighting, error) {
	rows, err := s.query(ctx, `SELECT run_id, host, ip, mac, first_seen, last_seen, observations, match_kind, match_value
		FROM asset_sightings WHERE asset_id = ? ORDER BY run_id, id`, assetID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Sighting
	for rows.Next() {
		var x Sighting
		if err := rows.Scan(&x.RunID, &x.Host, &x.IP, &x.MAC, ts(&x.FirstSeen), ts(&x.LastSeen), &x.Observations,
			&x.MatchKind, &x.MatchValue); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Explain says in sentences why an asset is one device: what created it,
// every merge with the identifier that proved it, how each run's host was
// matched, and the runs each identifier was seen in. It is the answer to
// "why does the report call these the same device?".
func (s *Store) Explain(ctx context.Context, assetID int64) ([]string, error) {
	d, err := s.Asset(ctx, assetID)
	if err != nil {
		return nil, err
	}
	var out []string
	if d.ID != assetID {
		out = append(out, fmt.Sprintf("asset %d was merged into asset %d", assetID, d.ID))
	}
	for _, m := range d.Merges {
		if m.Survivor == d.ID {
			out = append(out, fmt.Sprintf("merged with asset %d by %s %s in run %d%s", m.Absorbed, m.Kind, m.Value,
				m.RunID, seenIn(d.Links, m.Kind, m.Value)))
		}
	}
	for _, x := range d.Sightings {
		how := "as a new asset"
		switch x.MatchKind {
		case "run":
			how = "as the same host earlier in the run"
		case "new", "":
		default:
			how = "by " + x.MatchKind + " " + x.MatchValue
		}
		out = append(out, fmt.Sprintf("run %d saw host %s %s", x.RunID, x.Host, how))
	}
	for _, l := range d.Links {
		out = append(out, fmt.Sprintf("%s %s%s", l.Kind, l.Value, seenIn(d.Links, l.Kind, l.Value)))
	}
	return out, nil
}

func seenIn(links []AssetLink, kind, value string) string {
	for _, l := range links {
		if l.Kind == kind && l.Value == value {
			return ", seen in " + runList(l.Runs)
		}
	}
	return ""
}

// runList writes "run 3", "runs 3 and 7" or "runs 3, 5 and 7".
func runList(runs []int64) string {
	switch len(runs) {
	case 0:
		return "no run"
	case 1:
		return fmt.Sprintf("run %d", runs[0])
	}
	parts := make([]string, len(runs)-1)
	for i, r := range runs[:len(runs)-1] {
		parts[i] = fmt.Sprint(r)
	}
	return fmt.Sprintf("runs %s and %d", strings.Join(parts, ", "), runs[len(runs)-1])
}
