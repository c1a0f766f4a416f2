package kernel

// Page asks for one page of a list. Limit is capped by Normalise.
type Page struct {
	Limit  int
	Offset int
}

// MaxPageLimit caps how many rows one request may read.
const MaxPageLimit = 500

// Normalise returns p with a default and capped limit and a non-negative offset.
func (p Page) Normalise() Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > MaxPageLimit {
		p.Limit = MaxPageLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}
