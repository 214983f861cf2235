package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestReserveAttempt: one attempt per device and account per window, across
// concurrent callers; after the window, one more.
func TestReserveAttempt(t *testing.T) {
	now := t0
	clock := func() time.Time { return now }
	for name, dsn := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return t.TempDir() + "/a.db" },
		"postgres": func(t *testing.T) string { return postgresTestDSN(t) },
	} {
		t.Run(name, func(t *testing.T) {
			s := openTest(t, dsn(t), 0, WithClock(clock))
			ctx := context.Background()
			var wg sync.WaitGroup
			var mu sync.Mutex
			granted := 0
			for range 8 {
				wg.Go(func() {
					ok, err := s.ReserveAttempt(ctx, "10.1.2.3", "admin", 24*time.Hour)
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						granted++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if granted != 1 {
				t.Errorf("%d concurrent reservations granted, want 1", granted)
			}
			if ok, _ := s.ReserveAttempt(ctx, "10.1.2.3", "666666", 24*time.Hour); !ok {
				t.Error("another account on the same device was refused")
			}
			if ok, _ := s.ReserveAttempt(ctx, "10.1.2.4", "admin", 24*time.Hour); !ok {
				t.Error("the same account on another device was refused")
			}
			now = now.Add(23 * time.Hour)
			if ok, _ := s.ReserveAttempt(ctx, "10.1.2.3", "admin", 24*time.Hour); ok {
				t.Error("granted again within the window")
			}
			now = now.Add(2 * time.Hour)
			if ok, _ := s.ReserveAttempt(ctx, "10.1.2.3", "admin", 24*time.Hour); !ok {
				t.Error("refused after the window")
			}
			if _, err := s.ReserveAttempt(ctx, "", "admin", time.Hour); err == nil {
				t.Error("an empty device was accepted")
			}
			now = t0
		})
	}
}
