package pcap

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"runtime"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// records splits a little-endian classic pcap file into its header and
// records, for the tests that rewrite one.
func records(t testing.TB, b []byte) (hdr []byte, recs [][]byte) {
	t.Helper()
	if binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatalf("not a little-endian microsecond pcap file")
	}
	hdr, b = b[:24], b[24:]
	for len(b) > 0 {
		n := 16 + int(binary.LittleEndian.Uint32(b[8:]))
		recs, b = append(recs, b[:n]), b[n:]
	}
	return hdr, recs
}

// bigEndian rewrites a little-endian pcap file in big-endian order, as
// SPARC and PowerPC machines wrote them.
func bigEndian(t testing.TB, b []byte) []byte {
	hdr, recs := records(t, b)
	out := make([]byte, 0, len(b))
	swap := func(p []byte, widths ...int) {
		for _, w := range widths {
			switch w {
			case 2:
				binary.BigEndian.PutUint16(p, binary.LittleEndian.Uint16(p))
			case 4:
				binary.BigEndian.PutUint32(p, binary.LittleEndian.Uint32(p))
			}
			p = p[w:]
		}
	}
	h := bytes.Clone(hdr)
	swap(h, 4, 2, 2, 4, 4, 4, 4)
	out = append(out, h...)
	for _, r := range recs {
		r = bytes.Clone(r)
		swap(r, 4, 4, 4, 4)
		out = append(out, r...)
	}
	return out
}

// nanosecond rewrites a microsecond pcap file with nanosecond times.
func nanosecond(t testing.TB, b []byte) []byte {
	hdr, recs := records(t, b)
	out := bytes.Clone(hdr)
	binary.LittleEndian.PutUint32(out, 0xa1b23c4d)
	for _, r := range recs {
		r = bytes.Clone(r)
		binary.LittleEndian.PutUint32(r[4:], binary.LittleEndian.Uint32(r[4:])*1000)
		out = append(out, r...)
	}
	return out
}

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// blocks splits a little-endian pcapng file into its blocks.
func blocks(t testing.TB, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		n := int(binary.LittleEndian.Uint32(b[4:]))
		out, b = append(out, b[:n]), b[n:]
	}
	return out
}

// firstOf returns the index of the first block of type typ.
func firstOf(t testing.TB, bl [][]byte, typ uint32) int {
	for i, b := range bl {
		if binary.LittleEndian.Uint32(b) == typ {
			return i
		}
	}
	t.Fatalf("no block of type %d", typ)
	return -1
}

