package check

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/coveredtool/covered/internal/kev"
	"github.com/coveredtool/covered/internal/probe"
)

// Errors callers can test with errors.Is.
var (
	// ErrAboveProfile: a check was asked for whose side effect the profile
	// does not allow. Nothing was sent.
	ErrAboveProfile = errors.New("check is above the chosen profile")
	// ErrNotAuthorized: the auth profile without an explicit authorization.
	ErrNotAuthorized = errors.New("the auth profile needs an explicit authorization")
	// ErrBudget: a check tried to send more than its max_requests.
	ErrBudget = errors.New("request budget exhausted")
	// ErrOtherHost: a check tried to reach an address other than its device.
	ErrOtherHost = errors.New("address is not the device under check")
	// ErrUndecided: the device gave no clear answer — no reply, a timeout,
	// a refused or throttled connection, an unexpected status, or the
	// account's one attempt in the window already used. The check neither
	// found the device affected nor showed it is not, so a previous finding
	// stands. Active checks wrap it; Run reports such checks in
	// Result.Undecided, not as errors.
	ErrUndecided = errors.New("no clear answer from the device")
)

// Finding is one check that flagged one device.
type Finding struct {
	Check    string `json:"check"`
	Title    string `json:"title"`
	Host     string `json:"host"`
	Severity string `json:"severity"`
	// CVEs are the CVE ids of the check, if any.
	CVEs []string `json:"cves,omitempty"`
	// KEV is true when one of the CVEs is in CISA's Known Exploited
	// Vulnerabilities catalog; KEVDateAdded is the earliest dateAdded.
	KEV          bool   `json:"kev"`
	KEVDateAdded string `json:"kev_date_added,omitempty"`
	// SideEffect is what the check did to decide: none, read or auth.
	SideEffect string `json:"side_effect"`
	// Requests is the connections and datagrams the check sent to the
	// device (0 for side effect none).
	Requests int        `json:"requests"`
	Evidence []Evidence `json:"evidence"`
	Advice   string     `json:"advice"`
	Source   string     `json:"source"`
}

