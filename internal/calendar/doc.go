// Package calendar owns service calendars and the business-time math of SLA clocks.
//
// A Calendar has a time zone, weekly opening hours (any number of half-open intervals per
// weekday), public holidays of a country or region taken from github.com/rickar/cal/v2, extra
// closed dates, closed days that recur every year (24 Dec, 31 Dec, 5 Jun) and dated exceptions
// with other hours (half-days). Opening hours are wall-clock times; they are turned into instants
// per civil day with time.Date in the calendar's location, so a DST day simply has 23 or 25 hours
// and the math never counts wall-clock minutes that did not happen.
//
// The math works on whole days and on per-year tables of open time (built once per year and
// cached), never minute by minute: a deadline 10,000 business hours away costs a few binary
// searches once the years involved are cached. A Calendar is immutable after New and safe for
// concurrent use.
package calendar
