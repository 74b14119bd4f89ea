package probe

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Parallel calls fn(ctx, i) for every i in [0, n) with at most limit calls
// running at once (limit ≤ 0: no bound) and returns when all have returned.
// fn writes its result into slot i of a slice the caller owns, so output
// order never depends on scheduling. Every index is called even after ctx
// is done (fn then fails fast and still records why), and one failure never
// cancels its siblings: a zero errgroup.Group is used, not WithContext.
func Parallel(ctx context.Context, limit int, n int, fn func(ctx context.Context, i int)) {
	var g errgroup.Group
	if limit > 0 {
		g.SetLimit(limit)
	}
	for i := 0; i < n; i++ {
		g.Go(func() error {
			fn(ctx, i)
			return nil
		})
	}
	_ = g.Wait() // tasks never return an error
}
