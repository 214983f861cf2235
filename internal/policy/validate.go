package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// idPattern is the form of regime, entity and source ids: they appear in
// findings, URLs and file names.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)

// checkDate accepts YYYY-MM-DD, and when partial is allowed also YYYY-MM and
// YYYY, since many corporate events are known only to the month or year.
func checkDate(s string, full bool) error {
	layouts := []string{time.DateOnly}
	if !full {
		layouts = append(layouts, "2006-01", "2006")
	}
	for _, layout := range layouts {
		if _, err := time.Parse(layout, s); err == nil {
			return nil
		}
	}
	if full {
		return fmt.Errorf("invalid date %q (want YYYY-MM-DD)", s)
	}
	return fmt.Errorf("invalid date %q (want YYYY-MM-DD, YYYY-MM or YYYY)", s)
}

func (b *builder) fail(err error) { b.errs = append(b.errs, err) }

// checkCovers checks a covers list against the vocabulary.
func (b *builder) checkCovers(covers []string, at origin) {
	for j, k := range covers {
		if !coverKinds[k] {
			b.fail(at.errorf(fmt.Sprintf("covers[%d]", j), "unknown kind %q (known: %s)", k, strings.Join(sortedKeys(coverKinds), ", ")))
		}
	}
}

// joinCovers renders a covers list for sentences: "equipment and services".
func joinCovers(covers []string) string {
	if len(covers) < 2 {
		return strings.Join(covers, "")
	}
	return strings.Join(covers[:len(covers)-1], ", ") + " and " + covers[len(covers)-1]
}

// validate checks every value and its references, and compiles the
// registrant patterns into b.l.matchers.
func (b *builder) validate() {
	regimeIDs := map[string]bool{}
	for i := range b.l.Regimes {
		b.checkRegime(i, regimeIDs)
	}
	entityIDs, entityNames := map[string]bool{}, map[string]bool{}
	for i, e := range b.l.Entities {
		at := b.entityAt[i]
		switch {
		case !idPattern.MatchString(e.ID):
			b.fail(at.errorf("id", "invalid id %q (lowercase letters, digits, '.', '-')", e.ID))
		case entityIDs[e.ID]:
			b.fail(at.errorf("id", "entity %q already defined", e.ID))
		}
		entityIDs[e.ID] = true
		if e.Name == "" {
			b.fail(at.errorf("name", "missing"))
		} else if entityNames[e.Name] {
			b.fail(at.errorf("name", "display name %q already used by another entity", e.Name))
		}
		entityNames[e.Name] = true
		if e.Covers == "" {
			b.fail(at.errorf("covers", "missing"))
		}
		if len(e.Sources) == 0 && at.f != nil {
			b.fail(at.errorf("sources", "missing"))
		}
	}
	named := map[string]bool{}
	for i, r := range b.l.Regimes {
		for j, e := range r.Entries {
			if e.Entity == "" {
				continue
			}
			named[e.Entity] = true
			if !entityIDs[e.Entity] {
				b.fail(b.regimeAt[i].errorf(fmt.Sprintf("entries[%d].entity", j), "unknown entity %q (known: %s)", e.Entity, b.knownEntities()))
			}
		}
	}
	for i, e := range b.l.Entities {
		if !named[e.ID] {
			b.fail(b.entityAt[i].errorf("id", "entity %q is named by no regime entry", e.ID))
		}
	}
	for i := range b.l.Companies {
		b.checkCompany(i)
	}
}

func (b *builder) checkRegime(i int, seen map[string]bool) {
	r, at := b.l.Regimes[i], b.regimeAt[i]
	if !idPattern.MatchString(r.ID) {
		b.fail(at.errorf("id", "invalid id %q (lowercase letters, digits, '.', '-')", r.ID))
	} else if seen[r.ID] {
		b.fail(at.errorf("id", "regime %q already defined", r.ID))
	}
	seen[r.ID] = true
	for _, f := range [...]struct{ field, v string }{{"name", r.Name}, {"citation", r.Citation}, {"url", r.URL}, {"binds", r.Binds}} {
		if f.v == "" && (!r.Pack || f.field == "name") {
			b.fail(at.errorf(f.field, "missing"))
		}
	}
	if err := checkDate(r.Date, true); err != nil {
		b.fail(at.errorf("date", "%v", err))
	}
	if r.Pack {
		return // entries of a pack are derived from its entities
	}
	nos := map[int]bool{}
	for j, e := range r.Entries {
		eat := origin{at.f, fmt.Sprintf("%s.entries[%d]", at.path, j)}
		if e.No <= 0 || nos[e.No] {
			b.fail(eat.errorf("no", "entry number %d is not positive or not unique", e.No))
		}
		nos[e.No] = true
		if !entryKinds[e.Kind] {
			b.fail(eat.errorf("kind", "unknown kind %q (known: %s)", e.Kind, strings.Join(sortedKeys(entryKinds), ", ")))
		}
		if e.Kind == "category" && e.Entity != "" {
			b.fail(eat.errorf("entity", "a category entry names no entity"))
		}
		if e.Wording == "" {
			b.fail(eat.errorf("wording", "missing"))
		}
		if err := checkDate(e.Date, true); err != nil {
			b.fail(eat.errorf("date", "%v", err))
		}
		if !confidences[e.Confidence] {
			b.fail(eat.errorf("confidence", "unknown confidence %q (known: %s)", e.Confidence, strings.Join(sortedKeys(confidences), ", ")))
		}
	}
}

