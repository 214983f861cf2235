package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Column kinds of the export format.
const (
	colInt     = iota // integer
	colNullInt        // integer or null (optional reference)
	colText           // string
	colReal           // float
	colBool           // boolean
	colTime           // RFC 3339 string or null
	colBytes          // any bytes: a string, or "hex:..." as in the observation contract; or null
	colValue          // like colBytes, never null (observation values)
	colJSON           // a JSON value, embedded as is
)

type column struct {
	name string
	kind int
}

type table struct {
	name  string
	cols  []column
	order string // ORDER BY of the export
}

func cols(spec string) []column {
	var out []column
	for _, f := range strings.Fields(spec) {
		name, kind, _ := strings.Cut(f, ":")
		k := map[string]int{"i": colInt, "n": colNullInt, "s": colText, "f": colReal, "b": colBool, "t": colTime,
			"x": colBytes, "v": colValue, "j": colJSON}[kind]
		out = append(out, column{name, k})
	}
	return out
}

// tables is the export and import schema, in an order where every row's
// references point at rows already written (the self and cyclic references
// are deferred constraints). It is the one list to extend when a migration
// adds a column.
var tables = []table{
	{"runs", cols(`id:i kind:s status:s actor:s machine:s site:s started_at:t finished_at:t scope:j scope_key:s
		exclusions:j ports:s options:j tool_version:s rules_version:s lists_version:s hosts:i observations:i failed:i
		stored_observations:i notes:s`), "id"},
	{"assets", cols(`id:i site:s first_seen:t last_seen:t first_run_id:i last_run_id:i last_host:s last_ip:s
		last_ip_key:x last_mac:s identification_id:n status:s covered_entity:s manufacturer:s brand:s model:s
		device_type:s confidence:f merged_into:n merged_at:t`), "id"},
	{"asset_links", cols(`id:i asset_id:i kind:s value:s site:s first_seen:t last_seen:t`), "id"},
	{"asset_merges", cols(`id:i survivor_id:i absorbed_id:i kind:s value:s run_id:i at:t`), "id"},
	{"asset_sightings", cols(`id:i run_id:i asset_id:i host:s ip:s mac:s first_seen:t last_seen:t observations:i
		match_kind:s match_value:s`), "id"},
	{"observations", cols(`id:i run_id:i sighting_id:i host:s key:s value:v port:i transport:s path:s source:s seen:t ip:s mac:s`), "id"},
	{"identifications", cols(`id:i asset_id:i run_id:i host:s at:t status:s covered_entity:s manufacturer:s brand:s
		model:s device_type:s confidence:f rules_version:s lists_version:s body:j`), "id"},
	{"identification_changes", cols(`id:i asset_id:i run_id:i at:t old_identification_id:n new_identification_id:i
		old_status:s new_status:s old_entity:s new_entity:s`), "id"},
	{"findings", cols(`id:i asset_id:i covered_entity:s status:s active:b first_run_id:i first_found:t last_run_id:i
		last_seen:t identification_id:i cleared_run_id:n cleared_at:t merged_into:n state:s owner:s due:t ticket:s
		notes:s reason:s expires:t reported:t follow_up:t updated_by:s updated_at:t`), "id"},
	{"remediations", cols(`id:i finding_id:i at:t actor:s state:s owner:s due:t ticket:s notes:s reason:s expires:t
		reported:t follow_up:t run_id:n comment:s`), "id"},
	{"check_findings", cols(`id:i asset_id:i check_id:s title:s severity:s cves:s kev:b kev_date_added:s side_effect:s
		requests:i evidence:j advice:s source:s first_run_id:i last_run_id:i first_seen:t last_seen:t active:b
		cleared_run_id:n`), "id"},
	{"audit_log", cols(`id:i at:t actor:s action:s object_type:s object_id:i details:j`), "id"},
}

