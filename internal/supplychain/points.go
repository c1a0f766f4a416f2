package supplychain

// Point is a party with coordinates, as a map draws it: where it is and
// its stored risk level.
type Point struct {
	ID, Name, Country string
	Lat, Lng          float64
	Level             string // the stored risk level; empty before the first recompute
	Exposure          float64
}

// PointFilter narrows the points of a map. Zero fields do not filter.
type PointFilter struct {
	Commodity string // canonical commodity id
	Level     string // a risk level
	// Limit bounds how many points are returned, the most exposed first.
	Limit int
}
