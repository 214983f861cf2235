package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/CycloneDX/cyclonedx-go"
)

// cycloneNamespace prefixes the XML namespace of every CycloneDX version
// ("http://cyclonedx.org/schema/bom/1.6").
const cycloneNamespace = "http://cyclonedx.org/schema/bom/"

// checkCycloneVersion accepts 1.x. cyclonedx-go rejects a JSON specVersion
// it does not know (ErrInvalidSpecVersion), which would refuse the BOMs of
// every future 1.x release although the fields read here have kept their
// meaning since 1.2; so the version is checked here and the library only
// decodes components.
func checkCycloneVersion(v string) error {
	major, minor, ok := strings.Cut(v, ".")
	if !ok || major != "1" || minor == "" || strings.Trim(minor, "0123456789") != "" {
		return fmt.Errorf("unsupported CycloneDX spec version %q: want 1.x (1.2 to 1.6 are known)", v)
	}
	return nil
}

// cycloneJSONNode is one JSON component: the library's fields, with the
// nested components kept raw (the outer field shadows the embedded one) so
// that each is decoded, and may fail, alone.
type cycloneJSONNode struct {
	cyclonedx.Component
	Components []json.RawMessage `json:"components"`
}

// cycloneMeta is what is read of the metadata: the other members (tools,
// lifecycles, licenses, properties...) are skipped, so that a malformed one
// does not lose the product. The component stays raw in JSON.
type cycloneMeta[C any] struct {
	Timestamp string `json:"timestamp" xml:"timestamp"`
	Component C      `json:"component" xml:"component"`
	// Manufacture is the deprecated "organization that manufactured the
	// component that the BOM describes" (1.2 to 1.5).
	Manufacture *cyclonedx.OrganizationalEntity `json:"manufacture" xml:"manufacture"`
	Supplier    *cyclonedx.OrganizationalEntity `json:"supplier" xml:"supplier"`
}

// cycloneWalker collects the components of one BOM and numbers them in the
// order read, each followed by those nested in it; the metadata
// component's own components are numbered where the metadata is.
type cycloneWalker struct {
	ctx context.Context
	rep *reporter
	d   *doc
	n   int // number of the component last read
}

// decodeCycloneJSON streams the top-level object: components are decoded
// one by one as they come, and nothing else of the document is copied.
func decodeCycloneJSON(ctx context.Context, data []byte, rep *reporter) (*doc, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	w := &cycloneWalker{ctx: ctx, rep: rep, d: &doc{}}
	var format, version string
	err := members(dec, func(key string) error {
		switch key {
		case "bomFormat":
			return member(dec, key, &format)
		case "specVersion":
			return member(dec, key, &version)
		case "serialNumber":
			return member(dec, key, &w.d.title)
		case "metadata":
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			return w.jsonMetadata(raw)
		case "components":
			return elements(dec, key, func() error { return w.jsonComponent(dec) })
		}
		return dec.Decode(&skip{})
	})
	if err != nil {
		return nil, err
	}
	if format != "CycloneDX" {
		return nil, fmt.Errorf("bomFormat %q, want \"CycloneDX\"", format)
	}
	if err := checkCycloneVersion(version); err != nil {
		return nil, err
	}
	return w.d, nil
}

// jsonMetadata reads the metadata: the time and the product.
func (w *cycloneWalker) jsonMetadata(raw json.RawMessage) error {
	if !present(raw) {
		return nil
	}
	var m cycloneMeta[json.RawMessage]
	if err := json.Unmarshal(raw, &m); err != nil {
		w.rep.metadata(jsonError(err))
		return nil
	}
	w.d.created = m.Timestamp
	if !present(m.Component) {
		return nil
	}
	var node cycloneJSONNode
	if err := json.Unmarshal(m.Component, &node); err != nil {
		w.rep.metadata(fmt.Errorf("component: %w", jsonError(err)))
	} else {
		w.product(&node.Component, m.Manufacture, m.Supplier)
	}
	return w.jsonNodes(node.Components, 1)
}

