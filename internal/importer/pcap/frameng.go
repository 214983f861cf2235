package pcap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// blockNames name the blocks pcapgo is given, for error messages.
var blockNames = map[uint32]string{
	blockSection:   "section header block",
	blockInterface: "interface description block",
	blockPacket:    "packet block",
	blockSimple:    "simple packet block",
	blockEnhanced:  "enhanced packet block",
}

// block checks one pcapng block (draft-ietf-opsawg-pcapng §3.1): total
// length at least 12 and a multiple of 4, repeated at the block's end.
// Section, interface and packet blocks are peeked whole and checked inside;
// every other block is skipped as it streams past.
func (f *framer) block() error {
	h, err := f.peek(8, "block", true)
	if err != nil {
		return err
	}
	if binary.BigEndian.Uint32(h) == blockSection {
		h, err = f.peek(12, blockNames[blockSection], false)
		if err != nil {
			return err
		}
		switch {
		case binary.BigEndian.Uint32(h[8:]) == byteOrderMagic:
			f.order = binary.BigEndian
		case binary.LittleEndian.Uint32(h[8:]) == byteOrderMagic:
			f.order = binary.LittleEndian
		default:
			return f.fail(blockNames[blockSection], fmt.Errorf("byte-order magic %x", h[8:12]))
		}
	} else if f.order == nil {
		return f.fail("block", errors.New("pcapng file does not start with a section header block"))
	}
	typ, length := f.order.Uint32(h), f.order.Uint32(h[4:])
	what, known := blockNames[typ]
	if !known {
		what = fmt.Sprintf("block of type %#x", typ)
	}
	if length < 12 || length%4 != 0 {
		return f.fail(what, fmt.Errorf("block length %d", length))
	}
	if !known {
		return f.skipBlock(what, length)
	}
	if length > maxBlock {
		return f.fail(what, fmt.Errorf("block length %d over the %d-byte limit", length, maxBlock))
	}
	b, err := f.peek(int(length), what, false)
	if err != nil {
		return err
	}
	if t := f.order.Uint32(b[length-4:]); t != length {
		return f.fail(what, fmt.Errorf("block length %d at its start but %d at its end", length, t))
	}
	body := b[:length-4]
	switch typ {
	case blockSection:
		return f.section(body)
	case blockInterface:
		return f.iface(body)
	}
	f.packets++
	if err := f.packetBlock(typ, body); err != nil {
		return f.drop(int(length), what, err)
	}
	f.pass = int(length)
	return nil
}

// section checks a section header block and starts a new section: pcapgo
// forgets the interfaces of the last one.
func (f *framer) section(b []byte) error {
	const what = "section header block"
	if len(b) < 24 {
		return f.fail(what, fmt.Errorf("block length %d", len(b)+4))
	}
	if major, minor := f.order.Uint16(b[12:]), f.order.Uint16(b[14:]); major != 1 || minor != 0 {
		return f.fail(what, fmt.Errorf("pcapng version %d.%d, want 1.0", major, minor))
	}
	if err := f.options(b[24:]); err != nil {
		return f.fail(what, err)
	}
	f.ifaces, f.snap0, f.pass = 0, 0, len(b)+4
	return nil
}

// iface checks an interface description block. A bad one ends the stream
// rather than being dropped: packets name interfaces by their rank in the
// section, and dropping one would shift the link types of all later ones.
func (f *framer) iface(b []byte) error {
	const what = "interface description block"
	if len(b) < 16 {
		return f.fail(what, fmt.Errorf("block length %d", len(b)+4))
	}
	if f.ifaces == maxInterfaces {
		return f.fail(what, fmt.Errorf("more than %d interfaces in one section", maxInterfaces))
	}
	if err := f.options(b[16:]); err != nil {
		return f.fail(what, err)
	}
	if err := tsresol(b[16:], f.order); err != nil {
		return f.fail(what, err)
	}
	if f.ifaces == 0 {
		f.snap0 = f.order.Uint32(b[12:])
	}
	f.ifaces++
	f.pass = len(b) + 4
	return nil
}

