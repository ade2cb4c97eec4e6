package main

import (
	"crypto/tls"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"supportdesk/internal/auth"
	"supportdesk/internal/db"
	"supportdesk/internal/mail"
)

// Config is the server configuration, read from the environment.
type Config struct {
	Addr          string
	DatabaseURL   string
	DataDir       string
	JWTSecret     string
	JWTIssuer     string
	JWTAudience   string
	AccessTTL     time.Duration
	RefreshTTL    time.Duration
	CORSOrigins   []string
	Introspection bool
	MaxBodyBytes  int64
	// GraphQL limits (see README): nesting depth and estimated cost of an operation, page
	// sizes of connections, items of any input list, size of one file upload.
	MaxDepth        int
	MaxComplexity   int
	DefaultPageSize int
	MaxPageSize     int
	MaxListItems    int
	MaxUploadBytes  int64
	// MaxConcurrentRequests bounds the HTTP requests served at once (MAX_CONCURRENT_REQUESTS,
	// default 8 per CPU); RequestQueueTimeout is how long one waits for a slot before a 503
	// (REQUEST_QUEUE_TIMEOUT). See admit.go for the measurements.
	MaxConcurrentRequests int
	RequestQueueTimeout   time.Duration
	// HTTP server timeouts. WebSocket connections clear them once upgraded.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	BcryptCost        int
	Demo              bool
	// MetricsEnabled serves /metrics (METRICS_ENABLED); DBConnectTimeout is how long a start
	// waits for an unreachable PostgreSQL server (DB_CONNECT_TIMEOUT).
	MetricsEnabled   bool
	DBConnectTimeout time.Duration
	// OIDCIssuers are the external OpenID Connect issuers whose access tokens are accepted
	// (OIDC_ISSUERS, see oidc.go).
	OIDCIssuers []auth.OIDCIssuer
	// Mail is the SMTP intake and outbound relay (issue 17; MAIL_* variables).
	Mail mail.Config
	// GCPercent is the garbage collector's target (GC_PERCENT, as GOGC; -1 turns the collector
	// off); MemoryLimit the floor of the Go runtime's soft memory limit in bytes (MEMORY_LIMIT,
	// as GOMEMLIMIT, e.g. 64MiB; math.MaxInt64 is none), which rises with the live heap
	// (memory.go). 0 leaves the runtime's own setting: when GOGC or GOMEMLIMIT is set and the
	// variable of this server is not. Applied at start (applyGC).
	GCPercent   int
	MemoryLimit int64
	// ReleaseCodeWhenIdle drops the binary's code and read-only data pages from the resident
	// set each time the process turns quiet (RELEASE_CODE_WHEN_IDLE, default true; codepages_linux.go).
	ReleaseCodeWhenIdle bool
	// PreparedStatements is how many distinct statements are sent as named prepared statements
	// on PostgreSQL (PG_PREPARED_STATEMENTS; internal/db prepared.go); -1 none.
	PreparedStatements int
	// Now is the clock of the domain services; nil means time.Now (tests inject their own).
	Now func() time.Time
	// GeneratedStatement answers monthlyStatement through gqlgen's generated marshalling
	// instead of the hand-written one (graph/statement.go); not read from the environment:
	// tests set it to compare the two answers.
	GeneratedStatement bool
}

// Measured defaults of the garbage collector (README, Configuration): a queue page of 50
// tickets costs about 10 % less CPU at GOGC=400 than at 100. The soft memory limit of 32 MiB
// is a floor: the limit in force rises with the live heap (memory.go), so that a heap that
// must stay large is not collected nonstop. Measured at L (queue at c=32, server CPU per
// request), stop 26: no limit 1.39–1.83 ms and 100–137 MB RSS; 40 MiB 1.91 ms, 69 MB; 48 MiB
// 1.65 ms, 75 MB; 56 MiB 1.68 ms, 83 MB. Stop 27, after fields and list elements resolve in
// order (graph/gqlgen.go), whole bench runs: 48 MiB 1.93 ms, peak 74 MB; 36 MiB 1.95 ms,
// 66 MB; 32 MiB 2.06 ms, 65 MB (and the monthly statement 65 → 85 → 88 ms). Stop 28, after
// the SLA report no longer loads every ticket's values (eight reports in flight had raised the
// limit to twice their live heap): queue, detail, SLA report and statement at L, 36 / 32 MiB,
// peak 64 / 60 MB, queue at c=32 2.15 / 2.26 ms, detail 1.19 / 0.99 ms (the noise of one run).
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 32 << 20
)