// jsonComponent decodes the next element of components. Only malformed
// JSON ends the document: after a wrong type the decoder has read past the
// component.
func (w *cycloneWalker) jsonComponent(dec *json.Decoder) error {
	w.n++
	n := w.n
	if n%1024 == 0 && w.ctx.Err() != nil {
		return w.ctx.Err()
	}
	var node cycloneJSONNode
	if err := dec.Decode(&node); err != nil {
		if syntaxError(err) {
			return err
		}
		w.rep.component(n, jsonError(err))
	} else {
		w.add(n, &node.Component)
	}
	return w.jsonNested(n, node.Components, 1)
}

// present reports whether a raw member was given and is not null.
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// jsonNodes reads raw components at nesting depth, and those inside them.
func (w *cycloneWalker) jsonNodes(raws []json.RawMessage, depth int) error {
	for _, raw := range raws {
		w.n++
		n := w.n
		if n%1024 == 0 && w.ctx.Err() != nil {
			return w.ctx.Err()
		}
		var node cycloneJSONNode
		if err := json.Unmarshal(raw, &node); err != nil {
			w.rep.component(n, jsonError(err))
		} else {
			w.add(n, &node.Component)
		}
		if err := w.jsonNested(n, node.Components, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// jsonNested reads the components nested at depth in component n.
func (w *cycloneWalker) jsonNested(n int, raws []json.RawMessage, depth int) error {
	if len(raws) == 0 {
		return nil
	}
	if depth >= maxDepth {
		w.rep.component(n, fmt.Errorf("components nested more than %d deep, skipped", maxDepth))
		return nil
	}
	return w.jsonNodes(raws, depth)
}

// add checks one decoded component and keeps it, or reports it as n.
func (w *cycloneWalker) add(n int, c *cyclonedx.Component) {
	v, err := fromCyclone(c)
	if err != nil {
		w.rep.component(n, err)
		return
	}
	w.d.parts = append(w.d.parts, v)
}

// product keeps the metadata component: the product the BOM describes,
// with the metadata's manufacture and supplier.
func (w *cycloneWalker) product(c *cyclonedx.Component, manufacture, supplier *cyclonedx.OrganizationalEntity) {
	v, err := fromCyclone(c)
	if err != nil {
		w.rep.metadata(fmt.Errorf("component: %w", err))
		return
	}
	p := v
	w.d.product = &p
	w.d.parts = append(w.d.parts, v)
	// The product's manufacturer (1.6), else metadata.manufacture, else the
	// suppliers. metadata.manufacturer is not read: since 1.6 it is the
	// organization that made the BOM.
	for _, e := range []*cyclonedx.OrganizationalEntity{c.Manufacturer, manufacture, c.Supplier, supplier} {
		if name := entityName(e); name != "" {
			w.d.maker = name
			break
		}
	}
	if c.Type == cyclonedx.ComponentTypeDevice {
		w.d.model = v.Name
	}
}

// entityName is the trimmed name of e, "" for none or one over maxField.
func entityName(e *cyclonedx.OrganizationalEntity) string {
	if e == nil || len(e.Name) > maxField {
		return ""
	}
	return strings.TrimSpace(e.Name)
}

// tree reads components the library decoded along with their parent.
func (w *cycloneWalker) tree(cs *[]cyclonedx.Component, depth int) {
	if cs == nil {
		return
	}
	for i := range *cs {
		w.n++
		n := w.n
		c := &(*cs)[i]
		w.add(n, c)
		if c.Components == nil || len(*c.Components) == 0 {
			continue
		}
		if depth+1 >= maxDepth {
			w.rep.component(n, fmt.Errorf("components nested more than %d deep, skipped", maxDepth))
			continue
		}
		w.tree(c.Components, depth+1)
	}
}

// fromCyclone takes the fields the rules read from a library component.
func fromCyclone(c *cyclonedx.Component) (component, error) {
	v := component{
		Type: string(c.Type), Name: c.Name, Group: c.Group, Version: c.Version,
		Publisher: c.Publisher, Author: c.Author, Purl: c.PackageURL, CPE: c.CPE,
	}
	if c.Supplier != nil {
		v.Supplier = &party{Name: c.Supplier.Name}
	}
	if c.Manufacturer != nil {
		v.Manufacturer = &party{Name: c.Manufacturer.Name}
	}
	if v.Author == "" && c.Authors != nil {
		var names []string
		for _, a := range *c.Authors {
			if s := strings.TrimSpace(a.Name); s != "" {
				names = append(names, s)
			}
		}
		v.Author = strings.Join(names, ", ")
	}
	return v, v.check()
}
