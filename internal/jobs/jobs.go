// Package jobs runs an instance's periodic background work (webhook deliveries, outbound mail).
package jobs

import (
	"context"
	"log/slog"
	"time"
)

// Every calls once at start and then every interval (2 s when interval is not positive) until
// ctx ends. Each call's error goes to observe (the job's metrics) and, while ctx is alive, to log
// as name; a failed call never stops the loop.
func Every(ctx context.Context, interval time.Duration, name string, log *slog.Logger, observe func(error), once func(context.Context) (int, error)) {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		_, err := once(ctx)
		if observe != nil && ctx.Err() == nil {
			observe(err)
		}
		if err != nil && ctx.Err() == nil && log != nil {
			log.Error(name, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
