package report

import (
	"time"

	"github.com/coveredtool/covered"
)

// Data is everything a compliance report is rendered from. The CLI fills it
// from the store; this package never reads the store itself, so reports can
// be rendered (and tested) from any source and the store can change freely.
//
// Render treats Data as read-only. Times are shown in UTC; dates used for
// deadlines are taken in each time's own location, so the caller decides the
// calendar day a discovery belongs to by setting the location.
type Data struct {
	// Title heads every format; a default per kind is used when empty.
	Title string `json:"title"`
	// Generated is when the report was made. It is the reference for
	// "overdue" and is written into PDF and XLSX properties instead of the
	// wall clock, so the same Data always gives the same bytes.
	Generated time.Time `json:"generated"`
	// Tool is the covered version that made the report; RulesVersion and
	// ListsVersion are the fingerprint rules and covered lists in force.
	Tool         string `json:"tool"`
	RulesVersion string `json:"rules_version"`
	ListsVersion string `json:"lists_version"`
	// Scope says in words what the report covers (run ids, sites, window).
	Scope    string       `json:"scope"`
	Runs     []Run        `json:"runs"`
	Assets   []Asset      `json:"assets"`
	Findings []Finding    `json:"findings"`
	Trend    []TrendPoint `json:"trend"`
	Gaps     []Gap        `json:"gaps"`
	// Checks are the active security check findings (internal/check) of
	// the assets in scope; the inventory report lists them.
	Checks []CheckFinding `json:"checks,omitempty"`
	// Contract is the user-supplied §889 contract metadata (LoadContract);
	// nil when none was given, in which case the 889 report leaves the
	// contract fields empty and says so.
	Contract *Contract `json:"contract,omitempty"`
}

// Run is one scan, capture or import that the report considered. The
// inquiry report lists every run so that a statement such as "no covered
// equipment found" is backed by what was actually searched.
type Run struct {
	ID string `json:"id"`
	// Kind is "scan", "capture" or "import:<format>" (e.g. "import:nmap").
	Kind     string    `json:"kind"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	// Operator is who started the run (user name or service account).
	Operator string `json:"operator,omitempty"`
	Site     string `json:"site,omitempty"`
	// Targets are the scope as given (addresses, CIDRs, ranges, hostnames);
	// Exclusions what was left out on purpose.
	Targets    []string `json:"targets,omitempty"`
	Exclusions []string `json:"exclusions,omitempty"`
	// Ports is the port list or profile name, empty for imports.
	Ports string `json:"ports,omitempty"`
	// Sources are the imported files, capture interfaces or feeds.
	Sources      []string `json:"sources,omitempty"`
	Tool         string   `json:"tool,omitempty"`
	RulesVersion string   `json:"rules_version,omitempty"`
	ListsVersion string   `json:"lists_version,omitempty"`
	// Hosts answered, Observations recorded, Failed targets or records
	// (unreachable ranges, rejected input lines).
	Hosts        int `json:"hosts"`
	Observations int `json:"observations"`
	Failed       int `json:"failed"`
	// Status is "complete", "partial", "failed" or "running".
	Status string `json:"status"`
}

// Asset is one device as the store knows it across runs.
type Asset struct {
	ID        string    `json:"id"`
	Site      string    `json:"site,omitempty"`
	IP        string    `json:"ip,omitempty"`
	MAC       string    `json:"mac,omitempty"`
	Hostname  string    `json:"hostname,omitempty"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	// Runs are the ids of the runs that saw the asset.
	Runs []string `json:"runs,omitempty"`
	// Identification is the latest identification of the asset.
	Identification covered.Identification `json:"identification"`
}

