// Package yamlerr words goccy/go-yaml's decoding errors for people: it
// finds the node an error points at and says what was expected and what was
// written ("expected an integer, got \"2.5\""). The policy packs, the config
// file and the contract metadata all report errors by file, line and field
// and share these words.
package yamlerr

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// NodeOf finds the deepest node under root whose token is tk.
func NodeOf(root ast.Node, tk *token.Token) ast.Node {
	if root == nil {
		return nil
	}
	w := &tokenFinder{tk: tk}
	ast.Walk(w, root)
	return w.found
}

type tokenFinder struct {
	tk    *token.Token
	found ast.Node
}

func (w *tokenFinder) Visit(n ast.Node) ast.Visitor {
	if n.GetToken() == w.tk {
		w.found = n
	}
	return w
}

// DescribeType names what a Go type expects, in a user's words.
func DescribeType(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a mapping"
	}
	return t.String()
}

// DescribeNodeType names what a YAML node type is, in a user's words.
func DescribeNodeType(t ast.NodeType) string {
	switch t {
	case ast.SequenceType:
		return "a list"
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.StringType:
		return "a string"
	case ast.BoolType:
		return "true or false"
	case ast.IntegerType:
		return "an integer"
	case ast.FloatType:
		return "a number"
	}
	return strings.ToLower(t.String())
}

// DescribeNode says what the user wrote at tk: a list, a mapping, null or
// the quoted value.
func DescribeNode(n ast.Node, tk *token.Token) string {
	if n != nil {
		switch n.Type() {
		case ast.SequenceType:
			return "a list"
		case ast.MappingType, ast.MappingValueType:
			return "a mapping"
		case ast.NullType:
			return "null"
		}
	}
	return strconv.Quote(tk.Value)
}
