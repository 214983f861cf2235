package store

import (
	"testing"
	"time"
)

func TestFormatSQLiteTime(t *testing.T) {
	for _, tm := range []time.Time{
		{}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), t0, time.Date(2026, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 1000, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 4, 5, 6, 7, 89000, time.UTC),
	} {
		if got, want := formatSQLiteTime(tm), tm.Format(sqliteTime); got != want {
			t.Errorf("formatSQLiteTime(%v) = %q, want %q", tm, got, want)
		}
	}
}
