package cli

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// softMemoryLimit is the soft memory limit `covered identify` runs under
// unless GOMEMLIMIT is set. Identify holds every host until the end, since a
// host's observations may come from anywhere in the input; its batch is
// compact (about 100 MB for 200,000 hosts and a million observations), and
// under the default GC target the garbage around it would double that.
const softMemoryLimit = 170 << 20

// importMemoryLimit and importHeadroom are the import's: imports read
// gigabytes of logs whose records mostly repeat, so the batch stays small
// and a fixed headroom of garbage above it keeps the process near 100 MB
// while costing a few more collections.
const (
	importMemoryLimit = 72 << 20
	importHeadroom    = 32 << 20
)

// memoryGuard applies a soft memory limit and raises it as the batch grows,
// so that an input far larger than the limit is not starved by
// back-to-back collections.
type memoryGuard struct {
	on     bool
	prev   int64
	floor  int64
	grow   func(live int64) int64 // the limit for a live heap
	n      int
	sample []metrics.Sample
}

// newMemoryGuard is identify's guard: the limit rises to half again the
// live heap.
func newMemoryGuard() *memoryGuard {
	return newMemoryGuardWith(softMemoryLimit, func(live int64) int64 { return live + live/2 })
}

// newImportGuard is the import's guard: live heap plus importHeadroom.
func newImportGuard() *memoryGuard {
	return newMemoryGuardWith(importMemoryLimit, func(live int64) int64 { return live + importHeadroom })
}

func newMemoryGuardWith(floor int64, grow func(int64) int64) *memoryGuard {
	g := &memoryGuard{on: os.Getenv("GOMEMLIMIT") == "", floor: floor, grow: grow}
	if g.on {
		g.prev = debug.SetMemoryLimit(floor)
		g.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	}
	return g
}

// tick is called once per observation read.
func (g *memoryGuard) tick() {
	if !g.on {
		return
	}
	if g.n++; g.n%(1<<16) != 0 {
		return
	}
	metrics.Read(g.sample)
	if g.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := int64(g.sample[0].Value.Uint64())
	debug.SetMemoryLimit(max(g.floor, g.grow(live)))
}

// release restores the limit the process started with.
func (g *memoryGuard) release() {
	if g.on {
		debug.SetMemoryLimit(g.prev)
	}
}
