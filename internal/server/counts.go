package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/coveredtool/covered/internal/store"
)

// countTTL is how long a total of matching assets is reused. Counting reads
// every matching row (100,000 assets take tens of milliseconds on SQLite),
// and a list's total a few seconds old is what a person paging through it
// expects anyway; the items themselves are always read fresh.
const (
	countTTL       = 5 * time.Second
	maxCountsCache = 1024
)

// countCache keeps recent asset totals by filter.
type countCache struct {
	mu sync.Mutex
	m  map[string]countEntry
}

type countEntry struct {
	n  int
	at time.Time
}

func (c *countCache) assets(ctx context.Context, st *store.Store, f store.AssetFilter) (int, error) {
	f.Limit, f.Offset, f.After, f.Sort = 0, 0, 0, ""
	key := fmt.Sprintf("%+v", f)
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < countTTL {
		return e.n, nil
	}
	n, err := st.CountAssets(ctx, f)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCountsCache {
		c.m = map[string]countEntry{}
	}
	c.m[key] = countEntry{n, now}
	return n, nil
}