// packetBlock checks that a packet block's captured bytes and options fit
// in it and that it names a described interface.
func (f *framer) packetBlock(typ uint32, b []byte) error {
	if typ == blockSimple {
		if len(b) < 12 {
			return fmt.Errorf("simple packet block length %d", len(b)+4)
		}
		if f.ifaces == 0 {
			return errors.New("simple packet block before any interface description")
		}
		capLen := f.order.Uint32(b[8:])
		if f.snap0 != 0 && capLen > f.snap0 {
			capLen = f.snap0 // RFC: the captured part is min(length, snaplen)
		}
		if capLen > maxPacket || 12+pad4(capLen) > len(b) {
			return fmt.Errorf("packet of %d bytes does not fit in block length %d", capLen, len(b)+4)
		}
		return nil
	}
	if len(b) < 28 {
		return fmt.Errorf("packet block length %d", len(b)+4)
	}
	iface := f.order.Uint32(b[8:])
	if typ == blockPacket {
		iface = uint32(f.order.Uint16(b[8:]))
	}
	if iface >= uint32(f.ifaces) {
		return fmt.Errorf("interface %d not described (the section has %d)", iface, f.ifaces)
	}
	capLen := f.order.Uint32(b[20:])
	if capLen > maxPacket || 28+pad4(capLen) > len(b) {
		return fmt.Errorf("captured length %d does not fit in block length %d", capLen, len(b)+4)
	}
	if typ == blockEnhanced {
		return f.options(b[28+pad4(capLen):])
	}
	return nil
}

// pad4 is n rounded up to a multiple of 4; n is at most maxPacket.
func pad4(n uint32) int { return int(n+3) &^ 3 }

// options checks an options list (§3.5) the way pcapgo walks it: each
// option's padded value inside the block, an end-of-options option empty.
func (f *framer) options(b []byte) error {
	if len(b) > maxOptions {
		return fmt.Errorf("%d bytes of options, over the %d-byte limit", len(b), maxOptions)
	}
	for len(b) > 0 {
		if len(b) < 4 {
			return fmt.Errorf("%d stray bytes after the options", len(b))
		}
		code, n := f.order.Uint16(b), int(f.order.Uint16(b[2:]))
		if code == 0 {
			if n != 0 {
				return fmt.Errorf("end-of-options option of length %d", n)
			}
			return nil
		}
		if 4+(n+3)&^3 > len(b) {
			return fmt.Errorf("option %d of %d bytes overruns its block", code, n)
		}
		b = b[4+(n+3)&^3:]
	}
	return nil
}

// tsresol rejects an if_tsresol option pcapgo cannot use: a resolution of
// 2^-64 or 10^-64 or finer.
func tsresol(b []byte, order binary.ByteOrder) error {
	for len(b) >= 4 {
		code, n := order.Uint16(b), int(order.Uint16(b[2:]))
		if code == 0 || 4+n > len(b) {
			return nil
		}
		if code == 9 && n >= 1 && b[4]&0x7f > 63 {
			return fmt.Errorf("timestamp resolution %#x", b[4])
		}
		b = b[min(len(b), 4+(n+3)&^3):]
	}
	return nil
}

// skipBlock streams past a block pcapgo does not need, checking only the
// length at its end, so that its size costs no memory.
func (f *framer) skipBlock(what string, length uint32) error {
	start := f.off
	// io.CopyN, not Discard: a length over 2 GiB must not overflow a
	// 32-bit int.
	n, err := io.CopyN(io.Discard, f.src, int64(length)-4)
	f.off += n
	if err != nil {
		return f.classify(what, start, err)
	}
	t, err := f.src.Peek(4)
	if err != nil {
		return f.classify(what, start, err)
	}
	if got := f.order.Uint32(t); got != length {
		return &structError{packet: f.packets + 1, offset: start, what: what, err: fmt.Errorf("block length %d at its start but %d at its end", length, got)}
	}
	_, _ = f.src.Discard(4)
	f.off += 4
	return nil
}

// classify turns a read failure inside a skipped block into a structError
// (the file ends early, or a compressed file is corrupt) or a readError.
func (f *framer) classify(what string, start int64, err error) error {
	if errors.Is(err, io.EOF) || errors.As(err, new(*gzipError)) {
		if errors.Is(err, io.EOF) {
			err = errTruncated
		}
		return &structError{packet: f.packets + 1, offset: start, what: what, err: err}
	}
	return &readError{err}
}
