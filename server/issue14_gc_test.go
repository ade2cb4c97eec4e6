package main

import (
	"math"
	"testing"
)

// TestIssue14GCConfig: GC_PERCENT and MEMORY_LIMIT set the collector, with measured defaults
// that give way to the runtime's own GOGC / GOMEMLIMIT; bad values are refused by name.
func TestIssue14GCConfig(t *testing.T) {
	for _, c := range []struct {
		env          map[string]string
		percent      int
		limit        int64
		errorMessage string
	}{
		{env: nil, percent: 400, limit: 32 << 20},
		{env: map[string]string{"GC_PERCENT": "200", "MEMORY_LIMIT": "512MiB"}, percent: 200, limit: 512 << 20},
		{env: map[string]string{"GC_PERCENT": "off", "MEMORY_LIMIT": "1GiB"}, percent: -1, limit: 1 << 30},
		{env: map[string]string{"MEMORY_LIMIT": "off"}, percent: 400, limit: math.MaxInt64},
		{env: map[string]string{"MEMORY_LIMIT": "1048576"}, percent: 400, limit: 1 << 20},
		{env: map[string]string{"MEMORY_LIMIT": "100 KiB"}, percent: 400, limit: 100 << 10},
		{env: map[string]string{"GOGC": "300", "GOMEMLIMIT": "1GiB"}, percent: 0, limit: 0},
		{env: map[string]string{"GOGC": "300", "GC_PERCENT": "150"}, percent: 150, limit: 32 << 20},
		{env: map[string]string{"GC_PERCENT": "0"}, errorMessage: `GC_PERCENT: a positive percentage or off: "0"`},
		{env: map[string]string{"GC_PERCENT": "lots"}, errorMessage: `GC_PERCENT: a positive percentage or off: "lots"`},
		{env: map[string]string{"MEMORY_LIMIT": "64MB"}, errorMessage: `MEMORY_LIMIT: a positive size such as 64MiB or off: "64MB"`},
		{env: map[string]string{"MEMORY_LIMIT": "-5MiB"}, errorMessage: `MEMORY_LIMIT: a positive size such as 64MiB or off: "-5MiB"`},
		{env: map[string]string{"MEMORY_LIMIT": "99999999999TiB"}, errorMessage: `MEMORY_LIMIT: a positive size such as 64MiB or off: "99999999999TiB"`},
	} {
		cfg, err := ConfigFromEnv(func(k string) string { return c.env[k] })
		if c.errorMessage != "" {
			if err == nil || err.Error() != c.errorMessage {
				t.Errorf("%v: error %v, want %s", c.env, err, c.errorMessage)
			}
			continue
		}
		if err != nil || cfg.GCPercent != c.percent || cfg.MemoryLimit != c.limit {
			t.Errorf("%v: percent %d limit %d (%v), want %d %d", c.env, cfg.GCPercent, cfg.MemoryLimit, err, c.percent, c.limit)
		}
	}
}

// TestIssue14PreparedStatementsConfig: PG_PREPARED_STATEMENTS sizes the prepared statement cache
// on PostgreSQL; 0 turns it off.
func TestIssue14PreparedStatementsConfig(t *testing.T) {
	for v, want := range map[string]int{"": 512, "64": 64, "0": -1} {
		cfg, err := ConfigFromEnv(func(k string) string {
			if k == "PG_PREPARED_STATEMENTS" {
				return v
			}
			return ""
		})
		if err != nil || cfg.PreparedStatements != want {
			t.Errorf("PG_PREPARED_STATEMENTS=%q: %d (%v), want %d", v, cfg.PreparedStatements, err, want)
		}
	}
	for _, v := range []string{"-3", "many"} {
		_, err := ConfigFromEnv(func(k string) string {
			if k == "PG_PREPARED_STATEMENTS" {
				return v
			}
			return ""
		})
		if want := `PG_PREPARED_STATEMENTS: not a number of statements: "` + v + `"`; err == nil || err.Error() != want {
			t.Errorf("PG_PREPARED_STATEMENTS=%q: error %v, want %s", v, err, want)
		}
	}
}
