package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/coveredtool/covered/internal/yamlerr"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Contract is the contract metadata FAR 52.204-25(d)(2)(i) asks for that no
// scan can discover: which contract and order the report is about and who
// supplied the equipment. It is user-supplied YAML (covered report
// --contract FILE), for example:
//
//	contract_number: W52P1J-24-D-0001
//	contracting_office: Army Contracting Command - Rock Island
//	order_number: W52P1J-25-F-0042
//	supplier: {name: Example Networks LLC, uei: ABCDEF123456, cage: 1AB23}
//	contact: Jane Doe, Facility Security Officer
//	sites:
//	  branch-7:
//	    order_number: W52P1J-25-F-0077
//	    supplier: {name: Regional Integrator Inc.}
type Contract struct {
	// Number is the contract number (required).
	Number string `yaml:"contract_number" json:"contract_number"`
	// Office is the contracting office or agency the report goes to
	// (required).
	Office string `yaml:"contracting_office" json:"contracting_office"`
	// Order is the order number, when the contract is an IDIQ or BPA.
	Order    string   `yaml:"order_number" json:"order_number,omitempty"`
	Supplier Supplier `yaml:"supplier" json:"supplier,omitzero"`
	// Contact is who to ask about the report (name, role, e-mail).
	Contact string `yaml:"contact" json:"contact,omitempty"`
	// Sites override the order number and supplier for equipment at one
	// site (covered --site names), field by field.
	Sites map[string]SiteContract `yaml:"sites" json:"sites,omitempty"`
}

// Supplier is who supplied the equipment to the contractor.
type Supplier struct {
	Name string `yaml:"name" json:"name,omitempty"`
	// UEI is the SAM Unique Entity Identifier: 12 letters and digits.
	UEI string `yaml:"uei" json:"uei,omitempty"`
	// CAGE is the Commercial and Government Entity code: 5 letters and
	// digits.
	CAGE string `yaml:"cage" json:"cage,omitempty"`
}

// SiteContract is the part of Contract that differs at one site.
type SiteContract struct {
	Order    string   `yaml:"order_number" json:"order_number,omitempty"`
	Supplier Supplier `yaml:"supplier" json:"supplier,omitzero"`
}

// forSite returns the order number and supplier that apply at site: the
// site's values where set, the contract's otherwise.
func (c *Contract) forSite(site string) (order string, sup Supplier) {
	if c == nil {
		return "", Supplier{}
	}
	order, sup = c.Order, c.Supplier
	s, ok := c.Sites[site]
	if !ok {
		return order, sup
	}
	if s.Order != "" {
		order = s.Order
	}
	if s.Supplier.Name != "" {
		// A different supplier's identifiers must not be mixed with the
		// default supplier's.
		sup = s.Supplier
	} else {
		if s.Supplier.UEI != "" {
			sup.UEI = s.Supplier.UEI
		}
		if s.Supplier.CAGE != "" {
			sup.CAGE = s.Supplier.CAGE
		}
	}
	return order, sup
}

// ContractError is one problem at one place of a contract file. Its text is
// "file:line: field: message", the form editors and CI logs link to.
type ContractError struct {
	File string
	// Line is 1-based; 0 when unknown.
	Line int
	// Field is the YAML path of the offending value, e.g.
	// "sites.hq.supplier.uei"; empty for syntax errors.
	Field string
	Msg   string
}