// Finding is one asset flagged covered or suspected, with what is being
// done about it. Findings are what the §889 report is made of.
type Finding struct {
	ID      string `json:"id"`
	AssetID string `json:"asset_id"`
	// Entity is the covered entity (as covered.Identification.CoveredEntity).
	Entity string         `json:"entity"`
	Status covered.Status `json:"status"`
	// Regimes are the ids of the rules the finding falls under, as in
	// covered.Identification.Regimes ("ndaa-889", "fcc-covered-list", ...).
	Regimes      []string `json:"regimes"`
	Brand        string   `json:"brand,omitempty"`
	Manufacturer string   `json:"manufacturer,omitempty"`
	Product      string   `json:"product,omitempty"`
	// Model is the model number (OEM number, manufacturer part number or
	// wholesaler number) as identified.
	Model      string `json:"model,omitempty"`
	DeviceType string `json:"device_type,omitempty"`
	Firmware   string `json:"firmware,omitempty"`
	// Description overrides the generated item description of the §889
	// report when set (e.g. from an asset register).
	Description string `json:"description,omitempty"`
	// ScopeNote is the regime caveat that travels with the finding (the
	// purpose limitation for Hikvision, Dahua and Hytera).
	ScopeNote string `json:"scope_note,omitempty"`
	// Discovered is when the finding was first made; the FAR 52.204-25(d)
	// reporting clock starts on its calendar day.
	Discovered  time.Time   `json:"discovered"`
	LastSeen    time.Time   `json:"last_seen,omitzero"`
	Remediation Remediation `json:"remediation"`
	// Evidence summarises why the finding was made, e.g. the rationale and
	// the strongest evidence keys.
	Evidence string `json:"evidence,omitempty"`
}

// CheckFinding is a security check that flagged an asset (a weak default
// login, a known-exploited vulnerability of its firmware ...), as the
// inventory report lists it.
type CheckFinding struct {
	// Check is the check's id, Title what it found.
	Check    string   `json:"check"`
	Title    string   `json:"title"`
	Severity string   `json:"severity"`
	CVEs     []string `json:"cves,omitempty"`
	// KEV is set when a CVE is in CISA's Known Exploited Vulnerabilities
	// catalog, KEVDateAdded (YYYY-MM-DD) when it was added there.
	KEV          bool      `json:"kev"`
	KEVDateAdded string    `json:"kev_date_added,omitempty"`
	AssetID      string    `json:"asset_id"`
	Host         string    `json:"host,omitempty"`
	Advice       string    `json:"advice,omitempty"`
	FirstSeen    time.Time `json:"first_seen,omitzero"`
	LastSeen     time.Time `json:"last_seen,omitzero"`
}

// Remediation is what is being done about a finding.
type Remediation struct {
	State RemediationState `json:"state"`
	Owner string           `json:"owner,omitempty"`
	// Due is the internal target date for the remediation.
	Due    time.Time `json:"due,omitzero"`
	Ticket string    `json:"ticket,omitempty"`
	Notes  string    `json:"notes,omitempty"`
	// Reported is when the FAR 52.204-25(d)(2)(i) report was submitted, and
	// FollowUp when the (d)(2)(ii) report was; zero when not yet.
	Reported time.Time `json:"reported,omitzero"`
	FollowUp time.Time `json:"follow_up,omitzero"`
}

// RemediationState is where a finding stands.
type RemediationState string

// Remediation states. Anything else (including "") is treated as open, so
// an unknown state can never hide a finding.
const (
	StateOpen             RemediationState = "open"
	StateReplacing        RemediationState = "replacing"
	StateReplaced         RemediationState = "replaced"          // said replaced, not yet confirmed by a scan
	StateReplacedVerified RemediationState = "replaced_verified" // a later scan of its scope no longer sees it
	StateFalsePositive    RemediationState = "false_positive"    // reviewed: not covered equipment
	StateAcceptedRisk     RemediationState = "accepted_risk"     // kept, with a reason and an expiry
)

// Open reports whether the finding still needs action. Open findings are
// the ones the trend chart and the overdue marks are about.
func (s RemediationState) Open() bool {
	switch s {
	case StateReplaced, StateReplacedVerified, StateFalsePositive, StateAcceptedRisk:
		return false
	}
	return true
}

// TrendPoint is the number of open findings on one day, from run history.
type TrendPoint struct {
	Date time.Time `json:"date"`
	Open int       `json:"open"`
}

// Gap is something the inquiry did not cover: a range never scanned, a
// source never imported, a site without a recent run.
type Gap struct {
	// Kind is a short tag, e.g. "unscanned-range", "source-not-imported",
	// "stale-site".
	Kind string `json:"kind"`
	What string `json:"what"`
	Why  string `json:"why"`
}
