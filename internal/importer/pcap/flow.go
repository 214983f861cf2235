package pcap

import (
	"net/netip"
	"time"
)

// Bounds of TCP following. A device says who it is in the first bytes of a
// connection (a request line and headers, a response head and the start of
// its page, a ClientHello, a server's first flight); what follows is
// content, not identity.
const (
	// maxStream is how many bytes of each direction are kept.
	maxStream = 16 << 10
	// maxFlows bounds the connections followed at once.
	maxFlows = 1 << 14
	// maxBuffered bounds the stream bytes held across all connections.
	maxBuffered = 32 << 20
	// maxFree bounds the spare stream buffers kept for reuse.
	maxFree = 64
)

// seg is one TCP segment as the flow table needs it.
type seg struct {
	src, dst      netip.AddrPort
	seq           uint32
	syn, fin, rst bool
	payload       []byte
	cut           bool // the capture holds less of the segment than was sent (snaplen)
	ts            time.Time
}

// flowKey names a connection whichever way its packets go: lo sorts first.
type flowKey struct{ lo, hi netip.AddrPort }

// half is one direction of a connection.
type half struct {
	buf     []byte
	seen    time.Time // time of the segment carrying the first byte
	isn     uint32    // the SYN's sequence number, when synced by one
	next    uint32    // sequence number of the next byte wanted
	started bool      // next is known
	fin     bool      // a FIN was sent
	synced  bool      // started by a SYN
	done    bool      // nothing more is wanted: full, finished, cut, or of no interest
	judged  bool      // the start of the stream was judged worth keeping
}

// flow is one connection: dir[0] is what key.lo sent, dir[1] what key.hi
// sent. Flows are kept in a list by last activity, least recent first.
type flow struct {
	key        flowKey
	dir        [2]half
	read       bool // its streams were read; later bytes are ignored
	prev, next *flow
}

// flowTable follows TCP connections and hands each one's streams to read
// once both directions are complete, or when it must make room.
type flowTable struct {
	m          map[flowKey]*flow
	head, tail *flow // least and most recently active
	buffered   int   // bytes held in stream buffers
	free       [][]byte
	read       func(*flow) error
}

func newFlowTable(read func(*flow) error) *flowTable {
	return &flowTable{m: map[flowKey]*flow{}, read: read}
}

// segment adds one segment to its connection.
func (t *flowTable) segment(s seg) error {
	key, d := flowKey{s.src, s.dst}, 0
	if less(s.dst, s.src) {
		key, d = flowKey{s.dst, s.src}, 1
	}
	f := t.m[key]
	if f != nil && s.syn && f.dir[d].started && (!f.dir[d].synced || f.dir[d].isn != s.seq) {
		// A SYN that is not a retransmission: the four-tuple is reused by
		// a new connection.
		if err := t.drop(f, true); err != nil {
			return err
		}
		f = nil
	}
	if f == nil {
		if !s.syn && len(s.payload) == 0 {
			return nil // an ACK, FIN or RST of a connection not followed
		}
		var err error
		if f, err = t.add(key); err != nil {
			return err
		}
	} else {
		t.touch(f)
	}
	h := &f.dir[d]
	h.fin = h.fin || s.fin
	ended := s.rst || (f.dir[0].fin && f.dir[1].fin)
	if f.read {
		if ended {
			return t.drop(f, false)
		}
		return nil
	}
	if s.syn && !h.started {
		h.started, h.synced, h.isn, h.next = true, true, s.seq, s.seq+1
	}
	if len(s.payload) > 0 && !h.done {
		seq := s.seq
		if s.syn {
			seq++ // data on a SYN (TCP Fast Open) follows its sequence number
		}
		t.data(h, seq, s.payload, s.cut, s.ts)
	}
	if s.fin {
		h.done = true
	}
	switch {
	case ended:
		return t.drop(f, true)
	case f.dir[0].done && f.dir[1].done:
		// Both streams are complete but the connection goes on: read them
		// now, and keep the flow as a marker so that its later segments
		// are not taken for a new connection.
		if err := t.readFlow(f); err != nil {
			return err
		}
	}
	return t.makeRoom()
}

