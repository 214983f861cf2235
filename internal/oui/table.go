package oui

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
)

// Table is an immutable set of IEEE blocks. Lookups index integer prefixes,
// so a lookup costs one to three map probes and no allocation. A Table is
// safe for concurrent use; Merge and WithSource return new tables.
type Table struct {
	entries []Entry
	keys    []block // keys[i] is the block of entries[i]
	// by24 holds every 24-bit prefix that has an MA-L entry or longer
	// blocks under it, so that most lookups end after one probe.
	by24   map[uint32]slot
	by28   map[uint32]int32 // top 28 bits → index into entries
	by36   map[uint64]int32 // top 36 bits → index into entries
	counts map[string]int   // registry → number of entries
	info   Info
}

// slot is what a 24-bit prefix leads to.
type slot struct {
	entry int32 // index of the MA-L entry, -1 when the prefix has none
	sub   uint8 // hasMAM and hasMAS: longer blocks exist under this prefix
}

const (
	hasMAM uint8 = 1 << iota
	hasMAS
)

// block identifies an assignment: its first Bits bits, right-aligned.
type block struct {
	val  uint64
	bits uint8
}

// start returns the block's first address as a 48-bit number, for sorting.
func (b block) start() uint64 { return b.val << (48 - b.bits) }

// record is a block's registry and registrant while a table is built.
type record struct{ registry, org string }

// builder collects blocks; a later add for the same block replaces an
// earlier one, which is how Merge lets the newer table win.
type builder map[block]record

func (b builder) add(k block, registry, org string) { b[k] = record{registry, org} }

// build sorts the blocks and indexes them. Prefix strings are cut from one
// buffer so that building 50,000 entries makes a handful of allocations.
func (b builder) build(info Info) *Table {
	keys := make([]block, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y block) int {
		return cmp.Or(cmp.Compare(x.start(), y.start()), cmp.Compare(x.bits, y.bits))
	})
	t := &Table{
		entries: make([]Entry, len(keys)),
		keys:    keys,
		by24:    make(map[uint32]slot, len(keys)),
		by28:    map[uint32]int32{},
		by36:    map[uint64]int32{},
		counts:  map[string]int{},
		info:    info,
	}
	buf := make([]byte, 0, 16*len(keys))
	ends := make([]int, len(keys))
	for i, k := range keys {
		buf = appendPrefix(buf, k)
		ends[i] = len(buf)
	}
	prefixes := string(buf)
	for i, k := range keys {
		rec := b[k]
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		t.entries[i] = Entry{Prefix: prefixes[start:ends[i]], Bits: int(k.bits), Registry: rec.registry, Org: rec.org}
		t.counts[rec.registry]++
		switch k.bits {
		case 24:
			s := t.by24[uint32(k.val)] // may hold sub flags already
			s.entry = int32(i)
			t.by24[uint32(k.val)] = s
		case 28:
			t.by28[uint32(k.val)] = int32(i)
			t.mark(uint32(k.val>>4), hasMAM)
		case 36:
			t.by36[k.val] = int32(i)
			t.mark(uint32(k.val>>12), hasMAS)
		}
	}
	t.info.Entries = len(keys)
	return t
}

// mark records that a 24-bit prefix has longer blocks under it.
func (t *Table) mark(p24 uint32, flag uint8) {
	s, ok := t.by24[p24]
	if !ok {
		s.entry = -1
	}
	s.sub |= flag
	t.by24[p24] = s
}

// appendPrefix writes a block as Entry.Prefix spells it.
func appendPrefix(dst []byte, k block) []byte {
	const digits = "0123456789ABCDEF"
	full := k.start()
	n := (int(k.bits) + 7) / 8
	for i := 0; i < n; i++ {
		if i > 0 {
			dst = append(dst, ':')
		}
		o := byte(full >> (40 - 8*i))
		dst = append(dst, digits[o>>4], digits[o&0x0f])
	}
	if k.bits != 24 {
		dst = fmt.Appendf(dst, "/%d", k.bits)
	}
	return dst
}

// Lookup returns the registered block that contains hw, preferring the
// longest: a 36-bit MA-S block, then a 28-bit MA-M block, then the 24-bit
// MA-L block (which for subdivided prefixes is "IEEE Registration
// Authority").
//
// Lookup reports false for locally administered (including randomized),
// multicast, broadcast and all-zero addresses even when their first octets
// happen to equal an assignment: such addresses are not vendor evidence, and
// refusing them here means no caller can get that wrong. Use KindOf to say
// why.
func (t *Table) Lookup(hw [6]byte) (Entry, bool) {
	if hw[0]&0x03 != 0 || hw == [6]byte{} {
		return Entry{}, false
	}
	p24 := uint32(hw[0])<<16 | uint32(hw[1])<<8 | uint32(hw[2])
	s, ok := t.by24[p24]
	if !ok {
		return Entry{}, false
	}
	if s.sub&hasMAS != 0 {
		if i, ok := t.by36[uint64(p24)<<12|uint64(hw[3])<<4|uint64(hw[4]>>4)]; ok {
			return t.entries[i], true
		}
	}
	if s.sub&hasMAM != 0 {
		if i, ok := t.by28[p24<<4|uint32(hw[3]>>4)]; ok {
			return t.entries[i], true
		}
	}
	if s.entry < 0 {
		return Entry{}, false
	}
	return t.entries[s.entry], true
}

// Merge returns a table with the blocks of both; where both have the same
// block, o's entry wins. It is how a refreshed IEEE download replaces the
// built-in table's stale names while keeping blocks the download lacks.
// Info's Source joins both sources and Date is the later of the two.
func (t *Table) Merge(o *Table) *Table {
	b := make(builder, len(t.keys)+len(o.keys))
	for _, tab := range []*Table{t, o} {
		for i, k := range tab.keys {
			b.add(k, tab.entries[i].Registry, tab.entries[i].Org)
		}
	}
	info := t.info
	info.Source = t.info.Source + " + " + o.info.Source
	info.Date = max(t.info.Date, o.info.Date)
	return b.build(info)
}

// Info says where the table came from and how many blocks it holds.
func (t *Table) Info() Info { return t.info }

// WithSource returns the same blocks under a new Source and Date, for
// updaters that know where and when they downloaded a CSV file (the files
// themselves carry no date).
func (t *Table) WithSource(source, date string) *Table {
	c := *t
	c.info.Source, c.info.Date = source, date
	return &c
}

// Count returns how many blocks come from registry ("MA-L", "MA-M", "MA-S",
// "IAB"), for `covered lists` and data checks.
func (t *Table) Count(registry string) int { return t.counts[registry] }

// All yields every block in address order, shorter blocks before the longer
// blocks they contain, so that policy code can search registrant names.
func (t *Table) All() iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		for _, e := range t.entries {
			if !yield(e) {
				return
			}
		}
	}
}
