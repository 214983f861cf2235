package classify

import (
	"slices"
	"strings"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/policy"
)

func TestApply(t *testing.T) {
	tests := []struct {
		name      string
		in        covered.Identification
		status    covered.Status
		entity    string
		regimes   []string
		review    []string
		scoped    bool
		rationale string
	}{
		{name: "huawei, strong", in: covered.Identification{Manufacturer: "Huawei", Confidence: 0.95},
			status: covered.StatusCovered, entity: "Huawei", regimes: []string{"fcc-covered-list", "ndaa-889"},
			rationale: "Huawei is named in the FCC Covered List (2021-03-12) and in NDAA"},
		{name: "huawei, weak", in: covered.Identification{Manufacturer: "Huawei", Confidence: 0.4},
			status: covered.StatusSuspected, entity: "Huawei", rationale: "not conclusive"},
		{name: "hikvision carries the scope caveat", in: covered.Identification{Manufacturer: "Hikvision", Confidence: 0.9},
			status: covered.StatusCovered, entity: "Hikvision", scoped: true},
		{name: "EZVIZ is a Hikvision subsidiary", in: covered.Identification{Manufacturer: "EZVIZ", Confidence: 0.9},
			status: covered.StatusCovered, entity: "Hikvision", scoped: true},
		{name: "kaspersky falls under FAR 52.204-23, not 889", in: covered.Identification{Manufacturer: "Kaspersky", Confidence: 0.9},
			status: covered.StatusCovered, entity: "Kaspersky", regimes: []string{"fcc-covered-list", "far-52.204-23"}},
		{name: "honor is a former affiliate", in: covered.Identification{Manufacturer: "Honor", Confidence: 0.9},
			status: covered.StatusNotCovered, review: []string{covered.ReviewFormerAffiliate}, rationale: "2020-11-17"},
		{name: "H3C is not Huawei", in: covered.Identification{Manufacturer: "H3C", Confidence: 0.99},
			status: covered.StatusNotCovered, rationale: "no covered list names H3C"},
		{name: "xiongmai DVR with a HiSilicon chip", in: covered.Identification{Manufacturer: "Xiongmai", Component: "HiSilicon", Confidence: 0.8},
			status: covered.StatusNotCovered, review: []string{covered.ReviewHiSiliconComponent}},
		{name: "HiSilicon chip, maker unknown", in: covered.Identification{Component: "HiSilicon", Confidence: 0.6},
			status: covered.StatusUnidentified, review: []string{covered.ReviewHiSiliconComponent}},
		{name: "LTS brand relabels Hikvision", in: covered.Identification{Brand: "LTS", Confidence: 0.8},
			status: covered.StatusSuspected, entity: "Hikvision", scoped: true},
		{name: "Laview brand relabels both", in: covered.Identification{Brand: "Laview", Confidence: 0.8},
			status: covered.StatusSuspected, entity: "Hikvision or Dahua", rationale: ", or Dahua", scoped: true},
		{name: "Lorex with Dahua lineage", in: covered.Identification{Manufacturer: "Dahua", Brand: "Lorex", Confidence: 0.8},
			status: covered.StatusCovered, entity: "Dahua", scoped: true},
		{name: "DJI: FCC category, informational", in: covered.Identification{Manufacturer: "DJI", Confidence: 0.9},
			status: covered.StatusNotCovered, review: []string{covered.ReviewFCCCategory}},
		{name: "unknown maker", in: covered.Identification{Manufacturer: "Acme Widgets", Confidence: 0.9},
			status: covered.StatusNotCovered},
		{name: "too weak to identify", in: covered.Identification{Manufacturer: "Acme Widgets", Confidence: 0.2},
			status: covered.StatusUnidentified, rationale: "too weakly"},
		{name: "nothing", in: covered.Identification{}, status: covered.StatusUnidentified, rationale: "No observation matched"},
		{name: "covered maker in conflict with a stronger other maker", in: covered.Identification{Manufacturer: "Cisco", Confidence: 0.9,
			Conflicts: []covered.Candidate{{Manufacturer: "Huawei", Confidence: 0.6}}},
			status: covered.StatusSuspected, entity: "Huawei", review: []string{covered.ReviewConflict}},
		{name: "traffic with China Telecom (Americas)'s own network", in: covered.Identification{Service: "China Telecom Americas", Confidence: 0.6,
			Evidence: []covered.Evidence{{Key: "flow.remote_asn", Value: "AS36678 CTUSA", Path: "198.51.100.7", Role: "service", Says: "China Telecom Americas"}}},
			status: covered.StatusSuspected, entity: "China Telecom", regimes: []string{"fcc-covered-list"},
			rationale: "The host exchanged traffic with China Telecom Americas's network (AS36678, 198.51.100.7), so it may use that carrier's service; China Telecom is named in the FCC Covered List"},
		{name: "traffic with the China Telecom backbone only asks for review", in: covered.Identification{Service: "China Telecom", Confidence: 0.5,
			Evidence: []covered.Evidence{{Key: "flow.remote_asn", Value: "AS4134", Path: "203.0.113.9", Role: "service", Says: "China Telecom"}}},
			status: covered.StatusUnidentified, review: []string{covered.ReviewCarrierNetwork},
			rationale: "it exchanged traffic with China Telecom's network (AS4134, 203.0.113.9), whose group includes a covered carrier"},
		{name: "a Dell laptop using China Unicom (Americas)", in: covered.Identification{Manufacturer: "Dell", Service: "China Unicom Americas", Confidence: 0.9},
			status: covered.StatusSuspected, entity: "China Unicom", rationale: "no covered list names Dell as a maker; the host exchanged"},
		{name: "covered equipment keeps its own finding", in: covered.Identification{Manufacturer: "Huawei", Service: "China Telecom Americas", Confidence: 0.95},
			status: covered.StatusCovered, entity: "Huawei"},
	}
	l := policy.Builtin()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.in
			Apply(l, &id)
			if id.Status != tt.status || id.CoveredEntity != tt.entity {
				t.Errorf("status %s entity %q, want %s %q (%s)", id.Status, id.CoveredEntity, tt.status, tt.entity, id.Rationale)
			}
			if tt.regimes != nil && !slices.Equal(id.Regimes, tt.regimes) {
				t.Errorf("regimes %v, want %v", id.Regimes, tt.regimes)
			}
			if !slices.Equal(id.Review, tt.review) && !(len(id.Review) == 0 && tt.review == nil) {
				t.Errorf("review %v, want %v", id.Review, tt.review)
			}
			if tt.scoped != (id.ScopeNote != "") {
				t.Errorf("scope note %q, want scoped=%v", id.ScopeNote, tt.scoped)
			}
			if !strings.Contains(id.Rationale, tt.rationale) || !strings.HasSuffix(id.Rationale, ".") {
				t.Errorf("rationale %q lacks %q", id.Rationale, tt.rationale)
			}
		})
	}
}

// TestPolicyPack: a user pack makes a look-alike covered under its own regime
// and adds its regime to entities it names.
func TestPolicyPack(t *testing.T) {
	pack, err := policy.Load("../policy/testdata/texas-2026.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := policy.Builtin().With(pack)
	if err != nil {
		t.Fatal(err)
	}
	id := covered.Identification{Manufacturer: "Uniview", Confidence: 0.9}
	Apply(l, &id)
	if id.Status != covered.StatusCovered || !slices.Equal(id.Regimes, []string{"texas-2026"}) {
		t.Errorf("Uniview under the Texas pack: %s %v", id.Status, id.Regimes)
	}
	id = covered.Identification{Manufacturer: "Huawei", Confidence: 0.9}
	Apply(l, &id)
	if !slices.Contains(id.Regimes, "texas-2026") || !slices.Contains(id.Regimes, "ndaa-889") {
		t.Errorf("Huawei regimes with the Texas pack: %v", id.Regimes)
	}
	id = covered.Identification{Manufacturer: "Uniview", Confidence: 0.9}
	Apply(policy.Builtin(), &id)
	if id.Status != covered.StatusNotCovered {
		t.Errorf("Uniview without the pack: %s", id.Status)
	}
}
