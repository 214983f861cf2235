package fingerprint

import (
	"fmt"
	"strings"
)

// DeviceTypes is the vocabulary of device_type values.
var DeviceTypes = map[string]bool{
	"camera": true, "nvr": true, "dvr": true, "video-encoder": true, "router": true, "switch": true,
	"firewall": true, "gateway": true, "ont": true, "olt": true, "modem": true, "access-point": true,
	"wireless-controller": true, "phone": true, "tablet": true, "radio": true, "base-station": true,
	"server": true, "bmc": true, "storage": true, "ups": true, "power": true, "printer": true,
	"voip": true, "pbx": true, "media-gateway": true, "softswitch": true, "transmission": true,
	"iot": true, "tv": true, "software": true, "network": true, "thermal-camera": true,
	"access-control": true, "intercom": true, "computer": true, "sdk-port": true,
}

// Test runs every rule's examples and negatives and checks the vocabulary.
// It returns one error per problem, each naming the rule's file and line.
func (s *Set) Test() []error {
	var errs []error
	report := func(r *Rule, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: rule %s: %s", r.Location(), r.ID, fmt.Sprintf(format, args...)))
	}
	for _, key := range s.Keys() {
		for _, r := range s.byKey[key] {
			if len(r.Examples) == 0 {
				report(r, "no examples: every rule needs at least one value it must match")
			}
			for _, name := range []string{r.Manufacturer, r.Brand, r.Component} {
				if name != "" && !strings.Contains(name, "{") && len(s.vendors) > 0 && !s.vendors[name] {
					report(r, "vendor %q is not in vendors.txt", name)
				}
			}
			if r.DeviceType != "" && !DeviceTypes[r.DeviceType] {
				report(r, "device_type %q is not in the vocabulary", r.DeviceType)
			}
			for _, ex := range r.Examples {
				got, ok := s.Match(key, ex.Value, ex.Path)
				switch {
				case !ok:
					report(r, "example %q matches no rule", short(ex.Value))
					continue
				case got.Rule != r:
					report(r, "example %q is shadowed by rule %s (%s)", short(ex.Value), got.Rule.ID, got.Rule.Location())
					continue
				}
				for _, c := range []struct{ field, want, got string }{
					{"manufacturer", ex.Manufacturer, got.Manufacturer}, {"brand", ex.Brand, got.Brand},
					{"product", ex.Product, got.Product}, {"model", ex.Model, got.Model},
					{"firmware", ex.Firmware, got.Firmware}, {"device_type", ex.DeviceType, got.DeviceType},
				} {
					if c.want != "" && c.want != c.got {
						report(r, "example %q: %s = %q, want %q", short(ex.Value), c.field, c.got, c.want)
					}
				}
			}
			for _, neg := range r.Negatives {
				if r.re.MatchString(neg) {
					report(r, "negative example %q matches", short(neg))
				}
			}
		}
	}
	return errs
}

func short(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
