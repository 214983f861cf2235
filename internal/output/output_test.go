package output

import (
	"bytes"
	"testing"
)

type row struct {
	Host  string `json:"host"`
	Count int    `json:"count"`
}

var cols = []Column[row]{
	{Name: "host", Value: func(r row) string { return r.Host }},
	{Name: "note", Value: func(r row) string { return "a\nb" }, Wide: true},
}

func TestFormats(t *testing.T) {
	tests := []struct {
		f    Format
		rows []row
		want string
	}{
		{JSONL, []row{{"a", 1}, {"b<", 2}}, "{\"host\":\"a\",\"count\":1}\n{\"host\":\"b<\",\"count\":2}\n"},
		{JSON, []row{{"a", 1}, {"b", 2}}, "[\n{\"host\":\"a\",\"count\":1},\n{\"host\":\"b\",\"count\":2}\n]\n"},
		{JSON, nil, "[]\n"},
		{CSV, []row{{"a,x", 1}}, "host,note\n\"a,x\",\"a\nb\"\n"},
		{CSV, nil, "host,note\n"},
		{Table, []row{{"10.0.0.1", 1}, {"h", 2}}, "HOST\n10.0.0.1\nh\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w := New(&buf, tt.f, cols)
		for _, r := range tt.rows {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.want {
			t.Errorf("%s: got %q, want %q", tt.f, buf.String(), tt.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	var buf bytes.Buffer
	if f, err := ParseFormat("", &buf); err != nil || f != JSONL {
		t.Errorf("default for a non-terminal = %q, %v; want jsonl", f, err)
	}
	if _, err := ParseFormat("xml", &buf); err == nil || err.Error() != `unknown format "xml" (want jsonl, json, csv or table)` {
		t.Errorf("bad format error = %v", err)
	}
}
