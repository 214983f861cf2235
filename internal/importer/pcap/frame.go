package pcap

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Limits on the structure of a capture file. pcapgo trusts the lengths a
// file gives: a pcapng block whose captured length exceeds the block makes
// it read the rest of the file into memory, an undersized block length wraps
// around, and a decryption secrets block of 4 GiB is read whole. framer
// checks every length against these limits before pcapgo sees the bytes.
const (
	// maxPacket is the longest packet record taken: libpcap's
	// MAXIMUM_SNAPLEN, the most tcpdump and dumpcap ever write.
	maxPacket = 256 << 10
	// maxOptions bounds the options of one packet or interface block.
	maxOptions = 64 << 10
	// maxBlock is the longest pcapng block handed to pcapgo: an enhanced
	// packet block with a packet of maxPacket bytes and maxOptions of
	// options. Other blocks may be longer; they are skipped, not read.
	maxBlock = 32 + maxPacket + maxOptions
	// maxInterfaces bounds the interfaces of one pcapng section (pcapgo
	// keeps them all).
	maxInterfaces = 1024
)

// pcapng block types (draft-ietf-opsawg-pcapng §11.1).
const (
	blockSection   = 0x0A0D0D0A
	blockInterface = 0x00000001
	blockPacket    = 0x00000002 // obsolete Packet Block
	blockSimple    = 0x00000003
	blockEnhanced  = 0x00000006
	byteOrderMagic = 0x1A2B3C4D
)

// Classic pcap sizes (draft-ietf-opsawg-pcap §4, §5).
const (
	pcapHeaderLength = 24
	pcapRecordHeader = 16
)

// errTruncated is the cause of a record or block cut short by the end of
// the file: a capture copied while it was being written, or cut.
var errTruncated = errors.New("file ends inside it (truncated capture)")

// structError is a fault in the file's structure. Its packet is the
// 1-based number of the packet being read when it was found.
type structError struct {
	packet int
	offset int64  // byte offset of the record or block in the (uncompressed) file
	what   string // the record or block it was found in
	err    error
}

func (e *structError) Error() string {
	return fmt.Sprintf("packet %d: %s at byte %d: %v", e.packet, e.what, e.offset, e.err)
}

func (e *structError) Unwrap() error { return e.err }

// readError is a failure of the input itself (a disk, a pipe), not of its
// contents: it ends Read with an error instead of a RecordError.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// framer is an io.Reader between the file and pcapgo that passes on only
// whole records and blocks whose lengths agree with each other and with the
// limits above. A record or block that is sound in length but inconsistent
// inside (a captured length beyond its block, an undescribed interface) is
// dropped and reported through skip; one whose length cannot be trusted
// ends the stream with a structError, since the next record's place is then
// unknown. pcapng blocks that carry no packets for us (name resolution,
// statistics, decryption secrets, custom blocks) are skipped without being
// read into memory.
type framer struct {
	src     *bufio.Reader
	skip    func(packet int, err error)
	ng      bool             // pcapng, not classic pcap
	started bool             // the file header was checked
	order   binary.ByteOrder // of the file, or of the current pcapng section
	off     int64            // offset of src's next byte in the file
	pass    int              // bytes of the checked record or block still to hand on
	packets int              // packet records and blocks met so far, dropped ones too
	ifaces  int              // interface description blocks of the current pcapng section
	snap0   uint32           // snap length of the section's first interface, for simple packet blocks
	err     error            // what ended the stream: io.EOF, a structError or a readError
}

// startBuffer is the framer's first buffer: enough for the packets of
// most captures. A larger record or block (up to maxBlock) grows it.
const startBuffer = 64 << 10

func newFramer(r io.Reader, skip func(int, error)) *framer {
	return &framer{src: bufio.NewReaderSize(r, startBuffer), skip: skip}
}

// Read implements io.Reader for pcapgo.
func (f *framer) Read(p []byte) (int, error) {
	for f.pass == 0 {
		if f.err != nil {
			return 0, f.err
		}
		f.err = f.next()
	}
	n, err := f.src.Read(p[:min(len(p), f.pass)])
	f.pass -= n
	f.off += int64(n)
	if err != nil { // cannot happen: the bytes were peeked
		f.pass, f.err = 0, &readError{err}
		if n == 0 {
			return 0, f.err
		}
	}
	return n, nil
}

