// Package classify decides, for an identification, whether a covered list
// names its maker: it sets status, covered entity, regimes, scope note,
// review reasons and the one-sentence rationale. It is the stage after
// identify and a pure function of the identification and the lists, so a
// list update re-classifies stored results without rescanning.
package classify

import (
	"slices"
	"strings"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/policy"
)

// Thresholds on combined confidence.
const (
	// coveredAt: below it, evidence for a covered maker only makes the host
	// suspected.
	coveredAt = 0.5
	// identifiedAt: below it, evidence for a non-covered maker is too weak
	// to call the host identified.
	identifiedAt = 0.3
	// conflictAt: a covered maker among the conflicts with at least this
	// confidence makes a not-covered answer suspected instead.
	conflictAt = 0.5
)

// Apply classifies id in place using the lists.
func Apply(l *policy.Lists, id *covered.Identification) {
	id.Status = covered.StatusUnidentified
	maker, _ := l.Company(id.Manufacturer)
	brand, _ := l.Company(id.Brand)
	if id.Manufacturer == "" {
		maker = nil
	}
	switch {
	case maker != nil && maker.Covered:
		status := covered.StatusCovered
		if id.Confidence < coveredAt {
			status = covered.StatusSuspected
		}
		if maker.Relation == policy.RelationUnverifiedAffiliate {
			status = covered.StatusSuspected
			addReview(id, covered.ReviewUnverifiedAffiliate)
		}
		flag(l, id, status, maker.Entity)
		// A strong non-covered maker in conflict weakens the verdict.
		for _, c := range id.Conflicts {
			if o, ok := l.Company(c.Manufacturer); (!ok || !o.Covered) && c.Confidence >= id.Confidence*0.9 {
				id.Status = covered.StatusSuspected
				addReview(id, covered.ReviewConflict)
			}
		}
	case id.Manufacturer != "":
		if id.Confidence >= identifiedAt {
			id.Status = covered.StatusNotCovered
		}
		if maker != nil && maker.Review != "" {
			addReview(id, maker.Review)
		}
		if brand != nil && brand != maker && brand.Review != "" {
			addReview(id, brand.Review)
		}
		for _, c := range id.Conflicts {
			if o, ok := l.Company(c.Manufacturer); ok && o.Covered && c.Confidence >= conflictAt {
				flag(l, id, covered.StatusSuspected, o.Entity)
				addReview(id, covered.ReviewConflict)
				break
			}
		}
	case brand != nil && id.Brand != "":
		switch {
		case brand.Covered:
			status := covered.StatusCovered
			if id.Confidence < coveredAt {
				status = covered.StatusSuspected
			}
			flag(l, id, status, brand.Entity)
		case brand.Relation == policy.RelationOEMRelabel && len(relabels(brand)) > 0:
			// The brand is known to sell relabelled covered products, but
			// without technical lineage evidence we cannot say this one is.
			flag(l, id, covered.StatusSuspected, relabels(brand)...)
		default:
			if id.Confidence >= identifiedAt {
				id.Status = covered.StatusNotCovered
			}
			if brand.Review != "" {
				addReview(id, brand.Review)
			}
		}
	case id.Brand != "" && id.Confidence >= identifiedAt:
		id.Status = covered.StatusNotCovered
	}
	if id.Component != "" {
		if c, ok := l.Company(id.Component); ok && c.Review != "" && id.Status != covered.StatusCovered {
			addReview(id, c.Review)
		}
	}
	if c := service(l, id); c != nil {
		switch {
		case !providerNamed(c):
			addReview(id, covered.ReviewCarrierNetwork)
		case id.Status != covered.StatusCovered && id.Status != covered.StatusSuspected:
			// Traffic with the listed carrier's own network: the host may
			// use its covered service. Equipment findings take precedence.
			flag(l, id, covered.StatusSuspected, c.Entity)
		}
	}
	id.Rationale = rationale(l, id)
}

// service returns the provider whose network the host talked to, if the
// lists know it.
func service(l *policy.Lists, id *covered.Identification) *policy.Company {
	if id.Service == "" {
		return nil
	}
	c, ok := l.Company(id.Service)
	if !ok {
		return nil
	}
	return c
}

// providerNamed reports whether c is a service provider a covered list names
// itself (China Telecom (Americas)), not its parent group.
func providerNamed(c *policy.Company) bool {
	return c.Kind == policy.KindProvider && c.Relation == policy.RelationNamed && c.Entity != ""
}

// flag marks id as covered or suspected and fills what travels with such a
// finding: entity, regimes and scope note. Several entities (an OEM brand
// reported to relabel both Hikvision and Dahua) are joined with "or".
func flag(l *policy.Lists, id *covered.Identification, status covered.Status, entities ...string) {
	id.Status = status
	var names, notes []string
	for _, e := range entities {
		ent, ok := l.Entity(e)
		if !ok {
			continue
		}
		names = append(names, ent.Name)
		for _, r := range l.RegimesFor(e) {
			if !slices.Contains(id.Regimes, r) {
				id.Regimes = append(id.Regimes, r)
			}
		}
		if ent.ScopeNote != "" && !slices.Contains(notes, ent.ScopeNote) {
			notes = append(notes, ent.ScopeNote)
		}
	}
	id.CoveredEntity = strings.Join(names, " or ")
	id.ScopeNote = strings.Join(notes, " ")
}

// relabels lists the entities an OEM brand is reported to relabel.
func relabels(c *policy.Company) []string {
	if len(c.Relabels) > 0 {
		return c.Relabels
	}
	if c.Entity != "" {
		return []string{c.Entity}
	}
	return nil
}

func addReview(id *covered.Identification, reason string) {
	if !slices.Contains(id.Review, reason) {
		id.Review = append(id.Review, reason)
	}
}
