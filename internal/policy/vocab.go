package policy

import (
	"maps"
	"slices"

	covered "github.com/coveredtool/covered"
)

// Relations of a company to a covered entity (Company.Relation). Only named,
// subsidiary and affiliate can make a company covered.
const (
	// RelationNamed: the company is the entity a list names, or one of its
	// own brands (HiLook is Hikvision's).
	RelationNamed = "named"
	// RelationSubsidiary: owned by the entity.
	RelationSubsidiary = "subsidiary"
	// RelationAffiliate: a joint venture or associate the data treats as an
	// affiliate of the entity.
	RelationAffiliate = "affiliate"
	// RelationUnverifiedAffiliate: a link to the entity is claimed or
	// suggested by the name but not verified; not covered, review.
	RelationUnverifiedAffiliate = "unverified-affiliate"
	// RelationFormerAffiliate: the relation ended at Until (Honor, Sepura,
	// Lorex); not covered, review.
	RelationFormerAffiliate = "former-affiliate"
	// RelationOEMRelabel: a brand whose video line is mostly relabeled
	// Hikvision or Dahua products. The brand alone makes a device suspected,
	// never covered; technical evidence of the producer decides.
	RelationOEMRelabel = "oem-relabel"
	// RelationOEMPartial: a maker with its own products of which only some
	// lines were relabels; the brand alone is not evidence.
	RelationOEMPartial = "oem-partial"
	// RelationComponentMaker: the entity's chip maker (HiSilicon); its parts
	// inside another maker's product are a review matter.
	RelationComponentMaker = "component-maker"
	// RelationGroup: a company of the same group as a covered service
	// provider; its equipment is not covered.
	RelationGroup = "group"
	// RelationLookalike: a name or history resembling a covered company
	// (H3C, Shanghai Dahua Scale Factory, Tianyi Comheart).
	RelationLookalike = "lookalike"
	// RelationCategory: named through an FCC Covered List category entry
	// (DJI, Autel Robotics); informational, review fcc-category.
	RelationCategory = "category"
	// RelationUnrelated: a maker often assumed to be covered, or named only by
	// other lists, and not covered here.
	RelationUnrelated = "unrelated"
)

// Company kinds (Company.Kind).
const (
	KindMaker    = "maker"    // makes equipment
	KindBrand    = "brand"    // a label products are sold under
	KindProvider = "provider" // provides services (the covered carriers)
)

var relations = map[string]bool{
	RelationNamed: true, RelationSubsidiary: true, RelationAffiliate: true,
	RelationUnverifiedAffiliate: true, RelationFormerAffiliate: true,
	RelationOEMRelabel: true, RelationOEMPartial: true, RelationComponentMaker: true,
	RelationGroup: true, RelationLookalike: true, RelationCategory: true,
	RelationUnrelated: true,
}

// coveringRelations are the relations under which a company can be covered.
var coveringRelations = map[string]bool{
	RelationNamed: true, RelationSubsidiary: true, RelationAffiliate: true,
}

// entityRelations need an entity; the others (except oem-relabel, where it is
// optional) must not have one.
var entityRelations = map[string]bool{
	RelationNamed: true, RelationSubsidiary: true, RelationAffiliate: true,
	RelationUnverifiedAffiliate: true, RelationFormerAffiliate: true,
	RelationComponentMaker: true, RelationGroup: true,
}

// relabelRelations may list Relabels; oem-relabel and oem-partial must.
var relabelRelations = map[string]bool{
	RelationOEMRelabel: true, RelationOEMPartial: true, RelationFormerAffiliate: true,
}

// requiredReview is the review reason a relation implies.
var requiredReview = map[string]string{
	RelationFormerAffiliate:     covered.ReviewFormerAffiliate,
	RelationUnverifiedAffiliate: covered.ReviewUnverifiedAffiliate,
	RelationCategory:            covered.ReviewFCCCategory,
}

var kinds = map[string]bool{KindMaker: true, KindBrand: true, KindProvider: true}

var reviews = map[string]bool{
	covered.ReviewHiSiliconComponent: true, covered.ReviewFormerAffiliate: true,
	covered.ReviewFCCCategory: true, covered.ReviewCarrierNetwork: true,
	covered.ReviewConflict: true, covered.ReviewUnverifiedAffiliate: true,
}

var confidences = map[string]bool{
	"high": true, "medium-high": true, "medium": true, "low-medium": true, "low": true,
}

// Entry and entity coverage kinds.
var entryKinds = map[string]bool{"equipment": true, "services": true, "software": true, "category": true}
var coverKinds = map[string]bool{"equipment": true, "services": true, "software": true}

// sortedKeys lists a vocabulary for error messages.
func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }
