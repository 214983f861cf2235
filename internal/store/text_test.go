package store

import (
	"context"
	"io"
	"strings"
	"testing"

	covered "github.com/coveredtool/covered"
)

// Devices answer with NUL bytes and invalid UTF-8 (binary vendor protocol
// replies, truncated names). Observation values and identification bodies
// keep them on both backends; TEXT columns keep them on SQLite and get
// U+FFFD on PostgreSQL, which refuses both.
func TestIngestBinaryText(t *testing.T) {
	const (
		rawHost  = "dev\x00ice\xff"
		rawPath  = "/a\x00b\xfe"
		rawValue = "\x00\x01reply\xff\xfe"
		rawModel = "M\x00X\xff"
		rawFW    = "1.0\x00\xc3"
		rawEvid  = "\x00bin\xffary"
		serial   = "SN\x00123\xff"
	)
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		pg := s.Backend() == BackendPostgres
		text := func(raw string) string {
			if !pg {
				return raw
			}
			return strings.NewReplacer("\x00", "\uFFFD", "\xff", "\uFFFD", "\xfe", "\uFFFD", "\xc3", "\uFFFD").Replace(raw)
		}
		ingest := func() int64 {
			run := beginRun(t, s, Run{})
			obs := []covered.Observation{
				{Host: rawHost, Key: "vendor.reply", Value: rawValue, Path: rawPath, Source: "scan", Seen: t0},
				{Host: rawHost, Key: "inventory.serial", Value: serial, Source: "scan", Seen: t0},
			}
			id := idOf(rawHost, covered.StatusCovered, "Hikvision", "Hikvision")
			id.Model, id.Firmware = rawModel, rawFW
			id.Evidence = []covered.Evidence{{Key: "vendor.reply", Value: rawEvid, Rule: "r", Certainty: 0.9}}
			if err := s.Ingest(ctx, run, obs, []covered.Identification{id}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FinishRun(ctx, run, RunComplete, RunCounts{}); err != nil {
				t.Fatal(err)
			}
			return run
		}
		run1 := ingest()
		asset := assetOf(t, s, run1, text(rawHost))
		run2 := ingest()
		if again := assetOf(t, s, run2, text(rawHost)); again != asset {
			t.Errorf("second run matched asset %d, want %d (same serial)", again, asset)
		}

		var got []ObservationRecord
		if err := s.Observations(ctx, ObservationFilter{RunID: run1}, func(o ObservationRecord) error {
			got = append(got, o)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("read %d observations, want 2", len(got))
		}
		if o := got[0]; o.Value != rawValue || o.Host != text(rawHost) || o.Path != text(rawPath) {
			t.Errorf("observation = value %q host %q path %q, want %q %q %q", o.Value, o.Host, o.Path, rawValue, text(rawHost), text(rawPath))
		}
		if o := got[1]; o.Value != serial {
			t.Errorf("serial value = %q, want %q", o.Value, serial)
		}

		d, err := s.Asset(ctx, asset)
		if err != nil {
			t.Fatal(err)
		}
		if d.Model != text(rawModel) || d.LastHost != text(rawHost) {
			t.Errorf("asset model %q host %q, want %q %q", d.Model, d.LastHost, text(rawModel), text(rawHost))
		}
		// The body is JSON: NUL survives as \u0000 on both backends, invalid
		// UTF-8 becomes U+FFFD on both (encoding/json does that).
		id := d.Identification
		if id == nil {
			t.Fatal("no current identification")
		}
		if want := "M\x00X\uFFFD"; id.Model != want {
			t.Errorf("identification model %q, want %q", id.Model, want)
		}
		if want := "1.0\x00\uFFFD"; id.Firmware != want {
			t.Errorf("identification firmware %q, want %q", id.Firmware, want)
		}
		if want := "\x00bin\uFFFDary"; len(id.Evidence) != 1 || id.Evidence[0].Value != want {
			t.Errorf("identification evidence %+v, want value %q", id.Evidence, want)
		}
		if id.Host != "dev\x00ice\uFFFD" {
			t.Errorf("identification host %q", id.Host)
		}
		if len(d.Findings) != 1 {
			t.Errorf("findings = %d, want 1", len(d.Findings))
		}
		if err := s.Export(ctx, io.Discard); err != nil {
			t.Errorf("export: %v", err)
		}
	})
}
