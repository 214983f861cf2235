// Package archtest enforces the import directions of DESIGN.md: the domain
// package uses only the standard library, and the pipeline stages (probes,
// rules, identify, classify, importers) never depend on the outer layers
// (store, server, report, cli).
package archtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/coveredtool/covered"

type pkg struct {
	ImportPath string
	Deps       []string
	Standard   bool
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Deps,Standard", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// inner are the pipeline stages; outer the layers they must not reach.
var (
	inner = []string{"internal/probe", "internal/safedial", "internal/scan", "internal/fingerprint",
		"internal/identify", "internal/policy", "internal/classify", "internal/importer", "internal/asn", "internal/check", "internal/kev", "internal/oui",
		"internal/pen", "internal/useragent", "internal/obsfile", "internal/lab", "internal/targets"}
	outer = []string{"internal/store", "internal/server", "internal/report", "internal/cli", "internal/output", "internal/config"}
	// apart lists outer layers that must not reach each other: the store
	// keeps data and the report renders a plain model, so either can change
	// without the other; the CLI and server join them.
	apart = map[string][]string{
		"internal/store":  {"internal/report", "internal/server", "internal/cli"},
		"internal/report": {"internal/store", "internal/server", "internal/cli"},
	}
)

func under(path, prefix string) bool {
	p := module + "/" + prefix
	return path == p || strings.HasPrefix(path, p+"/")
}

func TestImportDirections(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	std := map[string]bool{}
	for _, p := range pkgs {
		std[p.ImportPath] = p.Standard
	}
	for _, p := range pkgs {
		for _, d := range p.Deps {
			if p.ImportPath == module && strings.Contains(strings.Split(d, "/")[0], ".") {
				t.Errorf("the domain package %s must use only the standard library, but depends on %s", module, d)
			}
			for _, in := range inner {
				if !under(p.ImportPath, in) {
					continue
				}
				for _, o := range outer {
					if under(d, o) {
						t.Errorf("%s (a pipeline stage) depends on %s (an outer layer)", p.ImportPath, d)
					}
				}
			}
			for from, tos := range apart {
				for _, to := range tos {
					if under(p.ImportPath, from) && under(d, to) {
						t.Errorf("%s depends on %s; they are kept apart", p.ImportPath, d)
					}
				}
			}
			if under(d, "internal/cli") && p.ImportPath != module+"/cmd/covered" {
				t.Errorf("%s depends on internal/cli; only cmd/covered may", p.ImportPath)
			}
		}
	}
}

// TestUnderMatchesPrefixesOnly guards the helper the rules above rely on.
func TestUnderMatchesPrefixesOnly(t *testing.T) {
	if !under(module+"/internal/probe/httpprobe", "internal/probe") || under(module+"/internal/prober", "internal/probe") {
		t.Fatal("under matches wrong paths")
	}
}
