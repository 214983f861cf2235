package config

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

// Error is one problem at one place of a config file. Its text is
// "file:line: field: message", the form editors and CI logs link to, so a
// user can go straight to the line to fix. Load joins several with
// errors.Join when a file has more than one problem.
type Error struct {
	// File is the config file's path as given to Load.
	File string
	// Line is 1-based; 0 when the place is unknown.
	Line int
	// Field is the YAML path of the offending value, e.g.
	// "sites[1].cidrs[0]"; empty only for YAML syntax errors, which happen
	// before there are fields.
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

// yamlFile is a parsed config file with its syntax tree, kept so that
// validation errors found after decoding can still point at a line.
//
// The approach is internal/policy's (yamlfile.go); it is repeated here
// rather than shared because that helper is unexported.
type yamlFile struct {
	name string
	ast  *ast.File
}

// parseYAML parses src as at most one YAML document.
func parseYAML(name string, src []byte) (yf *yamlFile, err error) {
	defer recoverYAML(name, &err)
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		e := tokenError(name, nil, err)
		if e.Field == "" && e.Line > 0 {
			e.Field = topKeyAt(src, e.Line)
		}
		return nil, e
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

// body returns the document's root node, nil for an empty document (no
// content, or only comments).
func (f *yamlFile) body() ast.Node {
	if len(f.ast.Docs) == 0 {
		return nil
	}
	b := f.ast.Docs[0].Body
	if b == nil || b.Type() == ast.CommentType {
		return nil
	}
	return b
}

// decode decodes the document into v strictly: unknown fields and
// mismatched types are errors that name the field and its line.
func (f *yamlFile) decode(v any) (err error) {
	defer recoverYAML(f.name, &err)
	if err := yaml.NodeToValue(f.body(), v, yaml.DisallowUnknownField()); err != nil {
		return tokenError(f.name, f.body(), err)
	}
	return nil
}

// recoverYAML turns a panic inside go-yaml into an error. The config file
// is user input, and go-yaml v1.19.2 panics on some malformed tagged nodes
// (internal/policy's FuzzParsePack found one).
func recoverYAML(name string, err *error) {
	if r := recover(); r != nil {
		*err = &Error{File: name, Msg: fmt.Sprintf("malformed YAML (decoder failed: %v)", r)}
	}
}

// errorf returns an error at field, with the line of the field (or of its
// nearest existing parent when the field is absent).
func (f *yamlFile) errorf(field, format string, args ...any) *Error {
	return &Error{File: f.name, Line: f.line(field), Field: field, Msg: fmt.Sprintf(format, args...)}
}

// line finds the line of a field path like "sites[1].cidrs[0]": the line of
// the key for a mapping field, of the item for a list element, or of the
// nearest existing parent when the field is absent. Walking the tree by
// hand (rather than with yaml.PathString) gives the key's line even when
// its value starts on the next line, which is where a user looks.
func (f *yamlFile) line(field string) int {
	_, line := f.find(field)
	return line
}

// value returns the node of the value at field, anchors and tags skipped;
// nil when the field is absent.
func (f *yamlFile) value(field string) ast.Node {
	n, _ := f.find(field)
	if n == nil {
		return nil
	}
	return unwrap(n)
}

// find walks to field, returning its value node (nil when absent) and the
// line as described for line.
func (f *yamlFile) find(field string) (ast.Node, int) {
	n := f.body()
	if n == nil {
		return nil, 1
	}
	line := tokenLine(n, 1)
	for _, seg := range splitPath(field) {
		n = unwrap(n)
		switch {
		case seg.key != "":
			mv := mappingValue(n, seg.key)
			if mv == nil {
				return nil, line
			}
			line = tokenLine(mv.Key, line)
			n = mv.Value
		default:
			sn, ok := n.(*ast.SequenceNode)
			if !ok || seg.index >= len(sn.Values) {
				return nil, line
			}
			n = sn.Values[seg.index]
			line = tokenLine(unwrap(n), line)
		}
	}
	return n, line
}

// tokenLine returns the line of n's token, or def when n has none.
func tokenLine(n ast.Node, def int) int {
	if n == nil {
		return def
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return def
}

// pathSeg is one step of a field path: a mapping key or a list index.
type pathSeg struct {
	key   string
	index int
}

// splitPath splits "a.b[2].c" into a, b, [2], c. Config keys never contain
// '.' or '[', so no quoting is needed.
func splitPath(field string) []pathSeg {
	var segs []pathSeg
	for _, part := range strings.Split(field, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			segs = append(segs, pathSeg{key: key})
		}
		for rest != "" {
			num, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(num)
			if err != nil {
				break
			}
			segs = append(segs, pathSeg{index: i})
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return segs
}

// unwrap skips anchors and tags to the value they decorate.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			if v.Value == nil {
				return n
			}
			n = v.Value
		case *ast.TagNode:
			if v.Value == nil {
				return n
			}
			n = v.Value
		default:
			return n
		}
	}
}

// mappingValue finds the key/value pair named key in a mapping node.
func mappingValue(n ast.Node, key string) *ast.MappingValueNode {
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	}
	for _, mv := range values {
		if mv.Key != nil && mv.Key.GetToken() != nil && mv.Key.GetToken().Value == key {
			return mv
		}
	}
	return nil
}

// tokenError turns a go-yaml error into an *Error with the line of its token
// and, when root is given, the YAML path of the node holding that token.
func tokenError(name string, root ast.Node, err error) *Error {
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

// topKeyAt names the top-level key whose block holds line, so that even a
// syntax error, found before there is a tree to walk, says which part of the
// file it is in. It reads the text: the nearest line at or above that starts
// in column 1 with "key:". "" when there is none.
func topKeyAt(src []byte, line int) string {
	lines := strings.Split(string(src), "\n")
	for i := min(line, len(lines)) - 1; i >= 0; i-- {
		key, _, ok := strings.Cut(lines[i], ":")
		if ok && key != "" && strings.Trim(key, "abcdefghijklmnopqrstuvwxyz0123456789_") == "" {
			return key
		}
	}
	return ""
}
