package supplychain

import "time"

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

// An analyst's decisions on a look-up decided "review".
const (
	OSHAccepted = "accepted" // the facility got the candidate's OS ID
	OSHRejected = "rejected" // the candidate is another place
)

// OSHLookup is what a look-up of one facility in the Open Supply Hub
// found: the best candidate, its score against the facility, and the
// matcher's decision. Same attaches the candidate's OS ID to the
// facility; Review leaves it for an analyst; "" found nothing close.
type OSHLookup struct {
	PartyID  string
	OSID     string // the candidate's OS ID; empty when none was found
	Name     string // the candidate's name and address, for people
	Address  string
	Score    float64
	Decision string // "same", "review" or "", or OSHAccepted or OSHRejected once an analyst decided a review
	Reasons  []string
	At       time.Time
}