// data appends the in-sequence part of a segment to h.
func (t *flowTable) data(h *half, seq uint32, p []byte, cut bool, ts time.Time) {
	if !h.started {
		h.started, h.next = true, seq
	}
	ahead := int32(seq - h.next)
	switch {
	case ahead > 0:
		return // a gap: only bytes in sequence are kept
	case int(-ahead) >= len(p):
		return // a retransmission of bytes already kept
	}
	p = p[-ahead:]
	if h.buf == nil {
		h.buf = t.buffer()
		h.seen = ts
	}
	n := min(len(p), maxStream-len(h.buf))
	h.buf = append(h.buf, p[:n]...)
	t.buffered += n
	h.next += uint32(len(p))
	if !h.judged {
		switch judge(h.buf) {
		case keep:
			h.judged = true
		case discard:
			t.release(h)
			h.done = true
			return
		}
	}
	if cut || len(h.buf) == maxStream {
		h.done = true // the bytes after a truncated segment are unknown
	}
}

// less orders endpoints so that both directions find one key.
func less(a, b netip.AddrPort) bool {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c < 0
	}
	return a.Port() < b.Port()
}

func (t *flowTable) add(key flowKey) (*flow, error) {
	if len(t.m) >= maxFlows {
		if err := t.drop(t.head, true); err != nil {
			return nil, err
		}
	}
	f := &flow{key: key, prev: t.tail}
	if t.tail != nil {
		t.tail.next = f
	} else {
		t.head = f
	}
	t.tail = f
	t.m[key] = f
	return f, nil
}

// touch moves f to the most recently active end of the list.
func (t *flowTable) touch(f *flow) {
	if t.tail == f {
		return
	}
	t.unlink(f)
	f.prev, f.next = t.tail, nil
	t.tail.next = f
	t.tail = f
}

func (t *flowTable) unlink(f *flow) {
	if f.prev != nil {
		f.prev.next = f.next
	} else {
		t.head = f.next
	}
	if f.next != nil {
		f.next.prev = f.prev
	} else {
		t.tail = f.prev
	}
	f.prev, f.next = nil, nil
}

// readFlow hands f's streams to read, once, and frees its buffers.
func (t *flowTable) readFlow(f *flow) error {
	if f.read {
		return nil
	}
	f.read = true
	err := t.read(f)
	t.release(&f.dir[0])
	t.release(&f.dir[1])
	return err
}

// drop reads f's streams (unless told not to) and forgets f.
func (t *flowTable) drop(f *flow, read bool) error {
	var err error
	if read {
		err = t.readFlow(f)
	}
	t.release(&f.dir[0])
	t.release(&f.dir[1])
	t.unlink(f)
	delete(t.m, f.key)
	return err
}

// makeRoom reads and forgets the least recently active connections while
// the buffers hold more than maxBuffered bytes.
func (t *flowTable) makeRoom() error {
	for t.buffered > maxBuffered && t.head != nil {
		if err := t.drop(t.head, true); err != nil {
			return err
		}
	}
	return nil
}

// flush reads every connection still followed, oldest first.
func (t *flowTable) flush() error {
	for t.head != nil {
		if err := t.drop(t.head, true); err != nil {
			return err
		}
	}
	return nil
}

// buffer returns an empty stream buffer of maxStream capacity.
func (t *flowTable) buffer() []byte {
	if n := len(t.free); n > 0 {
		b := t.free[n-1]
		t.free = t.free[:n-1]
		return b
	}
	return make([]byte, 0, maxStream)
}

// release returns h's buffer for reuse.
func (t *flowTable) release(h *half) {
	if h.buf == nil {
		return
	}
	t.buffered -= len(h.buf)
	if len(t.free) < maxFree {
		t.free = append(t.free, h.buf[:0])
	}
	h.buf = nil
}
