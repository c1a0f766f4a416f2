package kernel

// Page asks for one page of a list. Limit is capped by Normalise.
//
// After, when set, resumes the list after the row whose sort key it is (one
// value per column of the list's order, the row's id last, as text): a
// keyset page, which neither repeats nor skips a row when rows are added
// or removed before it, unlike Offset. A list that takes After ignores
// Offset with it.
type Page struct {
	Limit  int
	Offset int
	After  []string
}

// MaxPageLimit caps how many rows one page may hold. A store reads one row
// more when asked, so that a caller can tell whether another page follows.
const MaxPageLimit = 500

// Normalise returns p with a default and capped limit (MaxPageLimit, or one
// more to look ahead) and a non-negative offset.
func (p Page) Normalise() Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > MaxPageLimit+1 {
		p.Limit = MaxPageLimit + 1
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	if len(p.After) > 0 {
		p.Offset = 0
	}
	return p
}
