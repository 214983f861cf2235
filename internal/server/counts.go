package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/coveredtool/covered/internal/store"
)

// countTTL is how long a total of matching assets is fresh. Counting reads
// every matching row (100,000 assets take tens of milliseconds on SQLite),
// and a list's total a few seconds old is what a person paging through it
// expects anyway; the items themselves are always read fresh.
const (
	countTTL       = 5 * time.Second
	maxCountsCache = 1024
)

// countCache keeps recent asset totals by filter. A stale total is served
// while one request refreshes it, so that fifty clients paging the same
// list do not all count at once when it expires; a total never seen is
// counted by the first request while the others for it wait.
type countCache struct {
	mu sync.Mutex
	m  map[string]*countEntry
}

type countEntry struct {
	n       int
	at      time.Time
	ready   chan struct{} // closed once n is known
	err     error
	pending bool // a refresh is running
}

func (c *countCache) assets(ctx context.Context, st *store.Store, f store.AssetFilter) (int, error) {
	f.Limit, f.Offset, f.After, f.Sort = 0, 0, 0, ""
	key := fmt.Sprintf("%+v", f)
	now := time.Now()
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCountsCache {
		c.m = map[string]*countEntry{}
	}
	e, ok := c.m[key]
	switch {
	case !ok:
		e = &countEntry{ready: make(chan struct{}), pending: true}
		c.m[key] = e
		c.mu.Unlock()
		e.n, e.err = countNow(ctx, st, f)
		c.mu.Lock()
		e.at, e.pending = time.Now(), false
		if e.err != nil {
			delete(c.m, key) // the next request tries again
		}
		c.mu.Unlock()
		close(e.ready)
		return e.n, e.err
	case now.Sub(e.at) >= countTTL && !e.pending:
		e.pending = true
		go c.refresh(st, f, e)
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.n, e.err
}

// refresh recounts a stale entry in the background.
func (c *countCache) refresh(st *store.Store, f store.AssetFilter, e *countEntry) {
	n, err := countNow(context.Background(), st, f)
	c.mu.Lock()
	defer c.mu.Unlock()
	e.pending = false
	if err == nil {
		e.n, e.at = n, time.Now()
	}
}

// countNow counts on a context of its own: others may be waiting on the
// count, and the client that started it going away must not fail theirs.
func countNow(ctx context.Context, st *store.Store, f store.AssetFilter) (int, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return st.CountAssets(ctx, f)
}