// Export writes every row of every table as JSON Lines, one object per row
// with a "table" field, from one consistent snapshot: a backup that Import
// restores into either backend, and an input other tools can read without
// knowing SQL.
func (s *Store) Export(ctx context.Context, w io.Writer) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d.postgres() {
		opts.Isolation = sql.LevelRepeatableRead
	} else {
		opts = nil // a SQLite read transaction is a snapshot already
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	defer tx.Rollback()
	bw := bufio.NewWriterSize(w, 1<<16)
	for _, t := range tables {
		if err := s.exportTable(ctx, tx, bw, t); err != nil {
			return fmt.Errorf("store: export %s: %w", t.name, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	return nil
}

func (s *Store) exportTable(ctx context.Context, tx *sql.Tx, w *bufio.Writer, t table) error {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+t.name+` ORDER BY `+t.order)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(t.cols))
	for rows.Next() {
		dest := make([]any, len(t.cols))
		for i, c := range t.cols {
			switch c.kind {
			case colInt:
				vals[i] = new(int64)
				dest[i] = vals[i]
			case colNullInt:
				vals[i] = new(int64)
				dest[i] = nullInt{vals[i].(*int64)}
			case colText:
				vals[i] = new(string)
				dest[i] = vals[i]
			case colReal:
				vals[i] = new(float64)
				dest[i] = vals[i]
			case colBool:
				vals[i] = new(bool)
				dest[i] = vals[i]
			case colTime:
				vals[i] = new(time.Time)
				dest[i] = ts(vals[i].(*time.Time))
			case colBytes, colValue:
				vals[i] = new([]byte)
				dest[i] = vals[i]
			case colJSON:
				vals[i] = new(string)
				dest[i] = jsonText{vals[i].(*string)}
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		// Hand-built so that column order is the schema's and JSON
		// columns embed without re-encoding.
		var b strings.Builder
		b.WriteString(`{"table":"`)
		b.WriteString(t.name)
		b.WriteByte('"')
		for i, c := range t.cols {
			b.WriteString(`,"`)
			b.WriteString(c.name)
			b.WriteString(`":`)
			var v []byte
			switch c.kind {
			case colNullInt:
				if n := *vals[i].(*int64); n == 0 {
					v = []byte("null")
				} else {
					v, _ = json.Marshal(n)
				}
			case colTime:
				if tm := *vals[i].(*time.Time); tm.IsZero() {
					v = []byte("null")
				} else {
					v, _ = json.Marshal(tm.UTC().Format(time.RFC3339Nano))
				}
			case colBytes, colValue:
				if p := *vals[i].(*[]byte); p == nil && c.kind == colBytes {
					v = []byte("null")
				} else {
					v, _ = json.Marshal(bytesText(p))
				}
			case colJSON:
				v = []byte(compactJSON(*vals[i].(*string)))
			default:
				v, err = json.Marshal(vals[i])
				if err != nil {
					return err
				}
			}
			b.Write(v)
		}
		b.WriteString("}\n")
		if _, err := w.WriteString(b.String()); err != nil {
			return err
		}
	}
	return rows.Err()
}

// bytesText is the observation contract's encoding of a value: the text
// itself when it is valid UTF-8 without NUL and does not start with "hex:",
// else "hex:" and lowercase hex.
func bytesText(p []byte) string {
	if utf8.Valid(p) && !strings.ContainsRune(string(p), 0) && !strings.HasPrefix(string(p), "hex:") {
		return string(p)
	}
	return hexValue(p)
}

func textBytes(s string) ([]byte, error) {
	if h, ok := strings.CutPrefix(s, "hex:"); ok {
		return hex.DecodeString(h)
	}
	return []byte(s), nil
}

// compactJSON normalises a JSON column (PostgreSQL's JSONB reformats it)
// so both backends export the same bytes.
func compactJSON(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "null"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Import restores an Export into an empty store, keeping every id, in one
// transaction: it either restores everything or nothing. It is how a
// SQLite inventory moves to PostgreSQL, and how a backup comes back.
func (s *Store) Import(ctx context.Context, r io.Reader, actor string) error {
	byName := map[string]table{}
	for _, t := range tables {
		byName[t.name] = t
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int64
		if err := s.txQueryRow(ctx, tx, `SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM audit_log)`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errors.New("the store is not empty")
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 1<<20), 8*MaxValueBytes)
		var cur *table
		var pending [][]any
		flush := func() error {
			if cur == nil || len(pending) == 0 {
				return nil
			}
			names := make([]string, len(cur.cols))
			for i, c := range cur.cols {
				names[i] = c.name
			}
			err := s.insertRows(ctx, tx, `INSERT INTO `+cur.name+` (`+strings.Join(names, ", ")+`)`, len(names), pending, "", nil)
			pending = pending[:0]
			return err
		}
		counts := map[string]int{}
		line := 0
		for sc.Scan() {
			line++
			if len(strings.TrimSpace(sc.Text())) == 0 {
				continue
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
				return fmt.Errorf("line %d: %w", line, err)
			}
			var name string
			if err := json.Unmarshal(obj["table"], &name); err != nil {
				return fmt.Errorf("line %d: table: %w", line, err)
			}
			t, ok := byName[name]
			if !ok {
				return fmt.Errorf("line %d: unknown table %q", line, name)
			}
			if cur == nil || cur.name != name {
				if err := flush(); err != nil {
					return fmt.Errorf("line %d: %w", line, err)
				}
				cur = &t
			}
			row, err := s.importRow(t, obj)
			if err != nil {
				return fmt.Errorf("line %d (%s): %w", line, name, err)
			}
			pending = append(pending, row)
			counts[name]++
			if len(pending) >= 1000 {
				if err := flush(); err != nil {
					return fmt.Errorf("line %d: %w", line, err)
				}
			}
		}
		if err := sc.Err(); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		if s.d.postgres() {
			// Ids were given explicitly; move the identity sequences past them.
			for _, t := range tables {
				if t.cols[0].name != "id" {
					continue
				}
				if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t.name+`', 'id'),
					COALESCE((SELECT max(id) FROM `+t.name+`), 0) + 1, false)`); err != nil {
					return err
				}
			}
		}
		return s.audit(ctx, tx, s.clock(), actor, "store.import", "store", 0, map[string]any{"rows": counts})
	})
	if err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	return nil
}

func (s *Store) importRow(t table, obj map[string]json.RawMessage) ([]any, error) {
	row := make([]any, len(t.cols))
	for i, c := range t.cols {
		raw, ok := obj[c.name]
		if !ok {
			return nil, fmt.Errorf("column %s missing", c.name)
		}
		null := string(raw) == "null"
		var err error
		switch c.kind {
		case colInt:
			var n int64
			err = json.Unmarshal(raw, &n)
			row[i] = n
		case colNullInt:
			var n int64
			if !null {
				err = json.Unmarshal(raw, &n)
			}
			row[i] = ni(n)
		case colText:
			var v string
			err = json.Unmarshal(raw, &v)
			row[i] = s.d.text(v)
		case colReal:
			var v float64
			err = json.Unmarshal(raw, &v)
			row[i] = v
		case colBool:
			var v bool
			err = json.Unmarshal(raw, &v)
			row[i] = v
		case colTime:
			var v string
			var tm time.Time
			if !null {
				if err = json.Unmarshal(raw, &v); err == nil {
					tm, err = time.Parse(time.RFC3339Nano, v)
				}
			}
			row[i] = s.d.tv(tm)
		case colBytes, colValue:
			var v string
			if c.kind == colValue {
				row[i] = []byte{}
			}
			if !null {
				if err = json.Unmarshal(raw, &v); err == nil {
					row[i], err = textBytes(v)
				}
			}
		case colJSON:
			row[i] = compactJSON(string(raw))
		}
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.name, err)
		}
	}
	return row, nil
}
