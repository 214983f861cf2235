package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The inventory's substring search (AssetFilter.Search) is LIKE '%q%'
// (SQLite; PostgreSQL: ILIKE) on searchColumns, the query's wildcards taken
// literally. Migration 8 indexes those columns by trigrams so that a search
// does not read every asset: SQLite in the FTS5 table assets_search,
// PostgreSQL in the GIN index assets_search_trgm on searchConcat. Either
// index only narrows the assets to those that may match; what matches is
// what LIKE (ILIKE) says, exactly as without the index, which a search
// shorter than three characters, and a PostgreSQL store whose role could
// not install pg_trgm, still do by reading every asset.

// searchColumns are the asset columns the search looks in, in the order
// migration 8 indexes them.
var searchColumns = []string{"last_host", "last_ip", "last_mac", "manufacturer", "model", "covered_entity", "site"}

// searchSep joins searchColumns in PostgreSQL's index expression: the unit
// separator, which no one types into a search box. A query without it
// matches the joined text exactly where it matches one of the columns.
const searchSep = "\x1f"

// searchConcat is the expression of assets_search_trgm on alias a, as
// migration 8 writes it: the planner uses the index for an ILIKE on exactly
// this expression.
var searchConcat = "(a." + strings.Join(searchColumns, ` || E'\x1f' || a.`) + ")"

// minSearchIndexed is the shortest query, in characters, the trigram
// indexes answer: shorter ones have no trigram (FTS5 finds nothing for them,
// pg_trgm would read its whole index), so they scan.
const minSearchIndexed = 3

// searchCond is the search condition for query q (trimmed, not empty) on
// assets alias a, with its arguments; index says whether it may use the
// search index.
//
//   - SQLite: the assets whose rowid the FTS5 table gives for every
//     trigram of q (anywhere in the columns, folded to lowercase in all of
//     Unicode where LIKE folds ASCII only: more assets than LIKE matches,
//     never fewer), then the LIKE.
//   - PostgreSQL: ILIKE on the columns joined by searchSep, which the index
//     answers. For a query without searchSep that is the per-column ILIKE
//     exactly (a match cannot span two columns); otherwise the per-column
//     ILIKE follows.
func (s *Store) searchCond(q string, index bool) (string, []any) {
	// Substring match on what people search an inventory for, without
	// case (LIKE is case-insensitive for ASCII in SQLite; PostgreSQL has
	// ILIKE); LIKE's wildcards in the query are taken literally.
	pat := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
	like := "LIKE"
	if s.d.postgres() {
		like = "ILIKE"
	}
	var ors []string
	var args []any
	for _, col := range searchColumns {
		ors = append(ors, "a."+col+" "+like+" ? ESCAPE '\\'")
		args = append(args, pat)
	}
	scan := "(" + strings.Join(ors, " OR ") + ")"
	switch {
	case !index || !s.searchIndexable(q):
		return scan, args
	case s.d.postgres() && !strings.Contains(q, searchSep):
		return searchConcat + " ILIKE ? ESCAPE '\\'", []any{pat}
	case s.d.postgres():
		return searchConcat + " ILIKE ? ESCAPE '\\' AND " + scan, append([]any{pat}, args...)
	}
	return "a.id IN (SELECT rowid FROM assets_search WHERE assets_search MATCH ?) AND " + scan,
		append([]any{ftsTrigrams(q)}, args...)
}

// ftsTrigrams is q as an FTS5 query: each trigram of q as a string (in
// double quotes, its own doubled), which the tokenizer folds as it folded
// the columns, all of them required. (The table keeps no positions, so q
// cannot be one phrase.) A long query stops at 32 trigrams: a few already
// leave only the assets that match, and any of them keeps every one.
func ftsTrigrams(q string) string {
	r := []rune(q)
	var terms []string
	for i := 0; i+3 <= len(r) && len(terms) < 32; i++ {
		t := `"` + strings.ReplaceAll(string(r[i:i+3]), `"`, `""`) + `"`
		if !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	return strings.Join(terms, " AND ")
}

// searchIndexable says whether the search index can answer query q. A
// query that is not valid UTF-8 or holds NUL is left to the scan rather
// than to how the tokenizers and the FTS5 query parser would take it.
func (s *Store) searchIndexable(q string) bool {
	if !s.searchIndex || !utf8.ValidString(q) || strings.IndexByte(q, 0) >= 0 || utf8.RuneCountInString(q) < minSearchIndexed {
		return false
	}
	// pg_trgm takes trigrams from the letters and digits of a pattern
	// only; without any it would read the whole index.
	return !s.d.postgres() || strings.IndexFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// searchIndexPays says whether a page of assets in the last-seen order,
// searched for q, is better read through the search index than in that
// order (an index has it) until the page is full. SQLite only: PostgreSQL's
// planner weighs that itself from its statistics.
//
// Through the index, the page costs reading and sorting every match: for a
// query that matches most of the inventory ("cisco" in a Cisco shop) that
// is several times a scan. In order, it costs reading (offset + limit) ×
// assets / matches rows when matches are spread over time, and at worst,
// when they all lie at the far end, one walk of the inventory: what the
// search cost before it had an index. So a query the index gives more than
// one asset in ten for is read in order: about ten rows read per row shown,
// not tens of thousands of matches sorted. Asking the FTS5 table for that
// many rowids, and no more, costs little next to either.
func (s *Store) searchIndexPays(ctx context.Context, q string) (bool, error) {
	q = strings.TrimSpace(q)
	if s.d.postgres() || q == "" || !s.searchIndexable(q) {
		return true, nil
	}
	var assets int64
	if err := s.queryRow(ctx, `SELECT coalesce(max(id), 0) FROM assets`).Scan(&assets); err != nil {
		return false, err
	}
	most := assets / 10
	var n int64
	if err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM assets_search WHERE assets_search MATCH ? LIMIT ?)`,
		ftsTrigrams(q), most+1).Scan(&n); err != nil {
		return false, err
	}
	return n <= most, nil
}

// hasSearchIndex reports whether the schema has the search index:
// migration 8 made it, unless (PostgreSQL) the role could not install
// pg_trgm; a store opened at an older version (tests) has none.
func (s *Store) hasSearchIndex(ctx context.Context) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'assets_search'`
	if s.d.postgres() {
		// The index on the assets table this store uses, in its schema.
		q = `SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			WHERE i.indrelid = to_regclass('assets') AND c.relname = 'assets_search_trgm' AND i.indisvalid`
	}
	var n int
	if err := s.w.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, fmt.Errorf("store: search index: %w", err)
	}
	return n > 0, nil
}
