package report

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFederalHolidays(t *testing.T) {
	// Observed dates from OPM's published federal holiday tables.
	want := map[int][]string{
		2021: {"2021-01-01", "2021-01-18", "2021-02-15", "2021-05-31", "2021-06-18", "2021-07-05", "2021-09-06", "2021-10-11", "2021-11-11", "2021-11-25", "2021-12-24", "2021-12-31"},
		2026: {"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"},
		2027: {"2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24", "2027-12-31"},
		2028: {"2028-01-17", "2028-02-21", "2028-05-29", "2028-06-19", "2028-07-04", "2028-09-04", "2028-10-09", "2028-11-10", "2028-11-23", "2028-12-25"},
	}
	for y, days := range want {
		got := map[string]bool{}
		for d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
			if isHoliday(dateOf(d)) {
				got[d.Format(time.DateOnly)] = true
			}
		}
		for _, d := range days {
			if !got[d] {
				t.Errorf("%d: %s is not a holiday", y, d)
			}
			delete(got, d)
		}
		for d := range got {
			t.Errorf("%d: %s is a holiday but should not be", y, d)
		}
	}
	// Juneteenth did not exist before 2021.
	if isHoliday(dateOf(date("2020-06-19"))) {
		t.Error("2020-06-19 is a holiday")
	}
}

func TestAddBusinessDays(t *testing.T) {
	tests := []struct {
		name, from string
		n          int
		want       string
	}{
		{"ordinary weekday", "2026-12-01", 1, "2026-12-02"},
		{"friday to monday", "2026-12-04", 1, "2026-12-07"},
		{"saturday to monday", "2026-12-05", 1, "2026-12-07"},
		{"day before thanksgiving", "2026-11-25", 1, "2026-11-27"},
		{"thanksgiving itself", "2026-11-26", 1, "2026-11-27"},
		{"christmas eve 2026 (thursday): christmas friday, weekend", "2026-12-24", 1, "2026-12-28"},
		{"friday 2027-12-24 is the observed christmas", "2027-12-24", 1, "2027-12-27"},
		{"new year 2028 (saturday) observed friday 2027-12-31", "2027-12-30", 1, "2028-01-03"},
		{"ten days across thanksgiving", "2026-11-24", 10, "2026-12-09"},
		{"ten days across christmas and new year", "2026-12-28", 10, "2027-01-12"},
		{"ten days across 2027 year end", "2027-12-20", 10, "2028-01-05"},
		{"juneteenth 2027 observed friday", "2027-06-17", 1, "2027-06-21"},
		{"independence day 2026 observed friday", "2026-07-02", 1, "2026-07-06"},
		{"MLK day", "2027-01-15", 1, "2027-01-19"},
		{"zero days", "2026-12-05", 0, "2026-12-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AddBusinessDays(date(tt.from), tt.n).Format(time.DateOnly)
			if got != tt.want {
				t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestDeadlineUsesLocalDay(t *testing.T) {
	// 23:30 on Wednesday in New York is already Thursday (Thanksgiving) in
	// UTC; the day of discovery is the one in the time's own location.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	local := time.Date(2026, 11, 25, 23, 30, 0, 0, ny)
	if got := AddBusinessDays(local, 1).Format(time.DateOnly); got != "2026-11-27" {
		t.Errorf("local: got %s, want 2026-11-27", got)
	}
	if got := AddBusinessDays(local.UTC(), 1).Format(time.DateOnly); got != "2026-11-27" {
		t.Errorf("UTC (Thanksgiving): got %s, want 2026-11-27", got)
	}
	if !IsBusinessDay(local) || IsBusinessDay(local.UTC()) {
		t.Error("IsBusinessDay does not use the time's own day")
	}
}
