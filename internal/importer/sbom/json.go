package sbom

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The JSON forms are streamed with a json.Decoder over the document: each
// byte is scanned about twice (once to find a value's end, once to decode
// it), where decoding the whole document into raw members and then each
// member would scan it four times and copy it once more.

// members calls fn for each member of the JSON object dec is at; fn must
// read the member's value.
// A document that ends inside the object fails with io.ErrUnexpectedEOF.
func members(dec *json.Decoder, fn func(key string) error) error {
	tok, err := dec.Token()
	if err == io.EOF {
		return errors.New("empty document")
	}
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("not a JSON object")
	}
	err = func() error {
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			if err := fn(key); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	}()
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// elements calls fn for each element of the JSON array, or null, dec is at;
// fn must read the element.
func elements(dec *json.Decoder, key string, fn func() error) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("member %q: want an array", key)
	}
	for dec.More() {
		if err := fn(); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// member decodes a member the document cannot do without.
func member(dec *json.Decoder, key string, v any) error {
	if err := dec.Decode(v); err != nil {
		if syntaxError(err) {
			return err
		}
		return fmt.Errorf("member %q: %w", key, jsonError(err))
	}
	return nil
}

// skip is a value read and dropped without a copy.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// syntaxError reports whether an error of Decoder.Decode is about the JSON
// text, which ends the document, rather than about a value of the wrong
// type, after which the decoder has read past the value.
func syntaxError(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// jsonError says which member had the wrong type in words, not Go types.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		// Field is the Go path, embedded structs included.
		field := strings.TrimPrefix(strings.TrimPrefix(te.Field, "Component."), "Metadata.")
		return fmt.Errorf("member %q: JSON %s where a %s belongs", field, te.Value, te.Type)
	}
	return err
}
