package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func TestLimiter(t *testing.T) {
	type step struct {
		key  string
		at   time.Duration // after t0
		want bool
	}
	for _, tc := range []struct {
		name  string
		burst int
		per   time.Duration
		steps []step
	}{
		{"burst then refused", 3, time.Minute, []step{
			{"a", 0, true}, {"a", 0, true}, {"a", 0, true}, {"a", 0, false}, {"a", time.Second, false},
		}},
		{"one more per period", 2, time.Minute, []step{
			{"a", 0, true}, {"a", 0, true}, {"a", 0, false},
			{"a", 59 * time.Second, false}, {"a", time.Minute, true}, {"a", time.Minute, false},
			{"a", 2 * time.Minute, true},
		}},
		{"full burst after a long idle", 2, time.Minute, []step{
			{"a", 0, true}, {"a", 0, true}, {"a", 0, false},
			{"a", time.Hour, true}, {"a", time.Hour, true}, {"a", time.Hour, false},
		}},
		{"refusals are not counted", 1, time.Minute, []step{
			{"a", 0, true}, {"a", 30 * time.Second, false}, {"a", 50 * time.Second, false}, {"a", time.Minute, true},
		}},
		{"keys are independent", 1, time.Minute, []step{
			{"a", 0, true}, {"a", 0, false}, {"b", 0, true}, {"b", 0, false}, {"a", time.Minute, true},
		}},
		{"a clock step back refills nothing", 1, time.Minute, []step{
			{"a", time.Hour, true}, {"a", 0, false}, {"a", time.Hour + time.Minute, true},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLimiter(tc.burst, tc.per, 100)
			for i, s := range tc.steps {
				if got := l.Allow(s.key, t0.Add(s.at)); got != s.want {
					t.Fatalf("step %d: Allow(%q, t0+%v) = %v, want %v", i, s.key, s.at, got, s.want)
				}
			}
		})
	}
}

func TestLimiterReset(t *testing.T) {
	l := NewLimiter(1, time.Minute, 10)
	if !l.Allow("a", t0) || l.Allow("a", t0) {
		t.Fatal("burst of 1 not enforced")
	}
	l.Reset("a")
	l.Reset("never seen")
	if !l.Allow("a", t0) {
		t.Error("Reset did not restore the burst")
	}
}

func TestLimiterBoundsMemory(t *testing.T) {
	l := NewLimiter(1, time.Minute, 5)
	if !l.Allow("victim", t0) || l.Allow("victim", t0) {
		t.Fatal("victim not throttled")
	}
	for i := range 1000 {
		l.Allow(fmt.Sprintf("flood-%d", i), t0.Add(time.Duration(i)*time.Millisecond))
		if n := l.Len(); n > 5 {
			t.Fatalf("%d keys remembered, the bound is 5", n)
		}
	}
	// The victim, seen least recently, was forgotten: the documented price
	// of bounded memory.
	if !l.Allow("victim", t0.Add(time.Second)) {
		t.Error("the least recently seen key was not the one evicted")
	}
	// The most recent keys are still throttled.
	if l.Allow("flood-999", t0.Add(time.Second)) {
		t.Error("a recent key was forgotten")
	}
}

func TestLimiterForgetsFullKeys(t *testing.T) {
	l := NewLimiter(2, time.Minute, 100)
	for i := range 50 {
		l.Allow(fmt.Sprintf("k%d", i), t0)
	}
	if n := l.Len(); n != 50 {
		t.Fatalf("remembers %d keys, want 50", n)
	}
	// One attempt each refills after one period; then they carry no state.
	l.Allow("late", t0.Add(time.Minute))
	if n := l.Len(); n != 1 {
		t.Errorf("after every key refilled, remembers %d keys, want 1", n)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := NewLimiter(10, time.Hour, 50)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := map[string]int{}
	for range 8 {
		wg.Go(func() {
			for i := range 200 {
				key := fmt.Sprintf("k%d", i%20)
				if l.Allow(key, t0) {
					mu.Lock()
					allowed[key]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for k, n := range allowed {
		if n != 10 {
			t.Errorf("key %s allowed %d times, want the burst of 10", k, n)
		}
	}
	if len(allowed) != 20 {
		t.Errorf("%d keys allowed, want 20", len(allowed))
	}
}

func TestNewLimiterPanicsOnBadArguments(t *testing.T) {
	for _, tc := range []struct {
		name    string
		burst   int
		per     time.Duration
		maxKeys int
	}{
		{"no burst", 0, time.Minute, 10},
		{"no period", 1, 0, 10},
		{"negative period", 1, -time.Second, 10},
		{"no keys", 1, time.Minute, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != "auth: NewLimiter needs burst >= 1, per > 0 and maxKeys >= 1" {
					t.Errorf("recovered %v", r)
				}
			}()
			NewLimiter(tc.burst, tc.per, tc.maxKeys)
		})
	}
}
