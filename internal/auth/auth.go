// Package auth holds the credentials logic of `covered serve`, the
// dashboard and REST API at the outer edge of the pipeline: roles and what
// they allow, password hashing (argon2id), the random secrets behind
// sessions and API tokens and the hashes the store keeps of them, CSRF
// token comparison, and login rate limiting. It is pure functions and small
// types: it keeps nothing, the store does, and it imports neither the store
// nor the server.
package auth

import (
	"fmt"
)

// Role is what an account or API token may do. Each role includes the
// ones below it: admin ⊇ operator ⊇ viewer.
type Role string

// Roles.
const (
	// Viewer reads: the inventory, findings, runs, reports.
	Viewer Role = "viewer"
	// Operator also starts scans and edits remediation.
	Operator Role = "operator"
	// Admin also manages users, API tokens and the allowed ranges.
	Admin Role = "admin"
)

// rank orders the roles; an unknown role has rank 0 and allows nothing.
var rank = map[Role]int{Viewer: 1, Operator: 2, Admin: 3}

// Roles lists the roles, weakest first, for forms and validation messages.
func Roles() []Role { return []Role{Viewer, Operator, Admin} }

// ParseRole returns the role named s exactly (lower case, no spaces).
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if rank[r] == 0 {
		return "", fmt.Errorf("auth: unknown role %q: want viewer, operator or admin", s)
	}
	return r, nil
}

// Allows reports whether r may do what needs the role need. An unknown
// role allows nothing and is allowed by nothing.
func (r Role) Allows(need Role) bool {
	have, want := rank[r], rank[need]
	return have > 0 && want > 0 && have >= want
}
