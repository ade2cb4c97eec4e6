package auth

import (
	"context"
	"strings"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/loginthrottle"
	"supportdesk/internal/apperr"
)

// Failed logins are throttled per key, in the database so that every instance counts the same.
// Three keys are counted for every failed attempt, whether or not the e-mail exists (so the
// answers never tell which addresses have accounts, and their timing stays equal):
//
//   - the account from one client address: locked after 5 failures within 15 minutes, for
//     1, 2, 4, … seconds per further failure, at most 15 minutes;
//   - the account from any address: locked after 20 failures, at most 5 minutes, so an attacker
//     spread over many addresses slows an account down but never locks its owner out for long;
//   - the client address over all accounts: locked after 100 failures, at most 15 minutes.
//
// While a key is locked, login answers RATE_LIMITED with extensions.retryAfter (seconds) and an
// HTTP Retry-After header, without checking the password. A successful login clears the account's
// key for its address. A window starts anew 15 minutes after its first failure.
type throttleRule struct {
	free    int
	maxLock time.Duration
}

var (
	perAccountAddr = throttleRule{free: 5, maxLock: 15 * time.Minute}
	perAccount     = throttleRule{free: 20, maxLock: 5 * time.Minute}
	perAddr        = throttleRule{free: 100, maxLock: 15 * time.Minute}
	throttleWindow = 15 * time.Minute
)

type throttleKey struct {
	key  string
	rule throttleRule
}

func throttleKeys(email, addr string) []throttleKey {
	email = strings.ToLower(strings.TrimSpace(email))
	keys := []throttleKey{{"acct:" + email, perAccount}}
	if addr != "" {
		keys = append(keys, throttleKey{"acct:" + email + "|ip:" + addr, perAccountAddr}, throttleKey{"ip:" + addr, perAddr})
	}
	return keys
}

// lockedFor returns how long the longest lock of the keys still lasts (0: not locked).
func (s *Service) lockedFor(ctx context.Context, keys []throttleKey, now time.Time) (time.Duration, error) {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.key
	}
	rows, err := s.Client.LoginThrottle.Query().Where(loginthrottle.KeyIn(names...), loginthrottle.LockedUntilGT(now)).All(ctx)
	if err != nil {
		return 0, err
	}
	var d time.Duration
	for _, r := range rows {
		d = max(d, r.LockedUntil.Sub(now))
	}
	return d, nil
}

// failed counts a failed login on every key and locks those past their free attempts.
func (s *Service) failed(ctx context.Context, keys []throttleKey, now time.Time) error {
	for _, k := range keys {
		q := s.Client.LoginThrottle.Query().Where(loginthrottle.Key(k.key))
		row, err := q.Only(ctx)
		if ent.IsNotFound(err) {
			err = s.Client.LoginThrottle.Create().SetKey(k.key).SetFailures(1).SetWindowStart(now).Exec(ctx)
			if err == nil {
				continue // one failure is never past the free attempts
			}
			if !ent.IsConstraintError(err) {
				return err
			}
			row, err = q.Only(ctx) // another request created it at the same moment
		}
		if err != nil {
			return err
		}
		u := s.Client.LoginThrottle.UpdateOne(row)
		failures := row.Failures + 1
		if now.Sub(row.WindowStart) > throttleWindow {
			failures = 1
			u.SetWindowStart(now).ClearLockedUntil()
		}
		u.SetFailures(failures)
		if over := failures - k.rule.free; over > 0 {
			lock := time.Second << min(over-1, 20)
			u.SetLockedUntil(now.Add(min(lock, k.rule.maxLock)))
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// succeeded clears the account's key for the client address.
func (s *Service) succeeded(ctx context.Context, keys []throttleKey) error {
	for _, k := range keys {
		if strings.Contains(k.key, "|ip:") {
			if _, err := s.Client.LoginThrottle.Delete().Where(loginthrottle.Key(k.key)).Exec(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func rateLimited(d time.Duration) error {
	secs := int((d + time.Second - 1) / time.Second)
	return &apperr.Error{Code: apperr.RateLimited, Message: "too many failed sign-ins; try again later", RetryAfter: secs}
}
