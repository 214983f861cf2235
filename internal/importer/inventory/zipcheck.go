package inventory

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

const (
	// maxEntries and maxDirectory bound the zip directory, which
	// archive/zip reads whole: a workbook has a few dozen parts.
	maxEntries   = 10_000
	maxDirectory = 8 << 20
	// maxRatio is more than deflate can compress (about 1032:1).
	maxRatio = 1100
)

var errNotZip = errors.New("not an XLSX workbook (no zip directory)")

// checkZip refuses workbooks that would make excelize hold too much: a zip
// directory with too many entries, parts that decompress past
// maxUnzipped, or more than maxInMemory of the parts excelize keeps in
// memory. Sizes are the ones the directory declares; archive/zip fails a
// part that decompresses to more.
func checkZip(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return err
	}
	head := make([]byte, 8)
	if _, err := file.ReadAt(head, 0); err != nil && err != io.EOF {
		return err
	}
	if bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return errors.New("a legacy .xls or password-protected workbook; save it as .xlsx without a password")
	}
	entries, dir, err := zipDirectory(file, st.Size())
	if err != nil {
		return err
	}
	if entries > maxEntries || dir > maxDirectory {
		return fmt.Errorf("zip directory of %d entries (%d bytes), more than a workbook has (limit %d)", entries, dir, maxEntries)
	}
	zr, err := zip.NewReader(file, st.Size())
	if err != nil {
		return fmt.Errorf("not an XLSX workbook: %w", err)
	}
	var total, inMemory uint64
	for _, zf := range zr.File {
		size := zf.UncompressedSize64
		// excelize allocates a part's declared size before reading it, so
		// a size no compression could reach is refused up front.
		if (zf.Method == zip.Store && size != zf.CompressedSize64) || size > zf.CompressedSize64*maxRatio+1024 {
			return fmt.Errorf("corrupt zip entry %q: %d bytes declared from %d compressed", clip(zf.Name, 64), size, zf.CompressedSize64)
		}
		total += size
		name := strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))
		onDisk := size > partInMemory && (strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml")
		if !onDisk {
			inMemory += size
		}
	}
	if total > maxUnzipped {
		return fmt.Errorf("workbook decompresses to %d MiB, more than %d MiB", total>>20, maxUnzipped>>20)
	}
	if inMemory > maxInMemory {
		return fmt.Errorf("workbook parts held in memory (all but the large sheets) total %d MiB, more than %d MiB", inMemory>>20, maxInMemory>>20)
	}
	return nil
}

// zipDirectory reads the end of central directory record (zip64 when it
// says so): how many entries the directory lists and how long it is.
func zipDirectory(r io.ReaderAt, size int64) (entries, dirSize uint64, err error) {
	const eocdLen, maxComment = 22, 65535
	tail := min(size, eocdLen+maxComment)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, 0, err
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, 0, errNotZip
	}
	eocd := buf[i:]
	entries = uint64(binary.LittleEndian.Uint16(eocd[10:]))
	dirSize = uint64(binary.LittleEndian.Uint32(eocd[12:]))
	if entries != 0xFFFF && dirSize != 0xFFFFFFFF {
		return entries, dirSize, nil
	}
	// zip64: a locator just before the record points at the zip64 record.
	loc := size - tail + int64(i) - 20
	if loc < 0 {
		return 0, 0, errNotZip
	}
	l := make([]byte, 20)
	if _, err := r.ReadAt(l, loc); err != nil || !bytes.HasPrefix(l, []byte("PK\x06\x07")) {
		return 0, 0, errNotZip
	}
	off := binary.LittleEndian.Uint64(l[8:])
	rec := make([]byte, 56)
	if off > uint64(size) {
		return 0, 0, errNotZip
	}
	if _, err := r.ReadAt(rec, int64(off)); err != nil || !bytes.HasPrefix(rec, []byte("PK\x06\x06")) {
		return 0, 0, errNotZip
	}
	return binary.LittleEndian.Uint64(rec[32:]), binary.LittleEndian.Uint64(rec[40:]), nil
}
