package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/coveredtool/covered"
)

// Regime889 is the regime id of NDAA FY2019 §889 as implemented by FAR
// 52.204-25; only findings under it carry the (d) reporting deadlines.
const Regime889 = "ndaa-889"

// Item is one covered (or suspected) item of the 889 report: the finding,
// the regimes it falls under, and the fields FAR 52.204-25(d)(2)(i) asks a
// contractor to report, filled from the finding and the Contract.
type Item struct {
	FindingID string         `json:"finding_id"`
	AssetID   string         `json:"asset_id"`
	Site      string         `json:"site,omitempty"`
	IP        string         `json:"ip,omitempty"`
	Hostname  string         `json:"hostname,omitempty"`
	Status    covered.Status `json:"status"`
	Entity    string         `json:"entity"`
	Regimes   []string       `json:"regimes"`
	// Reportable is true when the item falls under ndaa-889, i.e. the
	// FAR 52.204-25(d) reporting duty applies.
	Reportable bool   `json:"far_52_204_25_reportable"`
	ScopeNote  string `json:"scope_note,omitempty"`

	// The FAR 52.204-25(d)(2)(i) fields.
	ContractNumber  string `json:"contract_number"`
	OrderNumber     string `json:"order_number"`
	SupplierName    string `json:"supplier_name"`
	SupplierUEI     string `json:"supplier_uei"`
	SupplierCAGE    string `json:"supplier_cage"`
	Brand           string `json:"brand"`
	ModelNumber     string `json:"model_number"`
	ItemDescription string `json:"item_description"`
	Mitigation      string `json:"mitigation"`

	Manufacturer string    `json:"manufacturer,omitempty"`
	Discovered   time.Time `json:"discovered"`
	// ReportDue is one business day after discovery ((d)(2)(i));
	// FollowUpDue ten business days after the first report, or after
	// ReportDue while the first report is not recorded ((d)(2)(ii)).
	// Dates are YYYY-MM-DD; empty when not Reportable.
	ReportDue       string    `json:"report_due,omitempty"`
	Reported        time.Time `json:"reported,omitzero"`
	ReportOverdue   bool      `json:"report_overdue"`
	FollowUpDue     string    `json:"follow_up_due,omitempty"`
	FollowUp        time.Time `json:"follow_up,omitzero"`
	FollowUpOverdue bool      `json:"follow_up_overdue"`
	Remediation     string    `json:"remediation_state"`
}

type model889 struct {
	header
	Contract        *Contract      `json:"contract"`
	Summary         summary889     `json:"summary"`
	Regimes         []regimeItems  `json:"regimes"`
	Items           []Item         `json:"items"`
	DeadlineBasis   string         `json:"deadline_basis"`
	ExcludedReviews []excludedItem `json:"excluded_false_positives"`
}

type summary889 struct {
	Items           int `json:"items"`
	Reportable      int `json:"reportable"`
	Covered         int `json:"covered"`
	Suspected       int `json:"suspected"`
	ReportOverdue   int `json:"report_overdue"`
	FollowUpOverdue int `json:"follow_up_overdue"`
}

// regimeItems maps one regime to the findings that fall under it.
type regimeItems struct {
	Regime   string   `json:"regime"`
	Name     string   `json:"name"`
	Findings []string `json:"findings"`
}

type excludedItem struct {
	FindingID string `json:"finding_id"`
	Notes     string `json:"notes,omitempty"`
}

const deadlineBasis = "Business days are Monday to Friday except the federal holidays of 5 U.S.C. 6103 as observed. " +
	"The first report (FAR 52.204-25(d)(2)(i)) is due one business day after the day of discovery; " +
	"the follow-up ((d)(2)(ii)) ten business days after the first report, counted from its due date while no submission is recorded."

// newItem fills an Item from a finding, its asset and the contract.
func newItem(f *Finding, a *Asset, c *Contract, today civilDate) Item {
	it := Item{FindingID: f.ID, AssetID: f.AssetID, Status: f.Status, Entity: f.Entity,
		Regimes: f.Regimes, ScopeNote: f.ScopeNote, Brand: f.Brand, Manufacturer: f.Manufacturer,
		ModelNumber: f.Model, Discovered: f.Discovered, Remediation: stateText(f.Remediation.State),
		Reported: f.Remediation.Reported, FollowUp: f.Remediation.FollowUp}
	if a != nil {
		it.Site, it.IP, it.Hostname = a.Site, a.IP, a.Hostname
	}
	if it.Brand == "" {
		// The clause asks for the brand; an unbranded device is sold under
		// its maker's name.
		it.Brand = f.Manufacturer
	}
	it.Reportable = slices.Contains(f.Regimes, Regime889)
	if c != nil {
		it.ContractNumber = c.Number
		var sup Supplier
		it.OrderNumber, sup = c.forSite(it.Site)
		it.SupplierName, it.SupplierUEI, it.SupplierCAGE = sup.Name, sup.UEI, sup.CAGE
	}
	it.ItemDescription = describe(f, a)
	it.Mitigation = mitigation(&f.Remediation)
	if it.Reportable && !f.Discovered.IsZero() {
		due := addBusinessDays(dateOf(f.Discovered), 1)
		it.ReportDue = due.String()
		it.ReportOverdue = f.Remediation.Reported.IsZero() && due.before(today)
		base := due
		if !f.Remediation.Reported.IsZero() {
			base = dateOf(f.Remediation.Reported)
		}
		fu := addBusinessDays(base, 10)
		it.FollowUpDue = fu.String()
		it.FollowUpOverdue = f.Remediation.FollowUp.IsZero() && fu.before(today)
	}
	return it
}

