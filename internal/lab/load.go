package lab

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"sync"

	"github.com/goccy/go-yaml"
)

// devicesFS holds the built-in profiles, one file per vendor group.
//
//go:embed devices/*.yaml
var devicesFS embed.FS

// profileFile is the layout of one devices/*.yaml file.
type profileFile struct {
	Profiles []Profile `yaml:"profiles"`
}

var builtin = sync.OnceValues(func() ([]Profile, error) { return LoadProfiles(devicesFS, "devices") })

// Profiles returns the built-in profiles sorted by name, hostile ones
// included. It fails only if the embedded data is broken, which the
// package tests rule out.
func Profiles() ([]Profile, error) {
	ps, err := builtin()
	if err != nil {
		return nil, err
	}
	return append([]Profile(nil), ps...), nil
}

// LoadProfiles reads every *.yaml file in dir of fsys (strict: unknown
// fields are errors) and validates each profile.
func LoadProfiles(fsys fs.FS, dir string) ([]Profile, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read profile directory %s: %w", dir, err)
	}
	var (
		out  []Profile
		errs []error
		seen = map[string]string{}
	)
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		var f profileFile
		if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s", name, yaml.FormatError(err, false, false)))
			continue
		}
		for _, p := range f.Profiles {
			if prev, dup := seen[p.Name]; dup {
				errs = append(errs, fmt.Errorf("%s: profile %s already defined in %s", name, p.Name, prev))
				continue
			}
			seen[p.Name] = name
			if err := p.Validate(); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				continue
			}
			out = append(out, p)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
