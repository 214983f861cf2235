// Package sbom imports software bills of materials (an importer format
// family of the import stage): CycloneDX (format "cyclonedx", JSON and XML,
// specification 1.2 to 1.6; later 1.x versions are read as far as they agree
// with 1.6) and SPDX 2 (format "spdx", JSON and tag-value, 2.2 and 2.3).
//
// An SBOM describes one product, and that product is the device identified:
// every observation's Host is "sbom:<name>@<version>" of the product the
// document describes (CycloneDX metadata.component; SPDX documentDescribes
// or the DOCUMENT DESCRIBES relationship), or "sbom:" and the document's name
// (SPDX name, CycloneDX serialNumber, else the file's name) when it names
// none. Each component becomes:
//
//   - `sbom.component`: a compact JSON object of the fields the
//     sbom.component rules read (type, name, group, version, supplier,
//     manufacturer, publisher, author, originator, purl, cpe);
//   - `software.name`: "<name> <version> (<publisher>)", the shape of the
//     software.name rules' examples, when the component names who
//     published, supplied, made or originated it and is not hardware (type
//     device: a SoC, a board).
//
// The described product is itself a component (SPDX lists it among the
// packages; the CycloneDX metadata component is emitted too), and its maker
// (manufacturer, else supplier) becomes `inventory.manufacturer`; a product
// of type device (CycloneDX) or purpose DEVICE (SPDX) also gives its name as
// `inventory.model`.
//
// SBOMs are whole documents whose metadata may follow the components, so a
// file is read whole, up to 512 MiB, and its JSON members or XML elements
// are decoded one at a time. Seen is the document's creation time
// (CycloneDX metadata.timestamp, SPDX creationInfo.created), else
// src.Seen. A component that cannot be read (wrong JSON types, no name, an
// XML element the CycloneDX library rejects, a malformed tag-value line) is
// reported with its number in the order read as the RecordError's Line
// ("component 17: ..."), and reading goes on; problems outside the
// components (CycloneDX metadata, SPDX relationships) are reported as
// "metadata: ..." with Line 0. They are reported once the whole document
// has decoded: a document that does not parse at all, an unsupported
// version and a panic inside a decoder end the read with that error alone.
//
// CycloneDX components are decoded with github.com/CycloneDX/cyclonedx-go,
// one at a time so that one bad component does not lose the document. SPDX
// is decoded by this package: github.com/spdx/tools-golang needs
// github.com/anchore/go-struct-converter, which this module's go.sum does
// not pin, and the handful of fields read here do not justify it.
package sbom

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

func init() {
	importer.Register(cycloneFormat{})
	importer.Register(spdxFormat{})
}

var (
	_ importer.Format = cycloneFormat{}
	_ importer.Format = spdxFormat{}
)

// maxDocument bounds the bytes of one SBOM: a document is decoded whole.
// A variable so that tests can lower it.
var maxDocument int64 = 512 << 20

// errTooLarge is what errors.Is finds when a document is over maxDocument.
var errTooLarge = errors.New("SBOM too large")

// readDocument reads all of r, up to maxDocument bytes, without a leading
// UTF-8 byte order mark.
func readDocument(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > maxDocument {
		return nil, fmt.Errorf("read %s: %w: over %d MiB; an SBOM is decoded whole and this one is over the limit", name, errTooLarge, maxDocument>>20)
	}
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

// decodeGuarded runs a decoder and turns its panic into an error, so that
// a library's bug on hostile input ends one import, not the program.
func decodeGuarded(what, name string, fn func() (*doc, error)) (d *doc, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, fmt.Errorf("decode %s as %s: decoder panicked: %v", name, what, p)
		}
	}()
	d, err = fn()
	if err != nil {
		return nil, fmt.Errorf("decode %s as %s: %w", name, what, err)
	}
	return d, nil
}

// cycloneFormat reads CycloneDX BOMs, JSON or XML.
type cycloneFormat struct{}

func (cycloneFormat) Name() string { return "cyclonedx" }

func (cycloneFormat) Description() string {
	return "CycloneDX SBOM, JSON or XML (spec 1.2-1.6): components with supplier, manufacturer, purl and CPE"
}

func (cycloneFormat) Example() string {
	return `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
 "metadata": {"timestamp": "2026-03-18T09:00:00Z",
  "component": {"type": "device", "name": "AV-IPC3MP-S2", "version": "2.4.1", "manufacturer": {"name": "Acme Vision Co., Ltd."}}},
 "components": [{"type": "library", "supplier": {"name": "HiSilicon Technologies Co., Ltd."}, "name": "hi3516ev300-mpp", "version": "1.0.4.0"}]}`
}