func (e *ContractError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxContractSize bounds how much of a contract file is read; real ones are
// a few hundred bytes.
const maxContractSize = 1 << 20

// LoadContract reads and validates a contract file. Every error is a
// *ContractError naming the file, line and field.
func LoadContract(path string) (*Contract, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load contract: %w", err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxContractSize+1))
	if err != nil {
		return nil, fmt.Errorf("load contract: read %s: %w", path, err)
	}
	if len(src) > maxContractSize {
		return nil, &ContractError{File: path, Msg: fmt.Sprintf("file larger than %d bytes", maxContractSize)}
	}
	return ParseContract(path, src)
}

// ParseContract parses and validates contract YAML; name is used in errors.
// Unknown fields are errors, so a misspelt optional field is not silently
// left out of a report to a contracting officer.
func ParseContract(name string, src []byte) (c *Contract, err error) {
	defer func() {
		// go-yaml panics on some malformed input; a contract file is user
		// input and must give an error instead.
		if r := recover(); r != nil {
			c, err = nil, &ContractError{File: name, Msg: fmt.Sprintf("malformed YAML (decoder failed: %v)", r)}
		}
	}()
	file, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, yamlError(name, nil, err)
	}
	if len(file.Docs) > 1 {
		line := 0
		if tk := file.Docs[1].GetToken(); tk != nil {
			line = tk.Position.Line
		}
		return nil, &ContractError{File: name, Line: line, Msg: "more than one YAML document"}
	}
	var body ast.Node
	if len(file.Docs) == 1 {
		body = file.Docs[0].Body
	}
	if body == nil {
		return nil, &ContractError{File: name, Line: 1, Msg: "empty document; contract_number and contracting_office are required"}
	}
	c = new(Contract)
	if err := yaml.NodeToValue(body, c, yaml.DisallowUnknownField()); err != nil {
		return nil, yamlError(name, body, err)
	}
	if err := c.validate(func(field, msg string) error {
		return &ContractError{File: name, Line: fieldLine(file, body, field), Field: field, Msg: msg}
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// validate checks required fields and identifier formats; errf makes the
// error for one field.
func (c *Contract) validate(errf func(field, msg string) error) error {
	if strings.TrimSpace(c.Number) == "" {
		return errf("contract_number", "required")
	}
	if strings.TrimSpace(c.Office) == "" {
		return errf("contracting_office", "required (the contracting office or agency)")
	}
	if err := c.Supplier.validate("supplier", errf); err != nil {
		return err
	}
	sites := make([]string, 0, len(c.Sites))
	for s := range c.Sites {
		sites = append(sites, s)
	}
	sort.Strings(sites)
	for _, s := range sites {
		if strings.TrimSpace(s) == "" {
			return errf("sites", "empty site name")
		}
		if err := c.Sites[s].Supplier.validate("sites."+s+".supplier", errf); err != nil {
			return err
		}
	}
	return nil
}

func (s Supplier) validate(prefix string, errf func(field, msg string) error) error {
	if s.UEI != "" && !alnum(s.UEI, 12) {
		return errf(prefix+".uei", fmt.Sprintf("%q is not a Unique Entity Identifier (12 letters and digits)", s.UEI))
	}
	if s.CAGE != "" && !alnum(s.CAGE, 5) {
		return errf(prefix+".cage", fmt.Sprintf("%q is not a CAGE code (5 letters and digits)", s.CAGE))
	}
	return nil
}

func alnum(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// fieldLine finds the line of a dotted field path, falling back to the
// nearest parent that exists (a missing required field points at its
// mapping).
func fieldLine(file *ast.File, body ast.Node, field string) int {
	for p := field; p != ""; {
		if path, err := yaml.PathString("$." + p); err == nil {
			if n, err := path.FilterFile(file); err == nil && n != nil && n.GetToken() != nil {
				return n.GetToken().Position.Line
			}
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if tk := body.GetToken(); tk != nil {
		return tk.Position.Line
	}
	return 1
}

// yamlError turns a go-yaml error into a *ContractError with the line of
// its token and, when root is given, the path of the node at that token.
func yamlError(name string, root ast.Node, err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) || ye.GetToken() == nil {
		return &ContractError{File: name, Msg: err.Error()}
	}
	tk := ye.GetToken()
	e := &ContractError{File: name, Line: tk.Position.Line, Msg: ye.GetMessage()}
	if n := yamlerr.NodeOf(root, tk); n != nil {
		e.Field = strings.TrimPrefix(strings.TrimPrefix(n.GetPath(), "$"), ".")
	}
	var (
		unknown *yaml.UnknownFieldError
		typeErr *yaml.TypeError
	)
	switch {
	case errors.As(err, &unknown) && e.Field != "":
		e.Msg = "unknown field"
	case errors.As(err, &typeErr):
		e.Msg = fmt.Sprintf("expected %s, got %q", typeErr.DstType, tk.Value)
	}
	return e
}