// ConfigFromEnv reads the configuration; see the table in README.md.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:          ":8080",
		DataDir:       "data",
		JWTIssuer:     "supportdesk",
		JWTAudience:   "supportdesk-api",
		AccessTTL:     15 * time.Minute,
		RefreshTTL:    30 * 24 * time.Hour,
		CORSOrigins:   []string{"http://localhost:3000", "http://localhost:5173"},
		Introspection: true,
		MaxBodyBytes:  1 << 20,

		MaxDepth:        12,
		MaxComplexity:   20000,
		DefaultPageSize: 50,
		MaxPageSize:     100,
		MaxListItems:    1000,
		MaxUploadBytes:  20 << 20,

		MaxConcurrentRequests: 8 * runtime.GOMAXPROCS(0),
		RequestQueueTimeout:   10 * time.Second,

		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,

		MetricsEnabled:      true,
		DBConnectTimeout:    60 * time.Second,
		ReleaseCodeWhenIdle: true,
	}
	str := func(key string, dst *string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	if p := getenv("PORT"); p != "" {
		c.Addr = ":" + p
	}
	str("LISTEN_ADDR", &c.Addr)
	str("DATABASE_URL", &c.DatabaseURL)
	str("DATA_DIR", &c.DataDir)
	str("JWT_SECRET", &c.JWTSecret)
	str("JWT_ISSUER", &c.JWTIssuer)
	str("JWT_AUDIENCE", &c.JWTAudience)
	for key, dst := range map[string]*time.Duration{"ACCESS_TOKEN_TTL": &c.AccessTTL, "REFRESH_TOKEN_TTL": &c.RefreshTTL,
		"HTTP_READ_HEADER_TIMEOUT": &c.ReadHeaderTimeout, "HTTP_READ_TIMEOUT": &c.ReadTimeout,
		"HTTP_WRITE_TIMEOUT": &c.WriteTimeout, "HTTP_IDLE_TIMEOUT": &c.IdleTimeout, "REQUEST_QUEUE_TIMEOUT": &c.RequestQueueTimeout} {
		if v := getenv(key); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("%s: not a positive duration: %q", key, v)
			}
			*dst = d
		}
	}
	if v := getenv("CORS_ORIGINS"); v != "" {
		c.CORSOrigins = nil
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.CORSOrigins = append(c.CORSOrigins, o)
			}
		}
	}
	if v := getenv("GRAPHQL_INTROSPECTION"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("GRAPHQL_INTROSPECTION: %w", err)
		}
		c.Introspection = b
	}
	for key, dst := range map[string]*int64{"MAX_BODY_BYTES": &c.MaxBodyBytes, "MAX_UPLOAD_BYTES": &c.MaxUploadBytes} {
		if v := getenv(key); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return c, fmt.Errorf("%s: not a positive number: %q", key, v)
			}
			*dst = n
		}
	}
	for key, dst := range map[string]*int{"GRAPHQL_MAX_DEPTH": &c.MaxDepth, "GRAPHQL_MAX_COMPLEXITY": &c.MaxComplexity,
		"GRAPHQL_DEFAULT_PAGE_SIZE": &c.DefaultPageSize, "GRAPHQL_MAX_PAGE_SIZE": &c.MaxPageSize,
		"GRAPHQL_MAX_LIST_ITEMS": &c.MaxListItems, "MAX_CONCURRENT_REQUESTS": &c.MaxConcurrentRequests} {
		if v := getenv(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return c, fmt.Errorf("%s: not a positive number: %q", key, v)
			}
			*dst = n
		}
	}
	if c.DefaultPageSize > c.MaxPageSize {
		return c, fmt.Errorf("GRAPHQL_DEFAULT_PAGE_SIZE (%d) is larger than GRAPHQL_MAX_PAGE_SIZE (%d)", c.DefaultPageSize, c.MaxPageSize)
	}
	if v := getenv("METRICS_ENABLED"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("METRICS_ENABLED: %w", err)
		}
		c.MetricsEnabled = b
	}
	if v := getenv("RELEASE_CODE_WHEN_IDLE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("RELEASE_CODE_WHEN_IDLE: %w", err)
		}
		c.ReleaseCodeWhenIdle = b
	}
	if v := getenv("DB_CONNECT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return c, fmt.Errorf("DB_CONNECT_TIMEOUT: not a duration: %q", v)
		}
		c.DBConnectTimeout = d
	}
	if err := mailConfig(getenv, &c.Mail); err != nil {
		return c, err
	}
	c.PreparedStatements = db.DefaultPreparedStatements
	if v := getenv("PG_PREPARED_STATEMENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("PG_PREPARED_STATEMENTS: not a number of statements: %q", v)
		}
		c.PreparedStatements = n
		if n == 0 {
			c.PreparedStatements = -1
		}
	}
	if err := gcFromEnv(getenv, &c); err != nil {
		return c, err
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		return c, fmt.Errorf("JWT_SECRET must be at least 32 characters")
	}
	if v := getenv("OIDC_ISSUERS"); v != "" {
		is, err := parseOIDCIssuers(v, c.JWTIssuer)
		if err != nil {
			return c, fmt.Errorf("OIDC_ISSUERS: %w", err)
		}
		c.OIDCIssuers = is
	}
	return c, nil
}