// Detect claims JSON with a "bomFormat": "CycloneDX" member, and XML in
// a CycloneDX namespace (http://cyclonedx.org/schema/bom/1.x).
func (cycloneFormat) Detect(head []byte) bool {
	head = trimStart(head)
	switch {
	case bytes.HasPrefix(head, []byte("{")):
		v, ok := jsonStringMember(head, "bomFormat")
		return ok && v == "CycloneDX"
	case bytes.HasPrefix(head, []byte("<")):
		return bytes.Contains(head, []byte(cycloneNamespace)) &&
			(bytes.Contains(head, []byte("<bom")) || bytes.Contains(head, []byte(":bom")))
	}
	return false
}

// Read decodes the BOM and emits its observations.
func (f cycloneFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	data, err := readDocument(r, src.Name)
	if err != nil {
		return err
	}
	rep := &reporter{file: src.Name}
	var d *doc
	if bytes.HasPrefix(trimStart(data), []byte("<")) {
		d, err = decodeGuarded("CycloneDX XML", src.Name, func() (*doc, error) { return decodeCycloneXML(ctx, data, rep) })
	} else {
		d, err = decodeGuarded("CycloneDX JSON", src.Name, func() (*doc, error) { return decodeCycloneJSON(ctx, data, rep) })
	}
	if err != nil {
		return err
	}
	rep.flush(bad)
	return d.emit(ctx, f.Name(), src, emit)
}

// spdxFormat reads SPDX 2 documents, JSON or tag-value.
type spdxFormat struct{}

func (spdxFormat) Name() string { return "spdx" }

func (spdxFormat) Description() string {
	return "SPDX 2.2/2.3 SBOM, JSON or tag-value: packages with supplier, originator, purl and CPE"
}

func (spdxFormat) Example() string {
	return "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: acme-mail-gateway-5.2\n" +
		"Created: 2026-02-10T08:00:00Z\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-gateway\n\n" +
		"PackageName: Kaspersky Anti-Virus SDK\nSPDXID: SPDXRef-kav-sdk\nPackageVersion: 8.10.1.4\nPackageSupplier: Organization: AO Kaspersky Lab"
}

// Detect claims JSON with an "spdxVersion" member and tag-value with a line
// that starts with "SPDXVersion:".
func (spdxFormat) Detect(head []byte) bool {
	head = trimStart(head)
	if bytes.HasPrefix(head, []byte("{")) {
		_, ok := jsonStringMember(head, "spdxVersion")
		return ok
	}
	return isTagValue(head)
}

// Read decodes the document and emits its observations.
func (f spdxFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	data, err := readDocument(r, src.Name)
	if err != nil {
		return err
	}
	rep := &reporter{file: src.Name}
	var d *doc
	if bytes.HasPrefix(trimStart(data), []byte("{")) {
		d, err = decodeGuarded("SPDX JSON", src.Name, func() (*doc, error) { return decodeSPDXJSON(ctx, data, rep) })
	} else {
		d, err = decodeGuarded("SPDX tag-value", src.Name, func() (*doc, error) { return decodeSPDXTags(ctx, data, rep) })
	}
	if err != nil {
		return err
	}
	rep.flush(bad)
	return d.emit(ctx, f.Name(), src, emit)
}

// trimStart drops a UTF-8 byte order mark and leading white space.
func trimStart(b []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
}

// jsonStringMember finds `"key": "value"` in head, a prefix of a JSON
// document, without decoding it: the key must be a member name (not inside
// an escaped string) and the value a string without escapes.
func jsonStringMember(head []byte, key string) (string, bool) {
	pat := []byte(`"` + key + `"`)
	for off := 0; ; {
		i := bytes.Index(head[off:], pat)
		if i < 0 {
			return "", false
		}
		i += off
		off = i + len(pat)
		if i > 0 && head[i-1] == '\\' {
			continue
		}
		rest := bytes.TrimLeft(head[off:], " \t\r\n")
		rest, ok := bytes.CutPrefix(rest, []byte(":"))
		if !ok {
			continue
		}
		rest, ok = bytes.CutPrefix(bytes.TrimLeft(rest, " \t\r\n"), []byte(`"`))
		if !ok {
			continue
		}
		end := bytes.IndexAny(rest, "\"\\\n")
		if end < 0 || rest[end] != '"' {
			continue
		}
		return string(rest[:end]), true
	}
}