// describe is the item description: what the device is and where it is, so
// a contracting officer can tell items apart without the inventory.
func describe(f *Finding, a *Asset) string {
	if f.Description != "" {
		return f.Description
	}
	var b strings.Builder
	b.WriteString(orWord(f.DeviceType, "device"))
	if f.Product != "" {
		b.WriteString(" (" + f.Product + ")")
	}
	if f.Firmware != "" {
		b.WriteString(", firmware " + f.Firmware)
	}
	if a != nil {
		at := a.IP
		if a.Hostname != "" {
			if at != "" {
				at += " "
			}
			at += "[" + a.Hostname + "]"
		}
		if at != "" {
			b.WriteString(", at " + at)
		}
		if a.Site != "" {
			b.WriteString(", site " + a.Site)
		}
	}
	return b.String()
}

func orWord(s, w string) string {
	if s == "" {
		return w
	}
	return s
}

var stateWords = map[RemediationState]string{
	StateOpen:             "No mitigation yet",
	StateReplacing:        "Replacement in progress",
	StateReplaced:         "Replaced (awaiting confirmation by a later scan)",
	StateReplacedVerified: "Replaced; a later scan of its scope no longer sees it",
	StateAcceptedRisk:     "Retained (risk accepted)",
}

// mitigation is the "readily available information about mitigation
// actions undertaken or recommended" of (d)(2)(i): state, notes, owner,
// ticket and target date, as recorded.
func mitigation(r *Remediation) string {
	w, ok := stateWords[r.State]
	if !ok {
		w = stateWords[StateOpen]
	}
	parts := []string{w}
	if r.Notes != "" {
		parts = append(parts, r.Notes)
	}
	var ref []string
	if r.Owner != "" {
		ref = append(ref, "owner "+r.Owner)
	}
	if r.Ticket != "" {
		ref = append(ref, "ticket "+r.Ticket)
	}
	if !r.Due.IsZero() {
		ref = append(ref, "target "+day(r.Due))
	}
	s := strings.Join(parts, ": ")
	if len(ref) > 0 {
		s += " (" + strings.Join(ref, "; ") + ")"
	}
	return s
}