// mailConfig reads the MAIL_* variables.
func mailConfig(getenv func(string) string, m *mail.Config) error {
	m.SMTPAddr = getenv("MAIL_SMTP_ADDR")
	m.Hostname = getenv("MAIL_DOMAIN")
	m.RelayAddr = getenv("MAIL_RELAY_ADDR")
	m.RelayUser = getenv("MAIL_RELAY_USER")
	m.RelayPassword = getenv("MAIL_RELAY_PASSWORD")
	m.From = getenv("MAIL_FROM")
	m.MaxBytes = mail.DefaultMaxBytes
	m.KeepRawBytes = 1 << 20
	if v := getenv("MAIL_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("MAIL_MAX_BYTES: not a positive number: %q", v)
		}
		m.MaxBytes = n
	}
	if v := getenv("MAIL_KEEP_RAW_BYTES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("MAIL_KEEP_RAW_BYTES: not a positive number: %q", v)
		}
		m.KeepRawBytes = n
	}
	switch v := strings.ToLower(getenv("MAIL_RELAY_TLS")); v {
	case "", "starttls", "tls", "none":
		m.RelayTLS = v
	default:
		return fmt.Errorf("MAIL_RELAY_TLS: one of starttls, tls, none: %q", v)
	}
	cert, key := getenv("MAIL_TLS_CERT"), getenv("MAIL_TLS_KEY")
	if (cert == "") != (key == "") {
		return fmt.Errorf("MAIL_TLS_CERT and MAIL_TLS_KEY go together")
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return fmt.Errorf("MAIL_TLS_CERT/MAIL_TLS_KEY: %w", err)
		}
		m.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	if m.RelayAddr != "" && m.From == "" {
		return fmt.Errorf("MAIL_FROM is required with MAIL_RELAY_ADDR")
	}
	return nil
}

// gcFromEnv reads GC_PERCENT and MEMORY_LIMIT; without them the defaults apply unless the Go
// runtime's own GOGC / GOMEMLIMIT are set.
func gcFromEnv(getenv func(string) string, c *Config) error {
	if getenv("GOGC") == "" {
		c.GCPercent = defaultGCPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		c.MemoryLimit = defaultMemoryLimit
	}
	if v := strings.TrimSpace(getenv("GC_PERCENT")); v != "" {
		if strings.EqualFold(v, "off") {
			c.GCPercent = -1
		} else if n, err := strconv.Atoi(v); err == nil && n > 0 {
			c.GCPercent = n
		} else {
			return fmt.Errorf("GC_PERCENT: a positive percentage or off: %q", v)
		}
	}
	if v := strings.TrimSpace(getenv("MEMORY_LIMIT")); v != "" {
		n, err := parseBytes(v)
		if err != nil {
			return fmt.Errorf("MEMORY_LIMIT: %w", err)
		}
		c.MemoryLimit = n
	}
	return nil
}

// parseBytes reads a size as GOMEMLIMIT does: a whole number with an optional unit B, KiB,
// MiB, GiB or TiB; "off" is no limit.
func parseBytes(v string) (int64, error) {
	if strings.EqualFold(v, "off") {
		return math.MaxInt64, nil
	}
	units := []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	orig, mult := v, int64(1)
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("a positive size such as 64MiB or off: %q", orig)
	}
	return n * mult, nil
}

// applyGC sets the collector from the configuration (0 leaves the runtime's setting).
func applyGC(c Config) {
	if c.GCPercent != 0 {
		debug.SetGCPercent(c.GCPercent)
	}
	if c.MemoryLimit != 0 {
		debug.SetMemoryLimit(c.MemoryLimit)
	}
}
