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

// memoryGuard applies softMemoryLimit and raises it as the batch grows, to
// half again the live heap, so that an input far larger than the limit is
// not starved by back-to-back collections.
type memoryGuard struct {
	on     bool
	prev   int64
	n      int
	sample []metrics.Sample
}

func newMemoryGuard() *memoryGuard {
	g := &memoryGuard{on: os.Getenv("GOMEMLIMIT") == ""}
	if g.on {
		g.prev = debug.SetMemoryLimit(softMemoryLimit)
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
	debug.SetMemoryLimit(max(softMemoryLimit, live+live/2))
}

// release restores the limit the process started with.
func (g *memoryGuard) release() {
	if g.on {
		debug.SetMemoryLimit(g.prev)
	}
}
