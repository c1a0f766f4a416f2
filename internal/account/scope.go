package account

import (
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Scope is one thing an API token may do: read, or read and write, one
// area of the application, written "area:read" or "area:write". A write
// scope includes reading the same area.
type Scope string

// Scope levels.
const (
	LevelRead  = "read"
	LevelWrite = "write"
)

// ScopeArea is a part of the application a token may be given: the
// permissions it covers and, for each, whether using it reads, changes, or
// (for permissions that guard both) depends on the request.
type ScopeArea struct {
	Name  string // as written in a scope: "suppliers"
	Label string // for people: "Suppliers, imports and due diligence"
	// Reads are permissions that only ever read; a read scope covers them.
	Reads []Permission
	// Writes are permissions that only ever change something; they need
	// the write scope.
	Writes []Permission
	// Both are permissions that guard reading and changing alike (a GET of
	// the user list and a POST adding a user): reading needs the read scope
	// and changing the write scope.
	Both []Permission
}

// ScopeAreas lists every area a token may be scoped to. Every permission
// but PermSelf is in exactly one; PermSelf (a token reading its own user)
// needs no scope.
var ScopeAreas = []ScopeArea{
	{Name: "suppliers", Label: "Suppliers, imports and due diligence", Reads: []Permission{PermSuppliersRead}, Writes: []Permission{PermSuppliersWrite}},
	{Name: "screening", Label: "Screening decisions", Writes: []Permission{PermScreeningReview}},
	{Name: "cases", Label: "Grievance cases and their counts", Reads: []Permission{PermCasesAggregate}, Both: []Permission{PermCasesHandle}},
	{Name: "impact", Label: "Impact programmes", Reads: []Permission{PermImpactRead}, Writes: []Permission{PermImpactWrite}},
	{Name: "alerts", Label: "Alerts", Reads: []Permission{PermAlertsRead}, Writes: []Permission{PermAlertsManage}},
	{Name: "reports", Label: "Reports and scorecards", Reads: []Permission{PermReportsRead}},
	{Name: "users", Label: "Users", Both: []Permission{PermUsersManage}},
	{Name: "settings", Label: "Settings and alert delivery", Both: []Permission{PermSettingsManage}},
}

// Levels lists the levels a role may grant in the area, lowest first:
// read when the role holds a permission that reads there, write when it
// holds one that changes something there.
func (a ScopeArea) Levels(role Role) []string {
	var out []string
	has := func(ps []Permission) bool {
		return slices.ContainsFunc(ps, func(p Permission) bool { return Allowed(role, p) })
	}
	if has(a.Reads) || has(a.Both) {
		out = append(out, LevelRead)
	}
	if has(a.Writes) || has(a.Both) {
		out = append(out, LevelWrite)
	}
	return out
}

// NeededScope is the scope a request needs to use perm, changing something or
// not; "" for PermSelf, which every token has.
func NeededScope(perm Permission, change bool) (Scope, bool) {
	if perm == PermSelf {
		return "", true
	}
	for _, a := range ScopeAreas {
		switch {
		case slices.Contains(a.Reads, perm):
			return Scope(a.Name + ":" + LevelRead), true
		case slices.Contains(a.Writes, perm):
			return Scope(a.Name + ":" + LevelWrite), true
		case slices.Contains(a.Both, perm) && change:
			return Scope(a.Name + ":" + LevelWrite), true
		case slices.Contains(a.Both, perm):
			return Scope(a.Name + ":" + LevelRead), true
		}
	}
	return "", false
}

// Scopes is the set of scopes of one token.
type Scopes []Scope

// Covers reports whether the scopes allow perm for a request that changes
// something or not. A write scope covers reading its area.
func (ss Scopes) Covers(perm Permission, change bool) bool {
	need, ok := NeededScope(perm, change)
	if !ok {
		return false // a permission no area names is never given to a token
	}
	if need == "" {
		return true
	}
	area, level, _ := strings.Cut(string(need), ":")
	return slices.Contains(ss, need) || (level == LevelRead && slices.Contains(ss, Scope(area+":"+LevelWrite)))
}

// String writes the scopes space-separated, as they are stored.
func (ss Scopes) String() string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, " ")
}

// Labels describes the scopes for people: "Suppliers, imports and due
// diligence: read and write".
func (ss Scopes) Labels() []string {
	var out []string
	for _, a := range ScopeAreas {
		switch {
		case slices.Contains(ss, Scope(a.Name+":"+LevelWrite)):
			out = append(out, a.Label+": read and write")
		case slices.Contains(ss, Scope(a.Name+":"+LevelRead)):
			out = append(out, a.Label+": read only")
		}
	}
	return out
}

// ParseScopes reads stored or requested scopes, space- or comma-separated,
// refusing any it does not know. Duplicates and a read scope beside the
// write scope of the same area are folded; the result is in ScopeAreas
// order.
func ParseScopes(s string) (Scopes, error) {
	want := map[Scope]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		if !knownScope(Scope(f)) {
			return nil, kernel.Errorf(kernel.Invalid, "unknown API token scope %q (want area:read or area:write, with area one of %s)", f, areaNames())
		}
		want[Scope(f)] = true
	}
	var out Scopes
	for _, a := range ScopeAreas {
		w, r := Scope(a.Name+":"+LevelWrite), Scope(a.Name+":"+LevelRead)
		switch {
		case want[w]:
			out = append(out, w)
		case want[r]:
			out = append(out, r)
		}
	}
	return out, nil
}

func knownScope(s Scope) bool {
	area, level, ok := strings.Cut(string(s), ":")
	if !ok || (level != LevelRead && level != LevelWrite) {
		return false
	}
	return slices.ContainsFunc(ScopeAreas, func(a ScopeArea) bool { return a.Name == area })
}

func areaNames() string {
	names := make([]string, len(ScopeAreas))
	for i, a := range ScopeAreas {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// checkGrantable refuses scopes beyond what role may do: a token never
// holds more than its user's role.
func checkGrantable(role Role, ss Scopes) error {
	if len(ss) == 0 {
		return kernel.Errorf(kernel.Invalid, "choose at least one area the token may use")
	}
	for _, s := range ss {
		area, level, _ := strings.Cut(string(s), ":")
		i := slices.IndexFunc(ScopeAreas, func(a ScopeArea) bool { return a.Name == area })
		if i < 0 || !slices.Contains(ScopeAreas[i].Levels(role), level) {
			what := "read"
			if level == LevelWrite {
				what = "change"
			}
			return kernel.Errorf(kernel.Invalid, "your role (%s) cannot %s %s, so a token of yours cannot either", role, what, strings.ToLower(labelOf(area)))
		}
	}
	return nil
}

func labelOf(area string) string {
	for _, a := range ScopeAreas {
		if a.Name == area {
			return a.Label
		}
	}
	return area
}

// AllScopes is every scope at its highest level: what a token made before
// tokens had scopes was given, limited as always by its user's role.
func AllScopes() Scopes {
	var out Scopes
	for _, a := range ScopeAreas {
		if len(a.Writes) > 0 || len(a.Both) > 0 {
			out = append(out, Scope(a.Name+":"+LevelWrite))
		} else {
			out = append(out, Scope(a.Name+":"+LevelRead))
		}
	}
	return out
}

// RoleScopes is every scope the role may give a token, each area at the
// highest level the role allows there.
func RoleScopes(role Role) Scopes {
	var out Scopes
	for _, a := range ScopeAreas {
		if lv := a.Levels(role); len(lv) > 0 {
			out = append(out, Scope(a.Name+":"+lv[len(lv)-1]))
		}
	}
	return out
}