// checkCompany enforces the meaning of the company fields: which relations
// can be covered, need an entity, imply a review reason, and so on.
func (b *builder) checkCompany(i int) {
	c, at := b.l.Companies[i], b.companyAt[i]
	if !kinds[c.Kind] {
		b.fail(at.errorf("kind", "unknown kind %q (known: %s)", c.Kind, strings.Join(sortedKeys(kinds), ", ")))
	}
	if !relations[c.Relation] {
		b.fail(at.errorf("relation", "unknown relation %q (known: %s)", c.Relation, strings.Join(sortedKeys(relations), ", ")))
		return
	}
	if c.Entity != "" && b.entityIndex(c.Entity) < 0 {
		b.fail(at.errorf("entity", "unknown entity %q (known: %s)", c.Entity, b.knownEntities()))
	}
	switch {
	case entityRelations[c.Relation] && c.Entity == "":
		b.fail(at.errorf("entity", "missing: relation %s needs an entity", c.Relation))
	case !entityRelations[c.Relation] && c.Relation != RelationOEMRelabel && c.Entity != "":
		b.fail(at.errorf("entity", "relation %s takes no entity", c.Relation))
	case c.Covered && !coveringRelations[c.Relation]:
		b.fail(at.errorf("covered", "relation %s cannot be covered", c.Relation))
	}
	if want, ok := requiredReview[c.Relation]; ok && c.Review != want {
		b.fail(at.errorf("review", "relation %s needs review %q", c.Relation, want))
	}
	if c.Relation == RelationComponentMaker && c.Review == "" {
		b.fail(at.errorf("review", "missing: relation component-maker needs a review reason"))
	}
	if c.Review != "" && !reviews[c.Review] {
		b.fail(at.errorf("review", "unknown review reason %q (known: %s)", c.Review, strings.Join(sortedKeys(reviews), ", ")))
	}
	b.checkRelabels(c, at)
	for _, f := range [...]struct{ field, v string }{{"since", c.Since}, {"until", c.Until}} {
		if f.v != "" {
			if err := checkDate(f.v, false); err != nil {
				b.fail(at.errorf(f.field, "%v", err))
			}
		}
	}
	if c.Since != "" && c.Until != "" && c.Until < c.Since {
		b.fail(at.errorf("until", "%s is before since %s", c.Until, c.Since))
	}
	if c.Relation == RelationFormerAffiliate && c.Until == "" {
		b.fail(at.errorf("until", "missing: a former affiliate needs the date the relation ended"))
	}
	if !confidences[c.Confidence] {
		b.fail(at.errorf("confidence", "unknown confidence %q (known: %s)", c.Confidence, strings.Join(sortedKeys(confidences), ", ")))
	}
	if c.Source == "" {
		b.fail(at.errorf("sources", "missing: every company needs a source"))
	}
	for j, p := range c.Registrants {
		re, err := compileRegistrant(p)
		switch {
		case err != nil:
			b.fail(at.errorf(fmt.Sprintf("registrants[%d]", j), "invalid regular expression: %v", err))
		case re.MatchString(""):
			b.fail(at.errorf(fmt.Sprintf("registrants[%d]", j), "pattern %q matches the empty string", p))
		}
	}
}

func (b *builder) checkRelabels(c Company, at origin) {
	switch {
	case len(c.Relabels) > 0 && !relabelRelations[c.Relation]:
		b.fail(at.errorf("relabels", "relation %s takes no relabels", c.Relation))
	case len(c.Relabels) == 0 && (c.Relation == RelationOEMRelabel || c.Relation == RelationOEMPartial):
		b.fail(at.errorf("relabels", "missing: relation %s needs the relabeled entities", c.Relation))
	}
	for j, id := range c.Relabels {
		if b.entityIndex(id) < 0 {
			b.fail(at.errorf(fmt.Sprintf("relabels[%d]", j), "unknown entity %q (known: %s)", id, b.knownEntities()))
		}
	}
	if c.Relation == RelationOEMRelabel && c.Entity != "" && !slices.Contains(c.Relabels, c.Entity) {
		b.fail(at.errorf("entity", "%q is not among relabels", c.Entity))
	}
}
