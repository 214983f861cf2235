package auth

import (
	"container/list"
	"sync"
	"time"
)

// Limiter limits attempts per key (a client address, a user name), for
// logins: each key may make burst attempts at once, then one per per. It
// remembers at most maxKeys keys; past that it forgets the key seen least
// recently, so a flood of distinct keys costs bounded memory (and can make
// it forget a throttled key: the price of the bound). A key idle long
// enough to have its full burst again is forgotten first, as it carries no
// state. It is safe for concurrent use.
//
// It is a GCRA: per key it keeps the time at which the key's bucket is
// full again, which is all a token bucket needs.
type Limiter struct {
	burst   int
	per     time.Duration
	maxKeys int

	// mu guards keys and lru.
	mu   sync.Mutex
	keys map[string]*list.Element // of lru, Value *limitEntry
	lru  *list.List               // least recently seen at the back
}

type limitEntry struct {
	key  string
	full time.Time // when the bucket is full again; at or before now means full
}

// NewLimiter returns a limiter allowing burst attempts per key at once and
// one more every per, remembering at most maxKeys keys. It panics when
// burst or maxKeys is below 1 or per is not positive, as those are
// programming errors.
func NewLimiter(burst int, per time.Duration, maxKeys int) *Limiter {
	if burst < 1 || per <= 0 || maxKeys < 1 {
		panic("auth: NewLimiter needs burst >= 1, per > 0 and maxKeys >= 1")
	}
	return &Limiter{burst: burst, per: per, maxKeys: maxKeys, keys: map[string]*list.Element{}, lru: list.New()}
}

// Allow reports whether key may make an attempt at now, and counts it if
// so. A refused attempt is not counted. A now earlier than a previous one
// (a clock step) refills nothing.
func (l *Limiter) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	el, ok := l.keys[key]
	var e *limitEntry
	if ok {
		e = el.Value.(*limitEntry)
	} else {
		e = &limitEntry{key: key, full: now}
	}
	start := e.full
	if start.Before(now) {
		start = now
	}
	next := start.Add(l.per)
	if next.Sub(now) > time.Duration(l.burst)*l.per {
		if ok {
			l.lru.MoveToFront(el)
		}
		return false
	}
	e.full = next
	if ok {
		l.lru.MoveToFront(el)
		return true
	}
	for l.lru.Len() >= l.maxKeys {
		l.remove(l.lru.Back())
	}
	l.keys[key] = l.lru.PushFront(e)
	return true
}

// Reset forgets key, giving it its full burst again: for example after a
// successful login, when only failures should count.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[key]; ok {
		l.remove(el)
	}
}

// Len reports how many keys the limiter remembers.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// prune forgets the least recently seen keys while their buckets are full
// at now: they are no different from keys never seen.
func (l *Limiter) prune(now time.Time) {
	for el := l.lru.Back(); el != nil; el = l.lru.Back() {
		if el.Value.(*limitEntry).full.After(now) {
			return
		}
		l.remove(el)
	}
}

func (l *Limiter) remove(el *list.Element) {
	delete(l.keys, el.Value.(*limitEntry).key)
	l.lru.Remove(el)
}