// TestDamaged feeds damaged files, made from the real captures, and checks
// the exact report, that the facts before the damage are kept, and (for
// damage that cannot be skipped) that reading stops there.
func TestDamaged(t *testing.T) {
	pcapHdr, recs := records(t, importtest.Testdata(t, "lab.pcap"))
	classic := func(edit func(i int, r []byte) []byte) []byte {
		out := bytes.Clone(pcapHdr)
		for i, r := range recs {
			out = append(out, edit(i, bytes.Clone(r))...)
		}
		return out
	}
	ng := blocks(t, importtest.Testdata(t, "lab.pcapng"))
	firstEPB := firstOf(t, ng, blockEnhanced)
	mid := firstEPB + (len(ng)-firstEPB)/2
	pcapng := func(edit func(i int, b []byte) []byte) []byte {
		var out []byte
		for i, b := range ng {
			out = append(out, edit(i, bytes.Clone(b))...)
		}
		return out
	}
	whole := importtest.Testdata(t, "lab.pcap")
	le := binary.LittleEndian

	tests := []struct {
		name    string
		data    []byte
		bad     []string
		minObs  int // observations that must survive
		allObs  bool
		stopped bool // no observation may come from after the damage
	}{
		{
			name: "truncated pcap",
			data: whole[:len(whole)-10],
			bad:  []string{"lab.pcap:933: packet 933: packet record at byte 134360: file ends inside it (truncated capture): 72 of 82 bytes"},
			// The last packets are the SIP exchange's ACKs: nothing is lost.
			allObs: true,
		},
		{
			name: "hostile pcap captured length",
			data: classic(func(i int, r []byte) []byte {
				if i == len(recs)/2 {
					le.PutUint32(r[8:], 0xfffffff0)
				}
				return r
			}),
			bad:     []string{"lab.pcap:467: packet 467: packet record at byte 56890: captured length 4294967280 over the 262144-byte limit"},
			minObs:  1,
			stopped: true,
		},
		{
			name: "pcap captured length over the packet length",
			data: classic(func(i int, r []byte) []byte {
				if i == 5 {
					le.PutUint32(r[12:], le.Uint32(r[8:])-1)
				}
				return r
			}),
			bad:    []string{"lab.pcap:6: packet 6: packet record at byte 434: captured length 54 exceeds the packet's length 53"},
			allObs: true,
		},
		{
			name:    "pcap version 2.2",
			data:    append(append(bytes.Clone(pcapHdr[:6]), 2, 0), whole[8:]...),
			bad:     []string{"lab.pcap:1: packet 1: file header at byte 0: pcap version 2.2, want 2.4"},
			stopped: true,
		},
		{
			name:    "not a capture",
			data:    []byte("10.0.0.1 dev eth0 lladdr 00:e0:fc:12:34:56 REACHABLE\n"),
			bad:     []string{"lab.pcap:1: packet 1: file header at byte 0: not a pcap or pcapng file: starts with 31302e30"},
			stopped: true,
		},
		{
			name:    "three bytes",
			data:    []byte{0xd4, 0xc3, 0xb2},
			bad:     []string{"lab.pcap:1: packet 1: file header at byte 0: not a pcap or pcapng file: shorter than a magic number"},
			stopped: true,
		},
		{name: "empty", data: nil, stopped: true},
		{name: "header only", data: pcapHdr, stopped: true},
		{
			name: "pcapng block length not a multiple of 4",
			data: pcapng(func(i int, b []byte) []byte {
				if i == mid {
					le.PutUint32(b[4:], le.Uint32(b[4:])+2)
				}
				return b
			}),
			bad:     []string{"lab.pcap:468: packet 468: enhanced packet block at byte 65612: block length 102"},
			minObs:  1,
			stopped: true,
		},
		{
			name: "pcapng hostile block length",
			data: pcapng(func(i int, b []byte) []byte {
				if i == mid {
					le.PutUint32(b[4:], 0xfffffff0)
				}
				return b
			}),
			bad:     []string{"lab.pcap:468: packet 468: enhanced packet block at byte 65612: block length 4294967280 over the 327712-byte limit"},
			minObs:  1,
			stopped: true,
		},
		{
			name: "pcapng block length too small",
			data: pcapng(func(i int, b []byte) []byte {
				if i == mid {
					le.PutUint32(b[4:], 8)
				}
				return b
			}),
			bad:     []string{"lab.pcap:468: packet 468: enhanced packet block at byte 65612: block length 8"},
			minObs:  1,
			stopped: true,
		},
		{
			name: "pcapng trailing length differs",
			data: pcapng(func(i int, b []byte) []byte {
				if i == mid {
					le.PutUint32(b[len(b)-4:], 4)
				}
				return b
			}),
			bad:     []string{"lab.pcap:468: packet 468: enhanced packet block at byte 65612: block length 100 at its start but 4 at its end"},
			minObs:  1,
			stopped: true,
		},
		{
			name: "pcapng captured length beyond its block",
			data: pcapng(func(i int, b []byte) []byte {
				if i == mid {
					le.PutUint32(b[20:], 0xffffffff)
				}
				return b
			}),
			bad:    []string{"lab.pcap:468: packet 468: enhanced packet block at byte 65612: captured length 4294967295 does not fit in block length 100"},
			allObs: true,
		},
		{
			name: "pcapng undescribed interface",
			data: pcapng(func(i int, b []byte) []byte {
				if i == firstEPB+3 {
					le.PutUint32(b[8:], 7)
				}
				return b
			}),
			bad:    []string{"lab.pcap:4: packet 4: enhanced packet block at byte 588: interface 7 not described (the section has 1)"},
			allObs: true,
		},
		{
			name: "pcapng option overrunning its block",
			data: pcapng(func(i int, b []byte) []byte {
				if i == firstEPB {
					// An option claiming 60000 bytes, where the block
					// has room for its header only.
					nb := append(append(bytes.Clone(b[:len(b)-4]), 1, 0, 0x60, 0xea), b[len(b)-4:]...)
					le.PutUint32(nb[4:], uint32(len(nb)))
					le.PutUint32(nb[len(nb)-4:], uint32(len(nb)))
					return nb
				}
				return b
			}),
			bad:    []string{"lab.pcap:1: packet 1: enhanced packet block at byte 284: option 1 of 60000 bytes overruns its block"},
			allObs: true,
		},
		{
			name: "pcapng huge unknown block",
			data: pcapng(func(i int, b []byte) []byte {
				if i == firstEPB+10 {
					// A decryption secrets block claiming 4 GiB, which
					// pcapgo would read whole.
					hostile := []byte{0x0a, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff, 0x4b, 0x53, 0x4c, 0x54, 0xe0, 0xff, 0xff, 0xff}
					return append(hostile, b...)
				}
				return b
			}),
			bad:     []string{"lab.pcap:11: packet 11: block of type 0xa at byte 1264: file ends inside it (truncated capture)"},
			minObs:  0,
			stopped: true,
		},
		{
			name: "pcapng bad byte-order magic",
			data: pcapng(func(i int, b []byte) []byte {
				if i == 0 {
					b[8] = 0
				}
				return b
			}),
			bad:     []string{"lab.pcap:1: packet 1: section header block at byte 0: byte-order magic 003c2b1a"},
			stopped: true,
		},
		{
			name: "pcapng timestamp resolution pcapgo refuses",
			data: pcapng(func(i int, b []byte) []byte {
				if binary.LittleEndian.Uint32(b) == blockInterface {
					// if_tsresol 2^-127, inserted before end-of-options.
					opts := append([]byte{9, 0, 1, 0, 0xff, 0, 0, 0}, b[16:len(b)-4]...)
					nb := append(append(bytes.Clone(b[:16]), opts...), 0, 0, 0, 0)
					le.PutUint32(nb[4:], uint32(len(nb)))
					le.PutUint32(nb[len(nb)-4:], uint32(len(nb)))
					return nb
				}
				return b
			}),
			bad:     []string{"lab.pcap:1: packet 1: interface description block at byte 180: timestamp resolution 0xff"},
			stopped: true,
		},
		{
			name:   "gzip checksum",
			data:   corruptGzip(t, whole),
			bad:    []string{"lab.pcap:934: packet 934: packet record at byte 134442: compressed stream: gzip: invalid checksum"},
			allObs: true,
		},
		{
			name:    "gzip header damaged",
			data:    []byte{0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0xff},
			bad:     []string{"lab.pcap:1: packet 1: file header at byte 0: compressed stream: gzip: invalid header"},
			stopped: true,
		},
		{
			name:    "gzip cut short",
			data:    gzipped(t, whole)[:5000],
			bad:     []string{"lab.pcap:188: packet 188: packet record at byte 15394: compressed stream: unexpected EOF"},
			stopped: true,
		},
	}
	all, _ := read(t, whole, "lab.pcap")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			obs, bad := read(t, tc.data, "lab.pcap")
			runtime.ReadMemStats(&ms1)
			if grew := ms1.TotalAlloc - ms0.TotalAlloc; grew > 64<<20 {
				t.Errorf("allocated %d MiB reading %d bytes", grew>>20, len(tc.data))
			}
			var got []string
			for _, e := range bad {
				got = append(got, e.Error())
				if e.Line < 1 || e.File != "lab.pcap" {
					t.Errorf("RecordError %+v", e)
				}
			}
			if !equalStrings(got, tc.bad) {
				t.Errorf("bad =\n%q\nwant\n%q", got, tc.bad)
			}
			switch {
			case tc.allObs && len(obs) != len(all):
				t.Errorf("%d observations, want all %d", len(obs), len(all))
			case len(obs) < tc.minObs:
				t.Errorf("%d observations, want at least %d", len(obs), tc.minObs)
			case tc.stopped && len(obs) >= len(all) && len(all) > 0 && len(tc.data) > 24:
				t.Errorf("all %d observations despite the damage", len(obs))
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// corruptGzip compresses b and damages the stream's CRC-32: every byte
// decompresses, and the damage shows at the end.
func corruptGzip(t testing.TB, b []byte) []byte {
	z := gzipped(t, b)
	z[len(z)-8] ^= 0xff
	return z
}

// TestDetectHead checks Detect on heads shorter than a header and on the
// magic numbers alone.
func TestDetectHead(t *testing.T) {
	lab := importtest.Testdata(t, "lab.pcap")
	for _, tc := range []struct {
		name string
		head []byte
		want bool
	}{
		{"pcap header", lab[:24], true},
		{"pcap cut", lab[:23], false},
		{"pcapng", importtest.Testdata(t, "lab.pcapng")[:12], true},
		{"pcapng without byte-order magic", append([]byte{0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0}, "abcd"...), false},
		{"pcap version 1", append(append(bytes.Clone(lab[:4]), 1, 0), lab[6:24]...), false},
		{"gzip pcap", gzipped(t, lab), true},
		{"gzip text", gzipped(t, []byte("hello, world, this is not a capture")), false},
		{"empty", nil, false},
	} {
		if got := (Format{}).Detect(tc.head); got != tc.want {
			t.Errorf("%s: Detect = %v, want %v", tc.name, got, tc.want)
		}
	}
	_ = importer.HeadSize
}