func build889(h header, d *Data, x *index) *doc {
	today := dateOf(d.Generated)
	m := model889{header: h, Contract: d.Contract, DeadlineBasis: deadlineBasis,
		Regimes: []regimeItems{}, Items: []Item{}, ExcludedReviews: []excludedItem{}}
	regimes := map[string][]string{}
	for i := range d.Findings {
		f := &d.Findings[i]
		if f.Status != covered.StatusCovered && f.Status != covered.StatusSuspected {
			continue
		}
		if f.Remediation.State == StateFalsePositive {
			m.ExcludedReviews = append(m.ExcludedReviews, excludedItem{f.ID, f.Remediation.Notes})
			continue
		}
		it := newItem(f, x.asset[f.AssetID], d.Contract, today)
		m.Items = append(m.Items, it)
		for _, r := range f.Regimes {
			regimes[r] = append(regimes[r], f.ID)
		}
	}
	// Reportable items first, soonest deadline first: the order in which
	// they need attention.
	slices.SortStableFunc(m.Items, func(a, b Item) int {
		if a.Reportable != b.Reportable {
			if a.Reportable {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.ReportDue, b.ReportDue); c != 0 {
			return c
		}
		if c := a.Discovered.Compare(b.Discovered); c != 0 {
			return c
		}
		return cmp.Compare(a.FindingID, b.FindingID)
	})
	slices.SortFunc(m.ExcludedReviews, func(a, b excludedItem) int { return cmp.Compare(a.FindingID, b.FindingID) })
	ids := make([]string, 0, len(regimes))
	for r := range regimes {
		ids = append(ids, r)
	}
	slices.Sort(ids)
	for _, r := range ids {
		fs := regimes[r]
		slices.Sort(fs)
		m.Regimes = append(m.Regimes, regimeItems{Regime: r, Name: regimeName(r), Findings: fs})
	}
	s := &m.Summary
	s.Items = len(m.Items)
	for _, it := range m.Items {
		if it.Reportable {
			s.Reportable++
		}
		if it.Status == covered.StatusCovered {
			s.Covered++
		} else {
			s.Suspected++
		}
		if it.ReportOverdue {
			s.ReportOverdue++
		}
		if it.FollowUpOverdue {
			s.FollowUpOverdue++
		}
	}

	doc := &doc{model: m}
	c := d.Contract
	if c == nil {
		c = &Contract{}
		doc.notes = append(doc.notes, "No contract metadata was given (covered report --contract FILE): "+
			"contract number, order number and supplier fields are empty.")
	}
	doc.facts = []fact{
		{"Contract number", c.Number}, {"Contracting office", c.Office}, {"Order number", c.Order},
		{"Supplier", c.Supplier.Name}, {"Supplier UEI", c.Supplier.UEI}, {"Supplier CAGE", c.Supplier.CAGE},
		{"Contact", c.Contact},
		{"Items", itoa(s.Items)}, {"Under FAR 52.204-25", itoa(s.Reportable)},
		{"Covered", itoa(s.Covered)}, {"Suspected", itoa(s.Suspected)},
		{"First reports overdue", itoa(s.ReportOverdue)}, {"Follow-ups overdue", itoa(s.FollowUpOverdue)},
	}
	doc.notes = append(doc.notes, deadlineBasis,
		"Suspected items rest on weaker evidence and need confirmation; they are listed so the reporting clock is not missed.",
		"Hikvision, Dahua and Hytera equipment is covered under §889 only to the extent it is used for public safety, "+
			"security of government facilities, physical security surveillance of critical infrastructure or other national security purposes.")
	if n := len(m.ExcludedReviews); n > 0 {
		doc.notes = append(doc.notes, itoa(n)+" finding(s) reviewed as false positives are not listed.")
	}

	items := m.Items
	itemTable := &table{name: "Items", caption: "Covered items with the FAR 52.204-25(d)(2) fields and deadlines",
		cols: []column{
			{name: "Finding", width: 12}, {name: "Status", width: 11, status: true}, {name: "Covered entity", width: 14},
			{name: "Regimes", width: 22}, {name: "FAR 52.204-25", width: 8},
			{name: "Contract number", width: 18}, {name: "Order number", width: 18}, {name: "Supplier name", width: 20},
			{name: "Supplier UEI", width: 14}, {name: "Supplier CAGE", width: 8}, {name: "Brand", width: 12},
			{name: "Model number", width: 16}, {name: "Item description", width: 40}, {name: "Mitigation", width: 40},
			{name: "Discovered", width: 17}, {name: "Report due", width: 11}, {name: "Report status", width: 20, status: true},
			{name: "Follow-up due", width: 11}, {name: "Follow-up status", width: 20, status: true},
			{name: "Site", width: 12}, {name: "IP", width: 15}, {name: "Scope note", width: 40},
		},
		n: len(items),
		row: func(i int, r []string) {
			it := &items[i]
			yes := "no"
			if it.Reportable {
				yes = "yes"
			}
			r[0], r[1], r[2], r[3], r[4] = it.FindingID, string(it.Status), it.Entity, join(it.Regimes), yes
			r[5], r[6], r[7], r[8], r[9] = it.ContractNumber, it.OrderNumber, it.SupplierName, it.SupplierUEI, it.SupplierCAGE
			r[10], r[11], r[12], r[13] = it.Brand, it.ModelNumber, it.ItemDescription, it.Mitigation
			r[14], r[15], r[16] = stamp(it.Discovered), it.ReportDue, deadlineStatus(it.Reportable, it.ReportDue, it.Reported, it.ReportOverdue)
			r[17], r[18] = it.FollowUpDue, deadlineStatus(it.Reportable, it.FollowUpDue, it.FollowUp, it.FollowUpOverdue)
			r[19], r[20], r[21] = it.Site, it.IP, it.ScopeNote
		}}
	regs := m.Regimes
	regimeTable := &table{name: "Regimes", caption: "Findings by regime",
		cols: []column{{name: "Regime", width: 18}, {name: "Name", width: 34}, {name: "Items", width: 7, num: true}, {name: "Findings", width: 60}},
		n:    len(regs),
		row: func(i int, r []string) {
			r[0], r[1], r[2], r[3] = regs[i].Regime, regs[i].Name, itoa(len(regs[i].Findings)), join(regs[i].Findings)
		}}
	doc.tables = []*table{regimeTable, itemTable}
	doc.csv = itemTable
	return doc
}

// deadlineStatus says where one reporting step stands.
func deadlineStatus(reportable bool, due string, done time.Time, overdue bool) string {
	switch {
	case !reportable:
		return "not applicable"
	case due == "":
		return "no discovery date"
	case !done.IsZero():
		return "submitted " + day(done)
	case overdue:
		return "OVERDUE"
	}
	return "pending"
}
