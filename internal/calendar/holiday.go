package calendar

import (
	"sort"
	"strings"
	"sync"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
)

// Holiday is a public holiday on a civil date.
type Holiday struct {
	Date Date
	Name string
}

// Corrections of the pinned library (v2.1.13), each a clone of its own entry with the year the
// law took effect, so old dates are not closed and new ones are not missed. They restrict or
// add a start year only; every date still comes from the library's rules.
var (
	// Berlin made 8 March a holiday from 2019; the library has it for every year.
	frauentagBE = de.Frauentag.Clone(&cal.Holiday{StartYear: 2019})
	// Mecklenburg-Vorpommern made 8 March a holiday from 2023; the library lacks it.
	frauentagMV = de.Frauentag.Clone(&cal.Holiday{StartYear: 2023})
	// Bremen, Hamburg, Niedersachsen and Schleswig-Holstein made 31 October a holiday from
	// 2018; the library has it for every year.
	reformationstagNorth = de.Reformationstag.Clone(&cal.Holiday{StartYear: 2018})
)

// replace returns a copy of list with old swapped for repl (appended when old is absent).
func replace(list []*cal.Holiday, old, repl *cal.Holiday) []*cal.Holiday {
	out := make([]*cal.Holiday, 0, len(list)+1)
	found := false
	for _, h := range list {
		if h == old {
			h, found = repl, true
		}
		out = append(out, h)
	}
	if !found {
		out = append(out, repl)
	}
	return out
}

// holidayLists maps country and region ("" = the whole country) to the library's lists.
// Switzerland has no country-wide entry on purpose: the library's ch.Holidays is the union of
// cantonal holidays (St. Joseph, Corpus Christi, Assumption…), not the federal ones, so a Swiss
// calendar names its canton.
var holidayLists = map[string]map[string][]*cal.Holiday{
	"DK": {"": dk.Holidays},
	"AT": {"": at.Holidays},
	"DE": {
		"": de.Holidays, "BW": de.HolidaysBW, "BY": de.HolidaysBY,
		"BE": replace(de.HolidaysBE, de.Frauentag, frauentagBE),
		"BB": de.HolidaysBB,
		"HB": replace(de.HolidaysHB, de.Reformationstag, reformationstagNorth),
		"HH": replace(de.HolidaysHH, de.Reformationstag, reformationstagNorth),
		"HE": de.HolidaysHE,
		"MV": replace(de.HolidaysMV, nil, frauentagMV),
		"NI": replace(de.HolidaysNI, de.Reformationstag, reformationstagNorth),
		"NW": de.HolidaysNW, "RP": de.HolidaysRP, "SL": de.HolidaysSL, "SN": de.HolidaysSN,
		"ST": de.HolidaysST,
		"SH": replace(de.HolidaysSH, de.Reformationstag, reformationstagNorth),
		"TH": de.HolidaysTH,
	},
	"CH": {
		"ZH": ch.HolidaysZH, "BE": ch.HolidaysBE, "LU": ch.HolidaysLU, "UR": ch.HolidaysUR,
		"SZ": ch.HolidaysSZ, "OW": ch.HolidaysOW, "NW": ch.HolidaysNW, "GL": ch.HolidaysGL,
		"ZG": ch.HolidaysZG, "FR": ch.HolidaysFR, "SO": ch.HolidaysSO, "BS": ch.HolidaysBS,
		"BL": ch.HolidaysBL, "SH": ch.HolidaysSH, "AR": ch.HolidaysAR, "AI": ch.HolidaysAI,
		"SG": ch.HolidaysSG, "GR": ch.HolidaysGR, "AG": ch.HolidaysAG, "TG": ch.HolidaysTG,
		"VD": ch.HolidaysVD, "TI": ch.HolidaysTI, "VS": ch.HolidaysVS, "NE": ch.HolidaysNE,
		"GE": ch.HolidaysGE, "JU": ch.HolidaysJU,
	},
}

// regionCodes lists the valid regions of country for error messages.
func regionCodes(country string) string {
	var codes []string
	for r := range holidayLists[country] {
		if r != "" {
			codes = append(codes, r)
		}
	}
	sort.Strings(codes)
	return strings.Join(codes, ", ")
}

// holidaySet computes the holidays of one country or region and caches them per year. Sets are
// shared by all calendars of the same region.
type holidaySet struct {
	defs []*cal.Holiday

	mu     sync.RWMutex
	byYear map[int]map[MonthDay]string
}

var (
	setsMu sync.Mutex
	sets   = map[string]*holidaySet{}
)

// holidaysOf returns the shared set of country and region; ok is false if the library has no
// list for them.
func holidaysOf(country, region string) (s *holidaySet, ok bool) {
	list, ok := holidayLists[country][region]
	if !ok {
		return nil, false
	}
	key := country + "-" + region
	setsMu.Lock()
	defer setsMu.Unlock()
	if s = sets[key]; s == nil {
		s = &holidaySet{defs: list, byYear: map[int]map[MonthDay]string{}}
		sets[key] = s
	}
	return s, true
}

// year returns the holidays of year keyed by day, computing them once. The map must not be
// modified.
func (s *holidaySet) year(year int) map[MonthDay]string {
	s.mu.RLock()
	m, ok := s.byYear[year]
	s.mu.RUnlock()
	if ok {
		return m
	}
	m = map[MonthDay]string{}
	for _, h := range s.defs {
		// Calc reports the day in the library's location; only its civil date is used. None of
		// the lists used here moves a holiday to a substitute day, so observed equals actual.
		_, observed := h.Calc(year)
		if observed.IsZero() {
			continue // not observed that year (e.g. Store bededag after 2023)
		}
		d := DateOf(observed)
		if d.Year != year {
			continue
		}
		md := MonthDay{d.Month, d.Day}
		if prev, dup := m[md]; dup {
			m[md] = prev + " / " + h.Name
		} else {
			m[md] = h.Name
		}
	}
	if !cacheable(year) {
		return m
	}
	s.mu.Lock()
	if cached, ok := s.byYear[year]; ok {
		m = cached // another goroutine won; keep one map per year
	} else {
		s.byYear[year] = m
	}
	s.mu.Unlock()
	return m
}

// list returns the holidays of year in date order.
func (s *holidaySet) list(year int) []Holiday {
	m := s.year(year)
	out := make([]Holiday, 0, len(m))
	for md, name := range m {
		out = append(out, Holiday{Date{year, md.Month, md.Day}, name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.yearDay() < out[j].Date.yearDay() })
	return out
}
