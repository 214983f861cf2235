package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/coveredtool/covered/internal/yamlerr"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Error is one problem at one place of a data file or policy pack. Its text
// is "file:line: field: message", the form editors and CI logs link to, so a
// user can fix a pack without guessing which entry is wrong.
type Error struct {
	// File is the path as given to Load, or the embedded data file name.
	File string
	// Line is 1-based; 0 when the place is unknown.
	Line int
	// Field is the YAML path of the offending value, e.g.
	// "companies[1].entity"; empty for syntax errors.
	Field string
	// Msg says what is wrong.
	Msg string
}

func (e *Error) Error() string {
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

// yamlFile is one parsed YAML document with its syntax tree, kept so that
// validation errors can point at the line of a field.
type yamlFile struct {
	name string
	ast  *ast.File
}

// parseYAML parses src as a single YAML document.
func parseYAML(name string, src []byte) (yf *yamlFile, err error) {
	defer recoverYAML(name, &err)
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, tokenError(name, nil, err)
	}
	if len(f.Docs) > 1 {
		line := 0
		if tk := f.Docs[1].GetToken(); tk != nil {
			line = tk.Position.Line
		}
		return nil, &Error{File: name, Line: line, Msg: "more than one YAML document"}
	}
	return &yamlFile{name: name, ast: f}, nil
}

// body returns the document's root node, nil for an empty document.
func (f *yamlFile) body() ast.Node {
	if len(f.ast.Docs) == 0 {
		return nil
	}
	return f.ast.Docs[0].Body
}

// decode decodes the document into v strictly: unknown fields and
// mismatched types are errors that name the field and its line.
func (f *yamlFile) decode(v any) (err error) {
	defer recoverYAML(f.name, &err)
	body := f.body()
	if body == nil {
		return &Error{File: f.name, Line: 1, Msg: "empty document"}
	}
	if err := yaml.NodeToValue(body, v, yaml.DisallowUnknownField()); err != nil {
		return tokenError(f.name, body, err)
	}
	return nil
}

// recoverYAML turns a panic inside go-yaml into an error. Packs are user
// input, and go-yaml v1.19.2 panics on some malformed tagged nodes (found by
// FuzzParsePack; the seed is kept under testdata/fuzz).
func recoverYAML(name string, err *error) {
	if r := recover(); r != nil {
		*err = &Error{File: name, Msg: fmt.Sprintf("malformed YAML (decoder failed: %v)", r)}
	}
}

// errorf returns an error at field, with the line of the field's node (or
// of its nearest existing parent when the field is absent).
func (f *yamlFile) errorf(field, format string, args ...any) *Error {
	return &Error{File: f.name, Line: f.line(field), Field: field, Msg: fmt.Sprintf(format, args...)}
}

// line finds the line of a field path like "companies[1].aliases[0]".
func (f *yamlFile) line(field string) int {
	for p := field; ; {
		path, err := yaml.PathString("$." + p)
		if err == nil {
			if n, err := path.FilterFile(f.ast); err == nil && n != nil && n.GetToken() != nil {
				return n.GetToken().Position.Line
			}
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			if body := f.body(); body != nil && body.GetToken() != nil {
				return body.GetToken().Position.Line
			}
			return 0
		}
		p = p[:i]
	}
}

// tokenError turns a go-yaml error into an *Error with the line of its token
// and, when root is given, the YAML path of the node holding that token.
func tokenError(name string, root ast.Node, err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) || ye.GetToken() == nil {
		return &Error{File: name, Msg: err.Error()}
	}
	tk := ye.GetToken()
	e := &Error{File: name, Line: tk.Position.Line, Msg: ye.GetMessage()}
	node := yamlerr.NodeOf(root, tk)
	if node != nil {
		e.Field = strings.TrimPrefix(strings.TrimPrefix(node.GetPath(), "$"), ".")
	}
	var (
		unknown *yaml.UnknownFieldError
		typeErr *yaml.TypeError
		nodeErr *yaml.UnexpectedNodeTypeError
	)
	switch {
	case errors.As(err, &unknown):
		e.Msg = "unknown field"
		if e.Field == "" {
			e.Msg = ye.GetMessage()
		}
	case errors.As(err, &typeErr):
		e.Msg = fmt.Sprintf("expected %s, got %s", yamlerr.DescribeType(typeErr.DstType), yamlerr.DescribeNode(node, tk))
	case errors.As(err, &nodeErr):
		e.Msg = fmt.Sprintf("expected %s, got %s", yamlerr.DescribeNodeType(nodeErr.Expected), yamlerr.DescribeNode(node, tk))
	}
	return e
}