// start checks the file header, so that the caller knows which reader to
// start; the header is then handed on.
func (f *framer) start() error {
	f.err = f.next()
	return f.err
}

// next checks the next record or block; it leaves f.pass > 0 for one to
// hand on, or 0 after dropping one.
func (f *framer) next() error {
	if !f.started {
		return f.header()
	}
	if f.ng {
		return f.block()
	}
	return f.record()
}

// fail builds the structError of the current position.
func (f *framer) fail(what string, err error) error {
	return &structError{packet: f.packets + 1, offset: f.off, what: what, err: err}
}

// peek returns n bytes, a structError when the file ends first (an empty
// peek at a record boundary is io.EOF, the clean end), or a readError.
func (f *framer) peek(n int, what string, boundary bool) ([]byte, error) {
	if n > f.src.Size() {
		// Wrapping the small reader keeps the bytes it holds.
		f.src = bufio.NewReaderSize(f.src, maxBlock)
	}
	b, err := f.src.Peek(n)
	switch {
	case err == nil:
		return b, nil
	case len(b) == 0 && boundary && errors.Is(err, io.EOF):
		return nil, io.EOF
	case errors.Is(err, io.EOF):
		return nil, f.fail(what, fmt.Errorf("%w: %d of %d bytes", errTruncated, len(b), n))
	case errors.As(err, new(*gzipError)):
		return nil, f.fail(what, err)
	}
	return nil, &readError{err}
}

// header checks the file header: a classic pcap header, or a first pcapng
// section header block.
func (f *framer) header() error {
	b, err := f.peek(4, "file header", true)
	if err != nil {
		if errors.Is(err, errTruncated) {
			return f.fail("file header", errors.New("not a pcap or pcapng file: shorter than a magic number"))
		}
		return err // io.EOF: an empty file holds no packets
	}
	f.started = true
	if binary.BigEndian.Uint32(b) == blockSection {
		f.ng = true
		return f.block()
	}
	order, ok := pcapOrder(b)
	if !ok {
		return f.fail("file header", fmt.Errorf("not a pcap or pcapng file: starts with %x", b))
	}
	b, err = f.peek(pcapHeaderLength, "file header", false)
	if err != nil {
		return err
	}
	if major, minor := order.Uint16(b[4:]), order.Uint16(b[6:]); major != 2 || minor != 4 {
		return f.fail("file header", fmt.Errorf("pcap version %d.%d, want 2.4", major, minor))
	}
	f.order, f.pass = order, pcapHeaderLength
	return nil
}

// pcapOrder reads a classic pcap magic number, microsecond or nanosecond,
// in either byte order.
func pcapOrder(b []byte) (binary.ByteOrder, bool) {
	switch binary.BigEndian.Uint32(b) {
	case 0xA1B2C3D4, 0xA1B23C4D:
		return binary.BigEndian, true
	case 0xD4C3B2A1, 0x4D3CB2A1:
		return binary.LittleEndian, true
	}
	return nil, false
}

// record checks a classic pcap packet record.
func (f *framer) record() error {
	const what = "packet record"
	h, err := f.peek(pcapRecordHeader, what, true)
	if err != nil {
		return err
	}
	incl, orig := f.order.Uint32(h[8:]), f.order.Uint32(h[12:])
	if incl > maxPacket {
		return f.fail(what, fmt.Errorf("captured length %d over the %d-byte limit", incl, maxPacket))
	}
	n := pcapRecordHeader + int(incl)
	if _, err := f.peek(n, what, false); err != nil {
		return err
	}
	f.packets++
	if incl > orig {
		return f.drop(n, what, fmt.Errorf("captured length %d exceeds the packet's length %d", incl, orig))
	}
	f.pass = n
	return nil
}

// drop discards the n peeked bytes of a record or block that is sound in
// length but not in content, and reports it.
func (f *framer) drop(n int, what string, err error) error {
	f.skip(f.packets, &structError{packet: f.packets, offset: f.off, what: what, err: err})
	_, _ = f.src.Discard(n) // peeked: cannot fail
	f.off += int64(n)
	return nil
}
