package report

import (
	"slices"
	"sync"
	"time"
)

// FAR 52.204-25(d)(2) counts in business days: the first report is due
// within one business day of discovery, the follow-up within ten business
// days of the first report. The clause does not define "business day"; this
// package uses the federal calendar (Monday to Friday, minus the eleven
// holidays of 5 U.S.C. 6103 on the days OPM observes them). Inauguration Day
// is left out: it only affects the Washington, DC area.

// civilDate is a calendar day without time or location, so that deadline
// arithmetic cannot be shifted by time zones or daylight saving.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

func (c civilDate) time() time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC) }

func (c civilDate) addDays(n int) civilDate { return dateOf(c.time().AddDate(0, 0, n)) }

func (c civilDate) weekday() time.Weekday { return c.time().Weekday() }

func (c civilDate) before(o civilDate) bool { return c.time().Before(o.time()) }

func (c civilDate) String() string { return c.time().Format(time.DateOnly) }

// nthWeekday is the n-th (1-based) wd of the month; n = -1 means the last.
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) civilDate {
	if n < 0 {
		last := civilDate{y, m + 1, 1}.addDays(-1)
		back := (int(last.weekday()) - int(wd) + 7) % 7
		return last.addDays(-back)
	}
	first := civilDate{y, m, 1}
	fwd := (int(wd) - int(first.weekday()) + 7) % 7
	return first.addDays(fwd + 7*(n-1))
}

// observed moves a fixed-date holiday that falls on a weekend to the day
// federal employees get off: Saturday to the Friday before, Sunday to the
// Monday after (5 U.S.C. 6103(b); Executive Order 11582).
func observed(c civilDate) civilDate {
	switch c.weekday() {
	case time.Saturday:
		return c.addDays(-1)
	case time.Sunday:
		return c.addDays(1)
	}
	return c
}

// federalHolidays returns the observed federal holidays of year y. New
// Year's Day of y+1 can be observed on December 31 of y, so callers asking
// about a day must check the holidays of that day's year and the next.
func federalHolidays(y int) []civilDate {
	h := []civilDate{
		observed(civilDate{y, time.January, 1}),
		nthWeekday(y, time.January, time.Monday, 3),  // Birthday of Martin Luther King, Jr.
		nthWeekday(y, time.February, time.Monday, 3), // Washington's Birthday
		nthWeekday(y, time.May, time.Monday, -1),     // Memorial Day
		observed(civilDate{y, time.July, 4}),
		nthWeekday(y, time.September, time.Monday, 1),  // Labor Day
		nthWeekday(y, time.October, time.Monday, 2),    // Columbus Day
		observed(civilDate{y, time.November, 11}),      // Veterans Day
		nthWeekday(y, time.November, time.Thursday, 4), // Thanksgiving Day
		observed(civilDate{y, time.December, 25}),
	}
	if y >= 2021 { // Juneteenth National Independence Day, enacted 2021-06-17
		h = append(h, observed(civilDate{y, time.June, 19}))
	}
	return h
}

// holidayCache maps a year to its federalHolidays; deadlines of 10,000
// findings would otherwise recompute them hundreds of thousands of times.
var holidayCache sync.Map // int -> []civilDate

func holidaysOf(y int) []civilDate {
	if h, ok := holidayCache.Load(y); ok {
		return h.([]civilDate)
	}
	h, _ := holidayCache.LoadOrStore(y, federalHolidays(y))
	return h.([]civilDate)
}

// isHoliday reports whether c is an observed federal holiday.
func isHoliday(c civilDate) bool {
	return slices.Contains(holidaysOf(c.y), c) || slices.Contains(holidaysOf(c.y+1), c)
}

// isBusinessDay reports whether c is a federal working day.
func isBusinessDay(c civilDate) bool {
	wd := c.weekday()
	return wd != time.Saturday && wd != time.Sunday && !isHoliday(c)
}

// addBusinessDays returns the n-th business day after c (the day of c itself
// does not count, whether or not it is a business day), so a discovery on a
// Saturday is due one business day later, on Monday.
func addBusinessDays(c civilDate, n int) civilDate {
	for n > 0 {
		c = c.addDays(1)
		if isBusinessDay(c) {
			n--
		}
	}
	return c
}

// AddBusinessDays returns the calendar day n federal business days after the
// day of t (in t's location), at midnight UTC. It is the deadline arithmetic
// of the 889 report, exported for the CLI and API to show the same dates.
func AddBusinessDays(t time.Time, n int) time.Time {
	return addBusinessDays(dateOf(t), n).time()
}

// IsBusinessDay reports whether the day of t (in t's location) is a federal
// working day: Monday to Friday and not an observed federal holiday.
func IsBusinessDay(t time.Time) bool { return isBusinessDay(dateOf(t)) }
