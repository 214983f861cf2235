package identify

import (
	"sort"

	"github.com/coveredtool/covered"
)

// minConflict is the combined confidence a second maker needs to be shown
// as a conflict.
const minConflict = 0.3

type group struct {
	id    string
	best  *claim     // strongest claim, gives the displayed name
	byKey []keyScore // strongest certainty per observation key, sorted by key
	conf  float64
}

type keyScore struct {
	key string
	c   float64
}

// combine turns one host's claims into an identification. Claims about the
// same maker from different observation keys are independent signals and
// raise confidence together (1 - Π(1-c)); several values of one key count
// once, at their strongest.
func (e *Engine) combine(name string, ev []hostClaim, text *textArena) covered.Identification {
	id := covered.Identification{
		Host: name, Regimes: []string{}, Review: []string{}, Evidence: make([]covered.Evidence, 0, len(ev)),
		RulesVersion: e.Rules.Version(), ListsVersion: e.Lists.Version,
	}
	makers := groups(ev, "manufacturer")
	brands := groups(ev, "brand")
	components := groups(ev, "component")
	services := groups(ev, "service")

	var top *group
	if len(makers) > 0 {
		top = makers[0]
		id.Manufacturer = top.best.name
		id.Confidence = round(top.confidence())
		for _, g := range makers[1:] {
			if c := g.confidence(); c >= minConflict {
				id.Conflicts = append(id.Conflicts, covered.Candidate{Manufacturer: g.best.name, Confidence: round(c), Keys: g.keys()})
			}
		}
	}
	if len(brands) > 0 {
		id.Brand = brands[0].best.name
		if top == nil {
			id.Confidence = round(brands[0].confidence())
		}
	} else {
		id.Brand = id.Manufacturer
	}
	if len(components) > 0 {
		id.Component = components[0].best.name
		if top == nil && len(brands) == 0 {
			id.Confidence = round(components[0].confidence())
		}
	}
	if len(services) > 0 {
		id.Service = services[0].best.name
		if id.Manufacturer == "" && id.Brand == "" && id.Component == "" {
			id.Confidence = round(services[0].confidence())
		}
	}

	// Descriptive fields come from the strongest claim that agrees with the
	// chosen maker (or brand, when no maker is known) and has the field.
	agree := func(c *claim) bool {
		switch {
		case top != nil:
			return c.role == "manufacturer" && c.group == top.id || c.role != "manufacturer"
		default:
			return true
		}
	}
	pick := func(get func(*claim) string) string {
		best, bestC := "", -1.0
		for _, hc := range ev {
			c := hc.c
			// Ties go to the smaller value, so that the answer does not
			// depend on the order replies arrived in.
			if v := get(c); v != "" && agree(c) && (c.certainty > bestC || c.certainty == bestC && v < best) {
				best, bestC = v, c.certainty
			}
		}
		return best
	}
	id.Product = pick(func(c *claim) string { return c.product })
	id.Model = pick(func(c *claim) string { return c.model })
	id.Firmware = pick(func(c *claim) string { return c.firmware })
	id.DeviceType = pick(func(c *claim) string { return c.deviceType })

	for _, hc := range ev {
		c := hc.c
		id.Evidence = append(id.Evidence, covered.Evidence{
			Key: c.key, Value: text.str(hc.value), Port: int(hc.port), Path: c.path, Rule: c.rule,
			Says: c.name, Role: c.role, Certainty: c.certainty, Source: c.source,
		})
	}
	sortByCertainty(id.Evidence)
	return id
}

// groups gathers the claims of one role by group, strongest group first.
// A host has a handful of groups and keys, so slices beat maps here.
func groups(ev []hostClaim, role string) []*group {
	var out []*group
	for _, hc := range ev {
		c := hc.c
		if c.role != role {
			continue
		}
		var g *group
		for _, x := range out {
			if x.id == c.group {
				g = x
				break
			}
		}
		if g == nil {
			g = &group{id: c.group}
			out = append(out, g)
		}
		if g.best == nil || c.certainty > g.best.certainty || c.certainty == g.best.certainty && c.name < g.best.name {
			g.best = c
		}
		found := false
		for i := range g.byKey {
			if g.byKey[i].key == c.key {
				g.byKey[i].c = max(g.byKey[i].c, c.certainty)
				found = true
				break
			}
		}
		if !found {
			g.byKey = append(g.byKey, keyScore{c.key, c.certainty})
		}
	}
	for _, g := range out {
		sort.Slice(g.byKey, func(i, j int) bool { return g.byKey[i].key < g.byKey[j].key })
		// Independent signals: 1 - Π(1-c), in key order so that the
		// result does not depend on the order evidence arrived in.
		miss := 1.0
		for _, k := range g.byKey {
			miss *= 1 - k.c
		}
		g.conf = 1 - miss
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].conf != out[j].conf {
			return out[i].conf > out[j].conf
		}
		return out[i].id < out[j].id
	})
	return out
}

func (g *group) confidence() float64 { return g.conf }

func (g *group) keys() []string {
	keys := make([]string, 0, len(g.byKey))
	for _, k := range g.byKey {
		keys = append(keys, k.key)
	}
	return keys
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