// Config chooses what an Engine runs and how.
type Config struct {
	// Checks is the check set (default: Builtin).
	Checks *Set
	// KEV marks findings whose CVE is listed (default: kev.Builtin).
	KEV *kev.Catalog
	// Profile is the highest side effect allowed.
	Profile Profile
	// Authorized is the user's explicit statement that they may test the
	// devices' credentials; the auth profile refuses to start without it.
	Authorized bool
	// Only restricts the run to these check ids. Naming a check above the
	// profile is an error (ErrAboveProfile), not a silent skip.
	Only []string
	// Dialer opens every connection of read and auth checks
	// (internal/safedial in production). Required above passive.
	Dialer probe.Dialer
	// Timeout bounds one active check's exchange (default 5 s).
	Timeout time.Duration
	// AttemptWindow is how long one authentication attempt per account per
	// device is remembered (default 24 h): within it, an account is not
	// tried again on the same device.
	AttemptWindow time.Duration
	// Attempts remembers the attempts beyond this process (the inventory
	// store); nil keeps them in memory, for this engine's runs only.
	Attempts Attempts
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Engine runs the selected checks on devices. It is safe for concurrent
// use.
type Engine struct {
	cfg    Config
	checks []*Check

	attempts Attempts
}

// Attempts remembers authentication attempts. ReserveAttempt claims the one
// attempt of account on the device at address within window, before
// anything is sent: false means it was used (by this process or another).
// *store.Store implements it.
type Attempts interface {
	ReserveAttempt(ctx context.Context, device, account string, window time.Duration) (bool, error)
}

// memAttempts keeps attempts in memory: the window holds within one
// process only.
type memAttempts struct {
	now  func() time.Time
	mu   sync.Mutex // guards last
	last map[string]time.Time
}

func (m *memAttempts) ReserveAttempt(_ context.Context, device, account string, window time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := device + "\x00" + account
	now := m.now()
	if last, ok := m.last[key]; ok && now.Sub(last) < window {
		return false, nil
	}
	m.last[key] = now
	return true, nil
}

// New validates cfg and selects the checks. It refuses the auth profile
// without Authorized, an unknown check id, a check id above the profile,
// and a profile above passive without a Dialer.
func New(cfg Config) (*Engine, error) {
	if cfg.Checks == nil {
		s, err := Builtin()
		if err != nil {
			return nil, fmt.Errorf("check: built-in checks: %w", err)
		}
		cfg.Checks = s
	}
	if cfg.KEV == nil {
		k, err := kev.Builtin()
		if err != nil {
			return nil, fmt.Errorf("check: built-in KEV entries: %w", err)
		}
		cfg.KEV = k
	}
	switch cfg.Profile {
	case Passive, Safe, AuthProfile:
	default:
		return nil, fmt.Errorf("check: unknown profile %d", int(cfg.Profile))
	}
	if cfg.Profile == AuthProfile && !cfg.Authorized {
		return nil, fmt.Errorf("check: profile auth: %w", ErrNotAuthorized)
	}
	if cfg.Profile > Passive && cfg.Dialer == nil {
		return nil, fmt.Errorf("check: profile %s sends requests and needs a Dialer", cfg.Profile)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.AttemptWindow <= 0 {
		cfg.AttemptWindow = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	e := &Engine{cfg: cfg, attempts: cfg.Attempts}
	if e.attempts == nil {
		e.attempts = &memAttempts{now: cfg.Now, last: map[string]time.Time{}}
	}
	if len(cfg.Only) > 0 {
		for _, id := range cfg.Only {
			c, ok := cfg.Checks.Lookup(id)
			if !ok {
				return nil, fmt.Errorf("check: unknown check %q", id)
			}
			if !cfg.Profile.Allows(c.side) {
				return nil, fmt.Errorf("check: %s (side effect %s) under profile %s: %w", id, c.side, cfg.Profile, ErrAboveProfile)
			}
			e.checks = append(e.checks, c)
		}
		return e, nil
	}
	for _, c := range cfg.Checks.All() {
		if cfg.Profile.Allows(c.side) {
			e.checks = append(e.checks, c)
		}
	}
	return e, nil
}

// Checks are the checks the engine runs, in order.
func (e *Engine) Checks() []*Check { return append([]*Check(nil), e.checks...) }

// Result is what the checks of one Run concluded about one device.
//
// A check reaches one of three outcomes: affected (a Finding), not affected
// (the evidence or the device's answer shows it), or undecided (the device
// gave no clear answer, or the evidence does not tell). The store clears an
// earlier finding only for a check that decided, so a device that timed out
// or refused, or a scan that did not look, keeps its finding instead of
// looking fixed.
type Result struct {
	// Findings are the checks that flagged the device, ordered by severity
	// (highest first) then check id.
	Findings []Finding
	// Decided are the ids of the checks that reached a verdict: a finding,
	// or evidence or an answer showing the device is not affected
	// (including a check whose preconditions are shown not to hold on the
	// device). In the engine's check order.
	Decided []string
	// Undecided are the ids of the checks that got no clear answer
	// (ErrUndecided), or whose evidence could not tell: an identification
	// field the check needs unknown, evidence missing where the run did not
	// probe (Device.Probed), no firmware version or build date. They say
	// nothing about an earlier finding. In the engine's check order.
	Undecided []string
	// Errs are the failures of checks (a check that broke its budget or
	// its device boundary, ...). A failed check is in neither Decided nor
	// Undecided. A device that does not answer is not an error: it is
	// Undecided.
	Errs []error
}

// Run runs every selected check on d.
func (e *Engine) Run(ctx context.Context, d *Device) Result {
	var r Result
	for _, c := range e.checks {
		f, ok, err := e.run(ctx, c, d)
		switch {
		case errors.Is(err, ErrUndecided):
			r.Undecided = append(r.Undecided, c.ID)
			continue
		case err != nil:
			r.Errs = append(r.Errs, fmt.Errorf("check %s on %s: %w", c.ID, d.Host, err))
			continue
		}
		r.Decided = append(r.Decided, c.ID)
		if ok {
			r.Findings = append(r.Findings, f)
		}
	}
	sort.SliceStable(r.Findings, func(i, j int) bool {
		if a, b := severities[r.Findings[i].Severity], severities[r.Findings[j].Severity]; a != b {
			return a > b
		}
		return r.Findings[i].Check < r.Findings[j].Check
	})
	return r
}

// run runs one check on d: the finding and true when it flags the device,
// false with a nil error when it decided the device is not affected, and an
// error wrapping ErrUndecided when the evidence does not decide or the
// device gave no clear answer. It refuses a check above the profile even if
// it got into the list.
func (e *Engine) run(ctx context.Context, c *Check, d *Device) (Finding, bool, error) {
	if !e.cfg.Profile.Allows(c.side) {
		return Finding{}, false, ErrAboveProfile
	}
	ev, out := c.evaluate(d)
	switch out {
	case notAffected:
		return Finding{}, false, nil // the evidence shows the device is not affected: decided
	case undecided:
		// The evidence cannot tell (a field of the identification unknown,
		// evidence missing where the run did not look, no firmware
		// version): nothing is sent, and an earlier finding stands.
		return Finding{}, false, fmt.Errorf("%w: the evidence does not decide", ErrUndecided)
	}
	sent := 0
	if c.side != None {
		if !d.Addr.IsValid() {
			// Nowhere to ask: the evidence alone does not decide.
			return Finding{}, false, fmt.Errorf("%w: no address to reach the device", ErrUndecided)
		}
		bd := newBudgetDialer(e.cfg.Dialer, d.Addr, c.MaxRequests)
		actx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
		env := &Env{Dialer: bd, Device: d, Check: c, attempt: e.attempt}
		more, found, err := actives[c.Probe].run(actx, env)
		cancel()
		sent = bd.Used()
		if err != nil || !found {
			return Finding{}, false, err
		}
		ev = append(ev, more...)
	}
	return e.finding(c, d, ev, sent), true, nil
}

func (e *Engine) finding(c *Check, d *Device, ev []Evidence, sent int) Finding {
	f := Finding{Check: c.ID, Title: c.Title, Host: d.Host, Severity: c.Severity, CVEs: c.CVEs,
		SideEffect: c.side.String(), Requests: sent, Evidence: ev, Advice: c.Advice, Source: c.Source}
	for _, id := range c.CVEs {
		if k, ok := e.cfg.KEV.Lookup(id); ok {
			f.KEV = true
			if f.KEVDateAdded == "" || k.DateAdded < f.KEVDateAdded {
				f.KEVDateAdded = k.DateAdded
			}
		}
	}
	return f
}

// UseAttempts makes the engine remember authentication attempts in a
// (the store a command opens after building the engine). Call it before
// the first Run.
func (e *Engine) UseAttempts(a Attempts) { e.attempts = a }

// attempt reserves the one authentication attempt of account on the
// device: one per account per device per window, whatever check asks.
func (e *Engine) attempt(ctx context.Context, d *Device, account string) (bool, error) {
	return e.attempts.ReserveAttempt(ctx, d.Addr.String(), account, e.cfg.AttemptWindow)
}
